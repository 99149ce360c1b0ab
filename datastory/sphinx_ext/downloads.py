"""The data package, downloadable from the site: each CSV, the whole package as one zip (with a
README written from the descriptor, the citation and the corrections log), and a SQLite database
with the schema's keys. Written into the HTML output after the pages, by :mod:`datastory.export`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..data import open_package
from ..export import export
from ..identity import identity

DOWNLOAD_DIR = "_data"


def write_downloads(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    package = open_package(app.config.datastory_data_path)
    out = Path(app.outdir) / DOWNLOAD_DIR
    shutil.rmtree(out, ignore_errors=True)  # a renamed or removed table leaves nothing behind
    out.mkdir(parents=True)
    # descriptor and CSVs side by side: `frictionless validate <site>/_data/datapackage.json` works too
    for name in ["datapackage.json", *(res["path"] for res in package.resources)]:
        shutil.copyfile(package.folder / name, out / name)
    export(package, Path(app.srcdir), identity(Path(app.srcdir)), out)
