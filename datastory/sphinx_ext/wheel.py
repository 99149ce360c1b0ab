"""The ``datastory`` package as a wheel on the site, beside the data: what a downloaded notebook installs.

The exported notebooks (:mod:`.notebooks`) run outside the repository — Colab, Binder, anyone's
Jupyter — so their first cell installs this package from the published site, where it cannot be
confused with the unrelated ``datastory`` project on PyPI. Its distribution name is
``pyproject.toml``'s; pip fetches the dependencies declared there.

The wheel is built offline (flit_core's build hook, pinned in requirements.txt, on a copy of the
package sources) with fixed timestamps, so two builds
of one commit publish the same bytes; it is rebuilt only when the package's files change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from sphinx.errors import ExtensionError

from ..build import files_digest

WHEEL_DIR = "_python"
#: 1980-01-01, the earliest time a zip entry can carry: the wheel's files all get it.
SOURCE_DATE_EPOCH = "315532800"
PACKAGE_FILES = ("pyproject.toml", "README.md", "LICENSE", "datastory")


def distribution(root: Path) -> tuple[str, str]:
    """(distribution name, version) from ``pyproject.toml``."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["name"], project["version"]


def _sources(root: Path) -> list[Path]:
    return [root / name for name in PACKAGE_FILES if (root / name).exists()]


def build_wheel(root: Path, cache: Path) -> Path:
    """The package's wheel, built into ``cache/<digest of its sources>/`` unless already there."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    digest = files_digest(_sources(root), root)[:16]
    folder = cache / digest
    built = sorted(folder.glob("*.whl"))
    if built:
        return built[0]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        for path in _sources(root):
            if path.is_dir():
                shutil.copytree(path, source / path.name, ignore=ignore)
            else:
                shutil.copy(path, source / path.name)
        out = Path(tmp) / "wheel"
        out.mkdir()
        # flit_core's PEP 517 hook, as `pip wheel --no-build-isolation` would call it, without pip
        result = subprocess.run(
            [sys.executable, "-c", "import sys; from flit_core import buildapi; buildapi.build_wheel(sys.argv[1])",
             str(out)], cwd=source, capture_output=True, text=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
        wheels = sorted(out.glob("*.whl"))
        if result.returncode != 0 or not wheels:
            raise ExtensionError("could not build the package's wheel for the downloadable notebooks "
                                 "(is flit_core from requirements.txt installed? run: make book):\n"
                                 + result.stdout[-2000:] + result.stderr[-2000:])
        shutil.rmtree(cache, ignore_errors=True)  # keep only the current wheel
        folder.mkdir(parents=True)
        return Path(shutil.copy(wheels[0], folder / wheels[0].name))


def publish_wheel(app) -> str:
    """Copy the wheel into the site; return its path under the site's root (``_python/<file>.whl``)."""
    wheel = build_wheel(Path(app.srcdir), Path(app.doctreedir).parent / ".datastory-wheel")
    out = Path(app.outdir) / WHEEL_DIR
    out.mkdir(parents=True, exist_ok=True)
    target = out / wheel.name
    if not target.is_file() or target.read_bytes() != wheel.read_bytes():
        shutil.copyfile(wheel, target)
    return f"{WHEEL_DIR}/{wheel.name}"
