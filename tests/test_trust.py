"""Trust: hostile text shows as text and never runs; charts work under a strict CSP.

The hostile fixture is the real repository with text fields of the data package replaced by
markup, quotes, ampersands, right-to-left text, emoji and Chinese; it must build and every
page must show that text literally, with no dialog and no request it could have triggered.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import copy_repo, run_build

from datastory.serve import Watcher, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(1)> "quoted" & AT&T שלום 🚀 中文字'
#: A chart the site draws from rows it reads: chapter 7's benchmark chart, its MMLU rows and their source.
CHART_PAGE, CHART = "notebooks/07-is-the-bet-working.html", "benchmark-leads"
HOSTILE_ROWS, HOSTILE_SOURCE = ("oc01", "oc02"), "hai-2025-ai-index-report"


def set_cells(path: Path, changes: dict[str, dict[str, str]], key: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        for column, value in changes.get(row[key], {}).items():
            row[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, built_site) -> Path:
    root = copy_repo(tmp_path_factory.mktemp("hostile") / "repo", cache_from=built_site)
    data = root / "data"
    # What a chart draws from the data: the benchmark chart (the verdict chapter's only chart) names
    # each benchmark from the outcomes rows' subject, on its axis and in its description and tooltips,
    # and credits the rows' source by publisher, in its source line and every tooltip.
    set_cells(data / "sources.csv", {HOSTILE_SOURCE: {"title": HOSTILE, "publisher": HOSTILE}}, "source_id")
    set_cells(data / "outcomes.csv", {row: {"subject": HOSTILE} for row in HOSTILE_ROWS}, "row_id")
    set_cells(data / "claims.csv", {"wire-ai-fund-cny": {"label": HOSTILE, "note": HOSTILE},
                                    "big-fund-1-cny": {"label": HOSTILE}}, "claim_id")
    result = run_build(root)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return root / "_build" / "html"


def test_hostile_text_shows_as_text_and_nothing_runs(hostile_site, chromium):
    with serve(hostile_site) as base:
        context = chromium.new_context()
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        watcher = Watcher(page, base)
        page.goto(f"{base}/book/data.html")
        text = page.locator("main").inner_text()
        assert text.count(HOSTILE) >= 3  # discrepancies, ledger, sources
        page.goto(f"{base}/{CHART_PAGE}")
        figure = page.locator(f"figure#chart-{CHART}")
        figure.scroll_into_view_if_needed()  # a chart goes live as the reader nears it
        figure.and_(page.locator("[data-state=live]")).wait_for(timeout=8000)
        caption = figure.locator("figcaption").text_content()
        assert caption.count(HOSTILE) >= 2  # the description names the benchmark; the source line, its publisher
        for picture in ("ds-chart__live svg", "ds-chart__narrow"):  # the live chart, the phone's inline picture
            label = figure.locator(f".{picture} text", has_text="<script>alert(1)").first
            assert label.text_content().startswith("<script>alert(1)")  # long labels end in an ellipsis
        figure.locator(".ds-chart__live .role-mark path").first.hover()
        tip = page.locator(".ds-tooltip--visible")
        tip.wait_for(timeout=2000)
        assert HOSTILE in tip.text_content()
        figure.locator(".ds-chart__tab").click()  # the data table
        table = figure.locator(".ds-chart__table")
        table.wait_for(timeout=2000)
        assert table.inner_text().count(HOSTILE) >= len(HOSTILE_ROWS)
        assert dialogs == []
        assert page.locator("img[src='x']").count() == 0
        assert watcher.problems() == []
        context.close()
    pictures = sorted((hostile_site / "_charts").glob(f"{CHART}*.svg"))  # static pictures and download
    assert len(pictures) >= 3
    for path in pictures:
        svg = path.read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)" in svg and "<script>" not in svg, path.name
    page_html = (hostile_site / CHART_PAGE).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page_html and "&lt;script&gt;alert(1)" in page_html


def test_charts_render_under_content_security_policy_script_src_self(built_site, chromium):
    """Our code runs under CSP script-src 'self'; what the theme's inline scripts lose is listed."""
    site = built_site / "_build" / "html"
    with serve(site, headers={"Content-Security-Policy": "script-src 'self'"}) as base:
        context = chromium.new_context()
        page = context.new_page()
        blocked = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(f"{base}/notebooks/01-state-venture-capitalist.html")
        page.wait_for_function("() => document.querySelector('figure.ds-chart[data-state=\"live\"]')", timeout=8000)
        page.locator("figure.ds-chart .ds-chart__live .role-mark path").first.hover()
        page.locator(".ds-tooltip--visible").wait_for(timeout=2000)
        assert not any("eval" in message for message in blocked)  # vega runs without eval
        assert all("inline" in message for message in blocked)  # only the theme's inline blocks
        context.close()


def test_chinese_text_has_a_real_font():
    """fontconfig resolves Chinese to an installed CJK face that our chart font stack names."""
    import subprocess

    from datastory.charts import FONT

    families = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert families.strip(), "no font with Chinese glyphs is installed (make test installs fonts-wqy-microhei)"
    assert any(name.strip() in FONT for line in families.splitlines() for name in line.split(","))
