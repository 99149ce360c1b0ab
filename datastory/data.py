"""The only door to ``data/``: open the data package and read its tables typed by their schemas.

One reading of the Table Schema serves everyone: notebooks call :func:`load`, the validator
(:mod:`datastory.validation`) checks the same opened :class:`Package`, so a value the loader
would type differently from the checks cannot exist. Reading never stops at the first defect:
every problem is a located :class:`Problem` (file, *physical* line, column), collected on the
package or the table, and :func:`load` raises them all at once.

The CSV contract is stricter than RFC 4180 where news data needs it: UTF-8 without BOM, LF line
endings, one record per physical line (a cell may not hold a line break, so a stray quote cannot
swallow the next rows), commas as separators, dates as zero-padded ``YYYY-MM-DD``.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from . import reads

DESCRIPTOR = "datapackage.json"
#: Table Schema types this loader reads; anything else is refused by resource and field.
TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "year")
KNOWN_UNSUPPORTED = ("time", "yearmonth", "duration", "geopoint", "geojson", "object", "array", "any")
#: Names of tables and fields: what frictionless allows, minus the characters that break paths.
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Table Schema's defaults (frictionless reads the same).
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$")
BOM = b"\xef\xbb\xbf"
_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "year": "Int64"}


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
    """Raised by :func:`load` when the package or a table cannot be read; carries every problem."""

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


# --- the descriptor -------------------------------------------------------------------------

SHOWN_DESCRIPTOR = f"data/{DESCRIPTOR}"


def _line_of(text: str, *needles: str) -> int | None:
    """Physical line of the last needle, each searched after the one before (a JSON path, roughly)."""
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        if found < 0:
            return None
        position = found
    return text.count("\n", 0, position) + 1


def _descriptor_problems(descriptor, text: str) -> list[Problem]:
    """What would make reading a table guesswork: names, paths, field types, keys."""
    def at(message: str, *needles: str) -> Problem:
        return Problem(SHOWN_DESCRIPTOR, _line_of(text, *needles) if needles else None, None, message)

    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return [at("expected an object with a 'resources' list (a Frictionless Data Package)")]
    problems, names = [], set()
    for index, res in enumerate(descriptor["resources"]):
        if not isinstance(res, dict):
            problems.append(at(f"resource {index + 1} is not an object"))
            continue
        name = res.get("name")
        label = f"resource {name!r}" if name else f"resource {index + 1}"
        anchor = (f'"name": {json.dumps(name, ensure_ascii=False)}',) if isinstance(name, str) else ()
        if not isinstance(name, str) or not NAME.match(name):
            problems.append(at(f"{label}: the name must be lower-case letters, digits, '.', '_' or '-' "
                               f"(e.g. {re.sub(r'[^a-z0-9._-]+', '_', str(name or 'my_table').lower())!r})",
                               *anchor))
        if name in names:
            problems.append(at(f"{label}: two tables have this name; names must be unique", *anchor))
        names.add(name)
        path = res.get("path")
        if not isinstance(path, str) or not path.endswith(".csv") or "/" in path or "\\" in path:
            problems.append(at(f"{label}: 'path' must be a CSV file name in data/, e.g. "
                               f"'{name or 'my_table'}.csv'", *anchor))
        dialect = res.get("dialect") or {}
        if dialect.get("delimiter", ",") != "," or dialect.get("header", True) is not True:
            problems.append(at(f"{label}: only comma-separated tables with a header row are supported; "
                               "set dialect delimiter ',' and header true", *anchor))
        schema = res.get("schema")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
            problems.append(at(f"{label}: needs a 'schema' with a list of 'fields'", *anchor))
            continue
        field_names = []
        for position, spec in enumerate(schema["fields"]):
            fname = spec.get("name") if isinstance(spec, dict) else None
            where = (*anchor, f'"name": {json.dumps(fname, ensure_ascii=False)}') if isinstance(fname, str) else anchor
            if not isinstance(fname, str) or not FIELD_NAME.match(fname):
                problems.append(at(f"{label}, field {position + 1} ({fname!r}): a field name must be letters, "
                                   "digits and '_', starting with a letter", *where))
                continue
            field_names.append(fname)
            kind = spec.get("type", "string")
            if kind not in TYPES:
                why = "is not supported here" if kind in KNOWN_UNSUPPORTED else "is not a Table Schema type"
                problems.append(at(f"{label}, field {fname!r}: type {kind!r} {why}; use one of "
                                   f"{', '.join(TYPES)}", *where))
        if len(set(field_names)) != len(field_names):
            problems.append(at(f"{label}: field names repeat; each column needs its own name", *anchor))
        keys = schema.get("primaryKey", [])
        for key in [keys] if isinstance(keys, str) else keys:
            if key not in field_names:
                problems.append(at(f"{label}: primaryKey names {key!r}, which is not a field", *anchor))
        for fk in schema.get("foreignKeys", []):
            fields = [fk.get("fields")] if isinstance(fk.get("fields"), str) else fk.get("fields", [])
            for key in fields:
                if key not in field_names:
                    problems.append(at(f"{label}: a foreignKey names {key!r}, which is not a field", *anchor))
    for res in descriptor["resources"]:
        for fk in (res.get("schema") or {}).get("foreignKeys", []) if isinstance(res, dict) else []:
            target = (fk.get("reference") or {}).get("resource")
            if target and target not in names:
                problems.append(at(f"resource {res.get('name')!r}: a foreignKey points to table {target!r}, "
                                   f"which the package does not have", f'"resource": "{target}"'))
    return problems


# --- one table ------------------------------------------------------------------------------

UNCLOSED = "a double quote opens this cell but nothing closes it"


def split_line(line: str) -> tuple[list[str], tuple[int, str] | None]:
    """RFC 4180 cells of one physical line, and (cell number, what is wrong) when it is malformed."""
    cells: list[str] = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == '"':
            parts, j = [], i + 1
            while True:
                k = line.find('"', j)
                if k < 0:
                    return cells, (len(cells) + 1, UNCLOSED + " on this line; close the quote (a cell may "
                                   "not hold a line break)")
                if line.startswith('""', k):
                    parts.append(line[j:k + 1])
                    j = k + 2
                    continue
                parts.append(line[j:k])
                i = k + 1
                break
            cells.append("".join(parts))
            if i == n:
                return cells, None
            if line[i] != ",":
                return cells, (len(cells), f"text {line[i:i + 12]!r} follows the closing double quote; a quote "
                               "inside a quoted cell is written twice (\"\")")
            i += 1
        else:
            k = line.find(",", i)
            end = n if k < 0 else k
            cell = line[i:end]
            if '"' in cell:
                return cells, (len(cells) + 1, "a double quote inside an unquoted cell; put the whole cell in "
                               "double quotes and write the quote twice (\"\")")
            cells.append(cell)
            if k < 0:
                return cells, None
            i = k + 1


@dataclass
class Table:
    """One table as read: typed frame, the physical line of each row, and every reading problem."""

    name: str
    resource: dict
    shown: str
    frame: pd.DataFrame | None = None
    lines: list[int] = field(default_factory=list)
    raw: dict[str, list[str | None]] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def fields(self) -> list[dict]:
        return self.resource["schema"]["fields"]

    def problem(self, line, column, message) -> None:
        self.problems.append(Problem(self.shown, line, column, message))


def _byte_problems(raw: bytes, table: Table) -> bool:
    """What our contract refuses at the byte level; True when the text cannot be read further."""
    if not raw.strip():
        table.problem(1, 1, "the file is empty; expected a header row and at least one data row")
        return True
    if raw.startswith(BOM):
        table.problem(1, 1, "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        table.problem(line, column, f"byte 0x{raw[err.start]:02x} is not valid UTF-8; save the file as UTF-8")
        return True
    crlf = raw.find(b"\r\n")
    if crlf != -1:
        table.problem(raw.count(b"\n", 0, crlf) + 1, None, "line ends with CRLF (Windows); expected LF line endings")
    if not raw.endswith(b"\n"):
        table.problem(raw.count(b"\n") + 1, None, "the last line has no newline at its end")
    return False


def _records(text: str, table: Table) -> list[tuple[int, list[str]]]:
    """(physical line, cells) of every well-formed line; a malformed line is reported and skipped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    records, number = [], 0
    while number < len(lines):
        line = lines[number].removesuffix("\r")
        number += 1
        if not line.strip():
            table.problem(number, None, "empty line; remove it (every line is a header or a data row)")
            continue
        cells, error = split_line(line)
        if error and error[1].startswith(UNCLOSED):
            closing = _closing_line(lines, number - 1)
            if closing is not None:
                table.problem(number, error[0], f"the quoted cell that starts here runs on to line {closing + 1}: "
                              "a cell may not hold a line break; remove the line break or the stray quote")
                number = closing + 1
                continue
        if error:
            table.problem(number, error[0], error[1])
            continue
        records.append((number, cells))
    return records


