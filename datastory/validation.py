"""Check the data package: bytes, then Table Schema (frictionless), then provenance.

Every check yields :class:`~datastory.data.Problem` objects; nothing here raises on bad data
and nothing here writes a file. Messages say what was found and what was expected, in the
words a forker would use to fix the CSV.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .data import Problem, read_descriptor, resource

BOM = b"\xef\xbb\xbf"


def check_bytes(path: Path, shown: str) -> Iterator[Problem]:
    """What frictionless forgives but our contract does not: BOM, CRLF, bad UTF-8, empty files."""
    raw = path.read_bytes()
    if not raw.strip():
        yield Problem(shown, 1, 1, "the file is empty; expected a header row and at least one data row")
        return
    if raw.startswith(BOM):
        yield Problem(shown, 1, 1, "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        yield Problem(
            shown, line, column, f"byte 0x{raw[err.start]:02x} is not valid UTF-8; save the file as UTF-8"
        )
    crlf = raw.find(b"\r\n")
    if crlf != -1:
        line = raw.count(b"\n", 0, crlf) + 1
        yield Problem(shown, line, None, "line ends with CRLF (Windows); expected LF line endings")
    if not raw.endswith(b"\n"):
        yield Problem(shown, raw.count(b"\n") + 1, None, "the last line has no newline at its end")


def _frictionless_problems(folder: Path, res: dict, descriptor: dict, shown: str) -> Iterator[Problem]:
    from frictionless import Package

    package = Package(_with_only(descriptor, res["name"]), basepath=str(folder))
    report = package.validate()
    for task in report.tasks:
        if task.name != res["name"]:
            continue  # tables it refers to are checked on their own turn
        for error in task.errors:
            yield _as_problem(error, shown, res)


def _with_only(descriptor: dict, name: str) -> dict:
    """The descriptor cut to one table and the tables its foreign keys point to."""
    target = resource(name, descriptor)
    wanted = {name} | {
        fk["reference"]["resource"] for fk in target["schema"].get("foreignKeys", []) if fk["reference"]["resource"]
    }
    return {**descriptor, "resources": [r for r in descriptor["resources"] if r["name"] in wanted]}


def _as_problem(error, shown: str, res: dict) -> Problem:
    kind = error.type
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_number", None)
    field = getattr(error, "field_name", None)
    cell = getattr(error, "cell", None)
    note = getattr(error, "note", "")
    if kind in ("extra-label", "extra-cell"):
        label = getattr(error, "label", cell)
        return Problem(shown, row or 1, column, f"unexpected extra column {label!r}; the schema lists "
                       f"{', '.join(f['name'] for f in res['schema']['fields'])}")
    if kind == "missing-label":
        return Problem(shown, 1, column, f"column {field!r} is missing from the header; the schema requires it")
    if kind == "missing-cell":
        return Problem(shown, row, column, f"column {field!r} has no cell in this row; every row needs "
                       f"{len(res['schema']['fields'])} cells")
    if kind == "incorrect-label":
        return Problem(shown, 1, column, f"header {getattr(error, 'label', '')!r} should be {field!r} "
                       "(columns must follow the schema's order)")
    if kind == "type-error":
        spec = _field(res, field)
        return Problem(shown, row, column, f"column {field!r}: {cell!r} is not a valid {spec.get('type')}"
                       f"{' (expected YYYY-MM-DD)' if spec.get('type') == 'date' else ''}")
    if kind == "constraint-error":
        return Problem(shown, row, column, f"column {field!r}: {cell!r} {_constraint_words(note)}")
    if kind == "primary-key":
        return Problem(shown, row, None, f"duplicate primary key: {note}")
    if kind == "foreign-key":
        return Problem(shown, row, None, f"unknown reference: {note}")
    location = (row, column) if row else (None, None)
    return Problem(shown, *location, f"{getattr(error, 'title', kind)}: {note or error.message}")


def _constraint_words(note: str) -> str:
    """Frictionless notes say e.g. 'constraint "minimum" is "0"'; say it for a person."""
    replacements = {
        'constraint "required" is "True"': "is empty, but this column is required",
        'constraint "minimum"': "is below the minimum allowed: minimum",
        'constraint "maximum"': "is above the maximum allowed: maximum",
        'constraint "enum"': "is not one of the allowed values: enum",
        'constraint "pattern"': "does not match the expected pattern",
        'constraint "maxLength"': "is too long: maxLength",
    }
    for raw, plain in replacements.items():
        if note.startswith(raw):
            return plain + note[len(raw):]
    return note


def _field(res: dict, name: str | None) -> dict:
    for field in res["schema"]["fields"]:
        if field["name"] == name:
            return field
    return {}


def check_resource(folder: Path, res: dict, descriptor: dict) -> Iterator[Problem]:
    """Bytes, then schema: one table, every problem."""
    path = folder / res["path"]
    shown = f"data/{res['path']}"
    if not path.is_file():
        yield Problem(shown, None, None, f"file not found; the data package lists table {res['name']!r} here")
        return
    byte_problems = list(check_bytes(path, shown))
    yield from byte_problems
    if any("empty" in p.message or "UTF-8" in p.message for p in byte_problems):
        return  # the parser would only repeat these in worse words
    yield from _frictionless_problems(folder, res, descriptor, shown)


def check_package(folder: Path) -> list[Problem]:
    """Every problem in the package: each table's bytes and schema, then provenance."""
    from .provenance import check_provenance

    descriptor = read_descriptor(folder)
    problems: list[Problem] = []
    for res in descriptor["resources"]:
        problems.extend(check_resource(folder, res, descriptor))
    if not problems:  # provenance reads typed tables; it needs sound ones
        problems.extend(check_provenance(folder, descriptor))
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.column or 0, p.message))
