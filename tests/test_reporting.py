"""The reporting as an editor measures it: what the story rests on, how recent it is, and no padding."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from datastory.tiers import Use, story_pages, story_uses, summary

ROOT = Path(__file__).resolve().parent.parent
#: Subjects that ran beside the July 2025 coverage and make no point about China's AI bet.
PADDING = re.compile(r"tobacco|pocket[- ]watch|bitcoin|brent crude|treasury yield|kospi", re.I)


def _rows(name: str) -> list[dict]:
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_source_has_a_tier_and_copies_name_their_original():
    sources = _rows("sources")
    assert {row["tier"] for row in sources} <= {"primary", "news", "secondary"}
    # a rewrite or summary is never credited as the original's figure: it is secondary (consulted, not used);
    # a faithful copy of a primary or news page is that page's via
    rewrites = [row["source_id"] for row in sources if row["tier"] != "secondary"
                and re.search(r"rewrite of|reprint|summary of|AI-generated", row["publisher"], re.I)]
    assert rewrites == []
    copies = [row["source_id"] for row in sources if row["tier"] != "secondary"
              and re.search(r"\bvia\b", row["publisher"], re.I) and not row["via_url"]]
    assert copies == [], "a copy read of a primary or news page is recorded as its via"


def test_the_tier_count_flags_a_secondary_source(tmp_path):
    uses = [Use("p", "claim", "a", "s1", "primary"), Use("p", "claim", "b", "s2", "secondary")]
    result = summary(uses)
    assert result["primary_or_news"] == 0.5 and [u.what for u in result["secondary"]] == ["b"]


@pytest.mark.slow
def test_the_story_rests_on_primary_and_news_sources_only(built_site):
    result = summary(story_uses(built_site, built_site / "_build" / "html"))
    assert result["total"] > 150
    assert [(u.page, u.what, u.source_id) for u in result["secondary"]] == []
    assert result["primary_or_news"] >= 0.9


@pytest.mark.slow
def test_the_story_reports_to_2026(built_site):
    """At least five outcome figures dated 2026 or later are on story pages (claims or chart rows)."""
    site = built_site / "_build" / "html"
    uses = story_uses(built_site, site)
    claims = {row["claim_id"]: row for row in _rows("claims")}
    def from_outcomes(claim: dict) -> bool:
        return claim["derived_from"].startswith("oc") or bool(re.search(r"outcomes row oc\d+", claim["note"]))

    recent = {u.what for u in uses if u.kind == "claim" and claims[u.what]["as_of"] >= "2026"
              and from_outcomes(claims[u.what]) and claims[u.what]["qualifier"] not in ("plan", "forecast", "promised")}
    outcomes = {row["row_id"]: row for row in _rows("outcomes")}
    for chart in site.glob("_charts/*.csv"):
        if not any(chart.stem in (site / f"{page}.html").read_text(encoding="utf-8")
                   for page in story_pages(built_site) if (site / f"{page}.html").is_file()):
            continue
        with open(chart, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if (row.get("row_id") in outcomes and outcomes[row["row_id"]]["as_of"] >= "2026"
                        and outcomes[row["row_id"]]["qualifier"] not in ("plan", "forecast", "promised")):
                    recent.add(row["row_id"])
    assert len(recent) >= 5, recent


def test_no_padding_on_story_pages():
    for page in story_pages(ROOT):
        path = ROOT / f"{page}.md"
        text = path.read_text(encoding="utf-8")
        assert not PADDING.search(text), (page, PADDING.search(text).group(0))
