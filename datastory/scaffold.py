"""``new-story``: a new chapter that builds at once, and optionally a new table to fill.

The chapter loads a table through the loader, draws one themed chart (with its data link and
source line, which every published chart gets) and cites one claim, so a forker starts from
something that already passes the strict build.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEMPLATE = Path(__file__).resolve().parent / "templates" / "story.md"
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


def _add_resource(root: Path, name: str) -> None:
    descriptor_path = root / "data" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    if any(r["name"] == name for r in descriptor["resources"]):
        raise ScaffoldError(f"the data package already has a table {name!r}; pick another --table name")
    sources_fk = [{"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}}]
    descriptor["resources"].append({
        "name": name, "path": f"{name}.csv", "title": name.replace("_", " ").capitalize(),
        "description": "Describe what one row is, and the unit of each figure.",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
        "schema": {"fields": [
            {"name": "row_id", "type": "string", "title": "Row", "description": "Stable id of the row.",
             "constraints": {"required": True}},
            {"name": "label", "type": "string", "title": "Label", "description": "What the figure is about.",
             "constraints": {"required": True}},
            {"name": "value", "type": "number", "title": "Value", "description": "The figure as the source states it.",
             "constraints": {"required": True}},
            {"name": "unit", "type": "string", "title": "Unit",
             "description": "one, thousand, million, billion or percent.",
             "constraints": {"required": True, "enum": ["one", "thousand", "million", "billion", "trillion",
                                                        "percent", "percentage_point"]}},
            {"name": "source_id", "type": "string", "title": "Source", "description": "Row of sources.",
             "constraints": {"required": True}},
            {"name": "quote", "type": "string", "title": "Quote",
             "description": "Verbatim passage (at most 300 characters) that contains the figure.",
             "constraints": {"required": True, "maxLength": 300}},
        ], "primaryKey": ["row_id"], "foreignKeys": sources_fk, "missingValues": [""]},
        "x-value-field": "value",
    })
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (root / "data" / f"{name}.csv").write_text("row_id,label,value,unit,source_id,quote\n", encoding="utf-8")


def new_story(root: Path, slug: str, title: str, table: str | None = None) -> Path:
    """Create notebooks/SLUG.md, list it in _toc.yml, and with ``table`` add an empty table to fill."""
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
    if table:
        _add_resource(root, table)
    body = TEMPLATE.read_text(encoding="utf-8").format(title=title.strip())
    notebook.write_text(JUPYTEXT_HEADER + "\n" + body, encoding="utf-8")
    story_part = next((p for p in toc["parts"] if p.get("caption") == "The story"), toc["parts"][0])
    story_part["chapters"].append({"file": f"notebooks/{slug}"})
    text = toc_path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    toc_path.write_text(header + yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return notebook