def _closing_line(lines: list[str], start: int) -> int | None:
    """Index of the line where a cell opened on line ``start`` closes, if joining lines makes it parse."""
    joined = lines[start]
    for index in range(start + 1, min(len(lines), start + 50)):
        joined += "\n" + lines[index]
        error = split_line(joined)[1]
        if error is None or not error[1].startswith(UNCLOSED):
            return index
    return None


def _foreign_delimiter(first_line: str, table: Table) -> bool:
    """A header with no comma but a semicolon, tab or bar: one problem for the file, not one per row."""
    names = [f["name"] for f in table.fields]
    if "," in first_line or len(names) < 2:
        return False
    found = next((d for d in (";", "\t", "|") if d in first_line), None)
    if found:
        shown = {"\t": "tabs"}.get(found, f"{found!r}")
        table.problem(1, None, f"the columns are separated by {shown}, not commas; save the file as "
                      "comma-separated (CSV) with the schema's columns: " + ", ".join(names))
    return found is not None


def _header(records, table: Table) -> dict[str, int] | None:
    """Map field name -> column index from the header; None when the file cannot be mapped at all."""
    if not records:
        table.problem(1, None, "no readable header row")
        return None
    line, header = records[0]
    if line != 1:
        table.problem(1, None, "the first line must be the header row")
    names = [f["name"] for f in table.fields]
    columns = {}
    for index, label in enumerate(header):
        if label in columns:
            table.problem(line, index + 1, f"column {label!r} appears twice in the header")
        elif label not in names:
            table.problem(line, index + 1, f"unexpected extra column {label!r}; the schema lists {', '.join(names)}")
        else:
            columns[label] = index
    missing = [n for n in names if n not in columns]
    for name in missing:
        table.problem(line, names.index(name) + 1, f"column {name!r} is missing from the header; the schema "
                      "requires it (so its values are not checked until it is there)")
    present = [n for n in header if n in names]
    if not missing and present != [n for n in names if n in present]:
        table.problem(line, None, "the columns are not in the schema's order; expected " + ", ".join(names))
    return columns


