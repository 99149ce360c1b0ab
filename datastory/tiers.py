"""Which sources the story rests on: every figure a story page uses, with its source's tier.

A story page is the landing page and every chapter of the table of contents' first part (the
story); "About" pages are not. A figure is a ``{claim}`` in the page's source, or a row drawn in one
of the page's charts (each row of the chart's published CSV that names a source). The tier is the
source's ``tier`` in ``sources.csv``: primary (the body that made the figure), news (an established
news organisation) or secondary (reprint, aggregator, blog, machine-written summary). The story
uses no secondary source; secondary rows stay in the package, "consulted, not used".
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

CLAIM = re.compile(r"\{claim\}`([^`]+)`")
CHART = re.compile(r'data-chart="([^"]+)"')
SOURCE_COLUMNS = ("source_id", "fx_source_id")


@dataclass(frozen=True)
class Use:
    page: str  # docname
    kind: str  # "claim" or "chart row"
    what: str  # claim id, or chart id and row number
    source_id: str
    tier: str


def story_pages(root: Path) -> list[str]:
    """The landing page and the chapters of the story part of ``_toc.yml``, as docnames."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]
    parts = toc.get("parts") or []
    if parts:
        pages += [entry["file"] for entry in parts[0].get("chapters", [])]
    return pages


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def story_uses(root: Path, site: Path) -> list[Use]:
    """Every figure the story pages use, from their sources (claims) and the built site (charts)."""
    root, site = Path(root), Path(site)
    tiers = {row["source_id"]: row.get("tier", "") for row in _rows(root / "data" / "sources.csv")}
    claims = {row["claim_id"]: row["source_id"] for row in _rows(root / "data" / "claims.csv")}
    uses = []
    for page in story_pages(root):
        found = [root / f"{page}{suffix}" for suffix in (".md", ".ipynb")]
        source = next((path for path in found if path.is_file()), None)
        if source is not None:
            for claim_id in sorted(set(CLAIM.findall(source.read_text(encoding="utf-8")))):
                sid = claims.get(claim_id, "")
                uses.append(Use(page, "claim", claim_id, sid, tiers.get(sid, "")))
        built = site / f"{page}.html"
        if not built.is_file():
            continue
        for chart_id in sorted(set(CHART.findall(built.read_text(encoding="utf-8")))):
            table = site / "_charts" / f"{chart_id}.csv"
            if not table.is_file():
                continue
            for number, row in enumerate(_rows(table), start=1):
                for column in SOURCE_COLUMNS:
                    sid = row.get(column) or ""
                    if sid:
                        uses.append(Use(page, "chart row", f"{chart_id}#{number}", sid, tiers.get(sid, "")))
    return uses


def summary(uses: list[Use]) -> dict:
    """Counts by tier, the share primary or news, and the secondary uses by page."""
    counted = Counter(use.tier or "untiered" for use in uses)
    total = len(uses)
    good = counted["primary"] + counted["news"]
    return {"total": total, "by_tier": dict(counted), "primary_or_news": good / total if total else 1.0,
            "secondary": [use for use in uses if use.tier not in ("primary", "news")]}
