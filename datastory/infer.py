"""``add-table``: a forker's CSV joins the data package with a full schema inferred from its cells.

The CSV is read by the data layer's own rules first (so a semicolon file, a stray quote or a
BOM is refused with its line, exactly as validation would), then every column gets the
strictest Table Schema type all its cells satisfy, ``required`` when no cell is empty, an
``enum`` suggested for a short list of repeated words, a primary key when a column is unique,
and the foreign key to ``sources`` when the table has ``source_id``. Descriptions state what
was inferred; the forker edits them to say what each column means and its unit.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from .data import NAME, Problem, parse_cell, read_table

#: Types tried in order, strictest first; a column takes the first that every cell satisfies.
CANDIDATES = ("boolean", "integer", "number", "date", "string")
#: An enum is suggested for a text column with at most this many distinct values, each used twice on average.
ENUM_MAX = 12


class AddTableError(ValueError):
    """The CSV cannot join the package as it is; ``problems`` locate each reason."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = problems or []
        super().__init__(message)


def _fits(values: list[str], kind: str) -> bool:
    spec = {"type": kind, "trueValues": ["true"], "falseValues": ["false"]} if kind == "boolean" else {"type": kind}
    if kind == "integer" and any(re.fullmatch(r"[+-]?0\d+", v) for v in values):
        return False  # leading zeros are codes (postcodes, ids), not numbers
    try:
        for value in values:
            parse_cell(value, spec)
    except ValueError:
        return False
    return True


def infer_field(name: str, values: list[str | None], rows: int) -> dict:
    """One Table Schema field from a column's cells (None for an empty cell)."""
    present = [v for v in values if v is not None]
    kind = next(k for k in CANDIDATES if _fits(present, k)) if present else "string"
    if kind == "integer" and "year" in name and all(re.fullmatch(r"\d{4}", v) for v in present):
        kind = "year"
    spec: dict = {"name": name, "type": kind, "title": name.replace("_", " ").capitalize()}
    constraints: dict = {}
    if present and len(present) == rows:
        constraints["required"] = True
    distinct = sorted(set(present))
    facts = [f"{kind}", "no empty cells" if constraints.get("required") else f"{rows - len(present)} empty cell(s)"]
    if kind in ("integer", "number"):
        numbers = [float(v) for v in present]
        facts.append(f"from {min(numbers):g} to {max(numbers):g}")
        if min(numbers) >= 0:
            constraints["minimum"] = 0
    if kind == "date":
        facts.append(f"from {min(present)} to {max(present)}")
    if kind == "string" and len(distinct) <= ENUM_MAX and len(present) >= 2 * len(distinct) > 0:
        constraints["enum"] = distinct
        facts.append(f"suggested enum of {len(distinct)} values")
    if kind == "string" and name == "quote":
        constraints["maxLength"] = max(300, max(len(v) for v in present) if present else 0)
    if kind == "boolean":
        spec.update(trueValues=["true"], falseValues=["false"])
    spec["description"] = "Inferred from the CSV: " + ", ".join(facts) + ". Say what it means and its unit."
    if constraints:
        spec["constraints"] = constraints
    return spec


def value_field(fields: list[dict]) -> str | None:
    """The column holding the figure: the first number, else the first integer."""
    for kind in ("number", "integer"):
        found = next((f["name"] for f in fields if f.get("type") == kind), None)
        if found:
            return found
    return None


def infer_resource(path: Path, name: str) -> dict:
    """A tabular-data-resource for ``path`` named ``name``; raises :class:`AddTableError` with located problems."""
    header = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", errors="replace").removeprefix("\ufeff").strip()
    labels = re.split(r"[,;\t|]", header) if header else []  # a foreign separator is then named by the reader
    shown = str(path)
    draft = {"name": name, "path": path.name, "schema": {"fields": [{"name": label.strip('"'), "type": "string"}
                                                                     for label in labels] or [{"name": "x"}]}}
    table = read_table(path.parent, draft)
    problems = [Problem(shown, p.line, p.column, p.message) for p in table.problems]
    bad_names = [f["name"] for f in draft["schema"]["fields"] if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", f["name"])]
    problems += [Problem(shown, 1, labels.index(n) + 1 if n in labels else None,
                         f"column name {n!r}: use letters, digits and '_' (e.g. "
                         f"{re.sub(r'[^A-Za-z0-9_]+', '_', n).strip('_').lower() or 'column'!r})") for n in bad_names]
    if problems:
        raise AddTableError(f"{shown} cannot join the package until these are fixed", problems)
    rows = len(table.lines)
    fields = [infer_field(spec["name"], table.raw[spec["name"]], rows) for spec in draft["schema"]["fields"]]
    schema: dict = {"fields": fields, "missingValues": [""]}
    unique = [f["name"] for f in fields if f.get("constraints", {}).get("required")
              and len(set(table.raw[f["name"]])) == rows]
    named = [n for n in unique if n == "id" or (n.endswith("_id") and n != "source_id")]
    key = (named or unique or [None])[0]
    if key:
        schema["primaryKey"] = [key]
    if "source_id" in table.raw:
        schema["foreignKeys"] = [{"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}}]
    resource = {"name": name, "path": f"{name}.csv", "title": name.replace("_", " ").capitalize(),
                "description": f"Inferred from {path.name} ({rows} rows). Say what one row is.",
                "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True}, "schema": schema}
    value = value_field(fields)
    if "quote" in table.raw and value:
        resource["x-value-field"] = value  # validation then finds each value in its row's quote
    return resource


def add_table(root: Path, csv_path: Path, name: str | None = None) -> dict:
    """Copy ``csv_path`` into data/ as table ``name`` (default: the file's name) with an inferred schema."""
    if not csv_path.is_file():
        raise AddTableError(f"add-table: no file {csv_path}")
    name = name or re.sub(r"[^a-z0-9_]+", "_", csv_path.stem.lower()).strip("_")
    if not NAME.match(name):
        raise AddTableError(f"add-table: {name!r} is not a valid table name; give one with --name "
                            "(lower-case letters, digits and '_')")
    descriptor_path = root / "data" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    if any(r.get("name") == name for r in descriptor["resources"]):
        raise AddTableError(f"add-table: the data package already has a table {name!r}; give another with --name")
    resource = infer_resource(csv_path, name)
    target = root / "data" / resource["path"]
    if target.exists() and not target.samefile(csv_path):
        raise AddTableError(f"add-table: data/{target.name} already exists; give another name with --name")
    if not target.exists():
        shutil.copyfile(csv_path, target)
    descriptor["resources"].append(resource)
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return resource