def parse_cell(text: str, spec: dict):
    """The typed value of one non-missing cell by its field's Table Schema rules, or raise ValueError."""
    kind = spec.get("type", "string")
    if kind == "string":
        return text
    if kind == "integer":
        if not _INTEGER.match(text):
            raise ValueError(f"{text!r} is not a valid integer (expected digits, e.g. 42)")
        return int(text)
    if kind == "number":
        if not _NUMBER.match(text):
            raise ValueError(f"{text!r} is not a valid number (expected e.g. 1234.5, no thousands separators)")
        return float(text)
    if kind == "boolean":
        true, false = spec.get("trueValues", TRUE_VALUES), spec.get("falseValues", FALSE_VALUES)
        if text in true:
            return True
        if text in false:
            return False
        raise ValueError(f"{text!r} is not a valid boolean; the schema allows {', '.join(map(repr, true))} "
                         f"or {', '.join(map(repr, false))}")
    if kind == "date":
        return _parse_date(text, spec.get("format", "default"))
    if kind == "datetime":
        if not _ISO_DATETIME.match(text):
            raise ValueError(f"{text!r} is not a valid datetime (expected YYYY-MM-DDThh:mm:ssZ)")
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    if kind == "year":
        if not re.fullmatch(r"\d{4}", text):
            raise ValueError(f"{text!r} is not a valid year (expected four digits, e.g. 2025)")
        return int(text)
    raise ValueError(f"type {kind!r} is not supported")


def _parse_date(text: str, fmt: str) -> date:
    iso = fmt in ("default", "any", "%Y-%m-%d")
    expected = "YYYY-MM-DD" if iso else fmt
    if iso and not _ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not a valid date (expected YYYY-MM-DD, zero-padded, e.g. 2025-07-01)")
    fmt = "%Y-%m-%d" if iso else fmt
    try:
        value = datetime.strptime(text, fmt).date()
    except ValueError:
        words = "there is no such day" if iso else "it does not fit the format"
        raise ValueError(f"{text!r} is not a valid date (expected {expected}): {words}") from None
    if value.strftime(fmt) != text:  # strptime forgives unpadded fields; the format does not
        raise ValueError(f"{text!r} is not a valid date (expected {expected}, zero-padded: {value.strftime(fmt)})")
    return value


def _typed(table: Table, records) -> None:
    names = [f["name"] for f in table.fields]
    header_width = len(records[0][1])
    missing_values = table.resource["schema"].get("missingValues", [""])
    rows = []
    for line, cells in records[1:]:
        if len(cells) != header_width:
            table.problem(line, None, f"this row has {len(cells)} cells but the header has {header_width}; "
                          "a comma inside a cell needs the cell in double quotes")
            continue
        rows.append((line, cells))
    if not rows and not any(p.line and p.line > 1 for p in table.problems):
        table.problem(1, None, "the table has a header but no rows; add at least one data row")
    table.lines = [line for line, _ in rows]
    data = {}
    for spec in table.fields:
        name = spec["name"]
        if name not in table.columns:
            table.raw[name] = [None] * len(rows)
            data[name] = [None] * len(rows)
            continue
        index = table.columns[name]
        raw = [cells[index] for _, cells in rows]
        values = []
        for (line, _), text in zip(rows, raw, strict=True):
            if text in missing_values:
                values.append(None)
                continue
            try:
                values.append(parse_cell(text, spec))
            except ValueError as error:
                table.problem(line, names.index(name) + 1, f"column {name!r}: {error}")
                values.append(None)
        table.raw[name] = [None if text in missing_values else text for text in raw]
        data[name] = values
    frame = pd.DataFrame({name: _column(data[name], spec) for name, spec in zip(names, table.fields, strict=True)})
    table.frame = frame


