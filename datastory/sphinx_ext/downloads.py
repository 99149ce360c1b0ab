"""The data package, downloadable from the site: each CSV, and all of it as one zip.

Written into the HTML output after the pages, from ``data/`` as it was validated. The zip is
deterministic (fixed timestamps, sorted entries) so two builds of one commit are identical.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from ..data import read_descriptor

DOWNLOAD_DIR = "_data"
ZIP_NAME = "china-ai-data-package.zip"
FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def package_files(data_dir: Path, root: Path) -> list[tuple[str, Path]]:
    """(name in the zip, file) for the descriptor, every table, and the licence and readme."""
    descriptor = read_descriptor(data_dir)
    files = [("datapackage.json", data_dir / "datapackage.json")]
    files += [(res["path"], data_dir / res["path"]) for res in descriptor["resources"]]
    files += [(name, root / name) for name in ("LICENSE-DATA", "README.md") if (root / name).is_file()]
    return files


def write_downloads(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    data_dir = app.config.datastory_data_path
    out = Path(app.outdir) / DOWNLOAD_DIR
    out.mkdir(parents=True, exist_ok=True)
    files = package_files(data_dir, Path(app.srcdir))
    for name, path in files:
        shutil.copyfile(path, out / name)
    with zipfile.ZipFile(out / ZIP_NAME, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in sorted(files):
            info = zipfile.ZipInfo(f"china-ai-data-package/{name}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
