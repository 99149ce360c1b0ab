"""What a notebook's kernel really read: the files it opened under ``data/`` and the modules of
this package it imported.

Every place that opens a data file in a kernel calls :func:`record` with its path (the loader
does, for the descriptor, the table and the tables it is checked against). When a notebook has
run, the build asks the kernel for :func:`dependencies` and keeps the answer beside the executed
notebook, like a compiler's ``.d`` file; the next build keys the notebook's cache entry on the
content of exactly those files. Nothing is guessed from the notebook's code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

_read: dict[Path, None] = {}  # insertion-ordered set of resolved paths


def record(path: str | Path) -> None:
    """Note that this process read ``path`` (call it where the file is opened)."""
    _read.setdefault(Path(path).resolve(), None)


def recorded() -> list[Path]:
    """Files recorded in this process, in the order first read."""
    return list(_read)


def imported_modules() -> list[Path]:
    """Source files of this package's modules imported in this process."""
    files = set()
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve().is_relative_to(PACKAGE_DIR) and file.endswith(".py"):
            files.add(Path(file).resolve())
    return sorted(files)


def dependencies() -> dict[str, list[str]]:
    """The files read and the package modules imported, as absolute paths."""
    return {"reads": [str(p) for p in recorded()], "imports": [str(p) for p in imported_modules()]}


#: The line the build runs in a kernel after the notebook's own cells; its output is the answer.
REPORT_CODE = "import datastory.reads as _ds_reads; print(_ds_reads.report_line()); del _ds_reads"
REPORT_PREFIX = "datastory-dependencies: "


def report_line() -> str:
    return REPORT_PREFIX + json.dumps(dependencies())
