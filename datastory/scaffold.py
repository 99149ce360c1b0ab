"""``new-story``: a new chapter drawn from a table of the package (``--table``, new or existing).

The chapter loads the table through the loader, draws one themed chart of it (with its data
link and source line, which every published chart gets) and cites one claim. What only the
forker can write is marked ``FILL IN:``; the strict build refuses a page that still holds the
marker and names its line (:mod:`datastory.sphinx_ext.placeholders`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEMPLATE = Path(__file__).resolve().parent / "templates" / "story.md"
#: Marks text only the forker can write; a page that still holds it fails the strict build.
PLACEHOLDER = "FILL IN:"
#: What makes a Markdown file a MyST notebook for jupytext and myst-nb.
JUPYTEXT_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3 (ipykernel)
  language: python
  name: python3
---
"""


class ScaffoldError(ValueError):
    """A request new-story cannot carry out; the message says what to do instead."""


def _descriptor(root: Path) -> tuple[Path, dict]:
    path = root / "data" / "datapackage.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


def _check_table_name(name: str) -> None:
    from .data import NAME

    if not NAME.match(name):
        suggestion = re.sub(r"[^a-z0-9._-]+", "_", name.lower()).strip("_") or "my_table"
        raise ScaffoldError(f"{name!r} is not a valid table name: use lower-case letters, digits, '_', '.' or '-' "
                            f"(e.g. {suggestion!r})")


def _add_resource(root: Path, name: str) -> dict:
    """An empty table of sourced figures (row, label, value, unit, source, quote) for the forker to fill."""
    descriptor_path, descriptor = _descriptor(root)
    sources_fk = [{"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}}]
    resource = {
        "name": name, "path": f"{name}.csv", "title": name.replace("_", " ").capitalize(),
        "description": "One row per sourced figure: what it is about, its value and unit, its source and quote.",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
        "schema": {"fields": [
            {"name": "row_id", "type": "string", "title": "Row", "description": "Stable id of the row.",
             "constraints": {"required": True, "pattern": "^[a-z0-9][a-z0-9._-]*$"}},
            {"name": "label", "type": "string", "title": "Label", "description": "What the figure is about.",
             "constraints": {"required": True}},
            {"name": "value", "type": "number", "title": "Value", "description": "The figure as the source states it.",
             "constraints": {"required": True}},
            {"name": "unit", "type": "string", "title": "Unit",
             "description": "Scale of the value: one, thousand, million, billion, trillion; or percent.",
             "constraints": {"required": True, "enum": ["one", "thousand", "million", "billion", "trillion",
                                                        "percent", "percentage_point"]}},
            {"name": "source_id", "type": "string", "title": "Source", "description": "Id of the row in sources.",
             "constraints": {"required": True}},
            {"name": "quote", "type": "string", "title": "Quote",
             "description": "Verbatim passage (at most 300 characters) that contains the figure.",
             "constraints": {"required": True, "maxLength": 300}},
        ], "primaryKey": ["row_id"], "foreignKeys": sources_fk, "missingValues": [""]},
        "x-value-field": "value",
    }
    descriptor["resources"].append(resource)
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "data" / f"{name}.csv").write_text("row_id,label,value,unit,source_id,quote\n", encoding="utf-8")
    return resource


#: The chapter drawn without ``--table``: the package's own state funds, one bar per fund.
EXAMPLE = {"table": "state_funds", "label": "fund", "value": "amount",
           "shape": 'shown = table[(table.currency == "CNY") & (table.measure == "registered_capital")]\n'
                    'shown = shown.drop_duplicates("fund")',
           "value_title": "Registered capital (billion yuan)"}


def _chart_fields(resource: dict) -> dict:
    """What to draw from a forker's table: its first label-like text column by its first number."""
    fields = resource["schema"]["fields"]
    skip = {"source_id", "quote", "note", "url"} | set(resource["schema"].get("primaryKey", [])[:1])
    label = next((f for f in fields if f.get("type", "string") == "string" and f["name"] not in skip), None)
    from .infer import value_field

    value = next((f for f in fields if f["name"] == value_field(fields)), None)
    if label is None or value is None:
        raise ScaffoldError(f"table {resource['name']!r} needs a text column and a number column for the first "
                            "chart; add them to its schema (python -m datastory add-table infers one)")
    return {"table": resource["name"], "label": label["name"], "value": value["name"], "shape": "shown = table",
            "value_title": f"{value.get('title', value['name'])} ({PLACEHOLDER} unit)"}


def new_story(root: Path, slug: str, title: str, table: str | None = None) -> Path:
    """Create notebooks/SLUG.md drawn from ``table`` (added, empty, if the package lacks it); list it in _toc.yml."""
    if not SLUG.match(slug):
        raise ScaffoldError(f"{slug!r} is not a valid slug: use lower-case letters, digits and single hyphens, "
                            "e.g. 07-chip-imports")
    notebook = root / "notebooks" / f"{slug}.md"
    if notebook.exists():
        raise ScaffoldError(f"notebooks/{slug}.md already exists; choose another slug or edit that file")
    if not title.strip():
        raise ScaffoldError('give the story a title: --title "What the story says"')
    toc_path = root / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    chart = EXAMPLE
    if table:
        _check_table_name(table)
        existing = next((r for r in _descriptor(root)[1]["resources"] if r["name"] == table), None)
        chart = _chart_fields(existing or _add_resource(root, table))
    body = TEMPLATE.read_text(encoding="utf-8").format(title=title.strip(), slug=slug, placeholder=PLACEHOLDER, **chart)
    notebook.write_text(JUPYTEXT_HEADER + "\n" + body, encoding="utf-8")
    story_part = next((p for p in toc["parts"] if p.get("caption") == "The story"), toc["parts"][0])
    story_part["chapters"].append({"file": f"notebooks/{slug}"})
    text = toc_path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    toc_path.write_text(header + yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return notebook
