"""The files Altair's CDN URLs would serve, from the npm registry, fetched once into bench/.cache.

``https://cdn.jsdelivr.net/npm/vega@6?noext`` serves the package's ``jsdelivr`` file (else
``unpkg``, ``browser``, ``main``) of the newest version matching ``6``. ``npm pack`` resolves
the same range against the same registry, so the tarball holds the very bytes the CDN sends.
Tarballs and a manifest live in ``bench/.cache/npm`` (gitignored); later runs read only that.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from .pagebytes import cdn_package

CACHE = Path(__file__).resolve().parent / ".cache" / "npm"


class NpmUnavailable(RuntimeError):
    """npm is missing or the registry did not answer; the CDN column is skipped."""


def _default_file(package_json: dict) -> str:
    for key in ("jsdelivr", "unpkg", "browser", "main"):
        value = package_json.get(key)
        if isinstance(value, str):
            return value.lstrip("./")
    return "index.js"


def _pack(specs: list[str], log=print) -> dict[str, dict]:
    npm = shutil.which("npm")
    if npm is None:
        raise NpmUnavailable("npm is not installed")
    CACHE.mkdir(parents=True, exist_ok=True)
    log(f"  npm pack {' '.join(specs)}  (once; cached in {CACHE})")
    env = {**os.environ, "NPM_CONFIG_UPDATE_NOTIFIER": "false", "NPM_CONFIG_FUND": "false",
           "NPM_CONFIG_AUDIT": "false"}
    try:
        result = subprocess.run([npm, "pack", *specs, "--json", "--pack-destination", str(CACHE)],
                                cwd=CACHE, capture_output=True, text=True, timeout=300, env=env)
    except subprocess.TimeoutExpired as error:
        raise NpmUnavailable("npm pack timed out") from error
    if result.returncode != 0:
        raise NpmUnavailable(f"npm pack failed: {result.stderr.strip()[-500:]}")
    packed = json.loads(result.stdout)
    return {spec: {"name": item["name"], "version": item["version"], "tarball": item["filename"]}
            for spec, item in zip(specs, packed, strict=True)}


def _extract(tarball: Path, relative: str | None) -> tuple[Path, str]:
    """Extract package.json and the one dist file needed (not the whole package) next to the tarball."""
    target = tarball.with_suffix("") / "package"
    with tarfile.open(tarball) as archive:
        if not (target / "package.json").is_file():
            archive.extract("package/package.json", target.parent, filter="data")
        relative = relative or _default_file(json.loads((target / "package.json").read_text()))
        if not (target / relative).is_file():
            archive.extract(f"package/{relative}", target.parent, filter="data")
    return target / relative, relative


def dist_files(cdn_urls: list[str], log=print) -> dict[str, dict]:
    """For each CDN URL: {"path": local file, "name", "version"}. Packs what the cache lacks."""
    manifest_path = CACHE / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    wanted = {}
    for url in cdn_urls:
        parsed = cdn_package(url)
        if parsed is None:
            continue
        name, version, file = parsed
        wanted[url] = (f"{name}@{version}", file)
    missing = sorted({spec for spec, _ in wanted.values()
                      if spec not in manifest or not (CACHE / manifest[spec]["tarball"]).is_file()})
    if missing:
        manifest.update(_pack(missing, log))
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    out = {}
    for url, (spec, file) in wanted.items():
        entry = manifest[spec]
        path, relative = _extract(CACHE / entry["tarball"], file)
        out[url] = {"path": path, "name": entry["name"], "version": entry["version"], "file": relative}
    return out