def _column(values: list, spec: dict) -> pd.Series:
    kind = spec.get("type", "string")
    if kind in ("date", "datetime"):
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object"), utc=kind == "datetime"))
    return pd.Series(values, dtype="object").astype(_DTYPES.get(kind, "string"))


def read_table(folder: Path, res: dict) -> Table:
    """Read and type one table; every defect goes to ``table.problems`` (nothing raises on bad data)."""
    path = folder / res["path"]
    table = Table(res["name"], res, f"data/{res['path']}")
    if not path.is_file():
        table.problem(None, None, f"file not found; the data package lists table {res['name']!r} here")
        return table
    reads.record(path)
    raw = path.read_bytes()
    if _byte_problems(raw, table):
        return table
    text = raw.removeprefix(BOM).decode("utf-8")
    if _foreign_delimiter(text.split("\n", 1)[0], table):
        return table
    records = _records(text, table)
    columns = _header(records, table)
    if columns is None:
        return table
    table.columns = columns
    _typed(table, records)
    return table


# --- the package ----------------------------------------------------------------------------

class Package:
    """The opened data package: its descriptor, its problems, and its tables read on demand."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.problems: list[Problem] = []
        self.descriptor: dict = {"resources": []}
        self._tables: dict[str, Table] = {}
        path = self.folder / DESCRIPTOR
        if not path.is_file():
            self.problems.append(Problem(SHOWN_DESCRIPTOR, None, None, f"not found in {self.folder}; the data "
                                         "package needs a descriptor listing its tables"))
            return
        reads.record(path)
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            descriptor = json.loads(text)
        except json.JSONDecodeError as error:
            self.problems.append(Problem(SHOWN_DESCRIPTOR, error.lineno, error.colno,
                                         f"not valid JSON: {error.msg} (a missing comma or quote just before?)"))
            return
        self.problems = _descriptor_problems(descriptor, text)
        if isinstance(descriptor, dict) and isinstance(descriptor.get("resources"), list):
            self.descriptor = descriptor

    @property
    def resources(self) -> list[dict]:
        return [r for r in self.descriptor["resources"] if isinstance(r, dict)]

    def readable(self, res: dict) -> bool:
        """A resource whose descriptor entry is sound enough to read its CSV."""
        name = res.get("name")
        return isinstance(name, str) and not any(p.message.startswith(f"resource {name!r}") for p in self.problems)

    def resource(self, name: str) -> dict:
        for res in self.resources:
            if res.get("name") == name:
                return res
        known = ", ".join(sorted(str(r.get("name")) for r in self.resources))
        raise KeyError(f"no table named {name!r} in the data package; known tables: {known}")

    def table(self, name: str) -> Table:
        if name not in self._tables:
            self._tables[name] = read_table(self.folder, self.resource(name))
        return self._tables[name]


def open_package(folder: Path | None = None) -> Package:
    """Open the package in ``folder`` (default :func:`data_dir`); problems are collected, not raised."""
    return Package(Path(folder or data_dir()))


def read_descriptor(folder: Path | None = None) -> dict:
    """The descriptor, for code that needs titles and descriptions; raises DataError if it is broken."""
    package = open_package(folder)
    if package.problems:
        raise DataError(package.problems)
    return package.descriptor


@functools.cache
def _load_cached(folder: str, name: str, stamp: tuple) -> pd.DataFrame:
    table = open_package(Path(folder)).table(name)
    if table.problems:
        raise DataError(sorted(table.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return table.frame


def load(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Return table ``name`` from the data package, typed by its schema; raise :class:`DataError` if unreadable.

    Read once per process (again when the file changes); callers get a copy, so shaping it in a
    notebook never leaks into another chart. ``folder`` defaults to :func:`data_dir`. The
    constraints (required, enums, keys, provenance) are the validator's job, done once per
    build before any notebook runs.
    """
    package = open_package(Path(folder or data_dir()).resolve())
    if package.problems:
        raise DataError(package.problems)
    path = package.folder / package.resource(name)["path"]
    stamp = tuple(f.stat().st_mtime_ns if f.is_file() else None for f in (package.folder / DESCRIPTOR, path))
    frame = _load_cached(str(package.folder), name, stamp)
    reads.record(path)
    return frame.copy()
