"""The only door to ``data/``: find the data package, check its tables, load them typed.

Notebooks call :func:`load`; the validator and the Sphinx extension call :func:`check_package`.
Checks *yield* :class:`Problem` objects rather than raising at the first one, so a forker sees
every defect of a table in one run, each with file, line and column.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import reads

DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True, order=True)
class Problem:
    """One defect, located as precisely as we can: ``file:line:column: message``."""

    path: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class DataError(Exception):
    """Raised by :func:`load` when a table fails its checks; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def data_dir() -> Path:
    """The data package folder: ``$DATASTORY_DATA`` if set, else the nearest ``data/`` upwards.

    Searching upwards lets a notebook executed from ``notebooks/`` (its own folder) find the
    package without a path typed into it.
    """
    override = os.environ.get("DATASTORY_DATA")
    if override:
        return Path(override).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "data" / DESCRIPTOR).is_file():
            return folder / "data"
    raise FileNotFoundError(
        f"no data/{DESCRIPTOR} in {here} or any folder above it; "
        "run from inside the repository or set DATASTORY_DATA to the data folder"
    )


def read_descriptor(folder: Path | None = None) -> dict:
    folder = folder or data_dir()
    return json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def resource(name: str, descriptor: dict) -> dict:
    for res in descriptor["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(sorted(r["name"] for r in descriptor["resources"]))
    raise KeyError(f"no table named {name!r} in the data package; known tables: {known}")


_PANDAS_DTYPES = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}


def _typed(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Give each column the dtype its Table Schema field declares (dates become datetimes)."""
    for field in schema["fields"]:
        name, kind = field["name"], field.get("type", "string")
        if kind == "date":
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d")
        elif kind == "boolean":
            frame[name] = frame[name].map({"true": True, "false": False}).astype("boolean")
        else:
            frame[name] = frame[name].astype(_PANDAS_DTYPES.get(kind, "string"))
    return frame


@functools.cache
def _load_cached(folder: str, name: str) -> pd.DataFrame:
    from .validation import check_resource

    descriptor = read_descriptor(Path(folder))
    res = resource(name, descriptor)
    problems = sorted(check_resource(Path(folder), res, descriptor))
    if problems:
        raise DataError(problems)
    raw = pd.read_csv(
        Path(folder) / res["path"], dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
    )
    return _typed(raw, res["schema"])


def load(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Return table ``name`` from the data package, validated and typed by its schema.

    Loaded once per process; callers get a copy, so shaping it in a notebook never leaks into
    another chart. ``folder`` defaults to :func:`data_dir`.
    """
    folder = Path(folder or data_dir())
    frame = _load_cached(str(folder), name)
    _record_table(folder, name)
    return frame.copy()


def _record_table(folder: Path, name: str) -> None:
    """Record what loading ``name`` read: the descriptor, the table, the tables it is checked against."""
    descriptor = read_descriptor(folder)
    res = resource(name, descriptor)
    reads.record(folder / DESCRIPTOR)
    reads.record(folder / res["path"])
    for key in res["schema"].get("foreignKeys", []):
        target = key["reference"]["resource"]
        if target and target != name:
            reads.record(folder / resource(target, descriptor)["path"])
