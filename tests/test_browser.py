"""What a reader gets, in headless Chromium against the built site on 127.0.0.1, network cut.

Every page: charts drawn within 5 s, no console errors or warnings, no failed or foreign
requests, no horizontal scroll at phone and desktop widths, axe-core finds no serious or
critical violations. Plus the interactions: tooltips, the currency toggle, the scenario
slider, the Data links, claim links, dark mode, keyboard focus, and the no-JavaScript fallback.
Screenshots of every page at both sizes go to test-output/screenshots/.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from datastory.serve import Watcher

pytestmark = pytest.mark.browser
SIZES = {"phone": (375, 812), "desktop": (1440, 900)}
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


def pages_of(site: Path) -> list[str]:
    """Every page of the live site, and one figure permalink standing for the rest (they share one template);
    earlier editions' frozen copies are kept as published and tested apart (tests/test_editions.py)."""
    skip = {"genindex.html", "search.html", "index.html"}  # generated pages and the root redirect
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if p.relative_to(site).as_posix() not in skip
                   and not p.relative_to(site).parts[0].startswith("_")
                   and p.relative_to(site).parts[0] not in ("editions", "claims"))
    permalinks = sorted(p.relative_to(site).as_posix() for p in (site / "claims").glob("*.html"))
    return pages + permalinks[:1]


def open_page(browser, base, path, size="desktop", **context_options):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                  **context_options)
    page = context.new_page()
    watcher = Watcher(page, base)
    page.goto(f"{base}/{path}")
    return context, page, watcher


def wait_for_charts(page, timeout=8000) -> int:
    """Every chart's picture shown, then each one live: scrolled to, as a reader would."""
    count = page.locator("figure.ds-chart").count()
    if count:
        page.wait_for_function(
            "n => document.querySelectorAll('figure.ds-chart[data-rendered=\"true\"]').length === n",
            arg=count, timeout=timeout)
        for figure in page.locator("figure.ds-chart").all():
            figure.scroll_into_view_if_needed()
            page.wait_for_function("f => f.getAttribute('data-state') === 'live'", arg=figure.element_handle(),
                                   timeout=timeout)
        page.evaluate("window.scrollTo(0, 0)")
    return count


def test_site_has_pages(site):
    assert len(pages_of(site)) >= 4


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_renders_cleanly(browser, base, site, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    report = []
    for path in pages_of(site):
        context, page, watcher = open_page(browser, base, path, size)
        charts = wait_for_charts(page)
        marks = page.evaluate("""() => Array.from(document.querySelectorAll('.ds-chart__live svg'))
            .map(svg => svg.querySelectorAll('.role-mark > *, .role-mark path').length)""")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        too_wide = page.evaluate("""() => Array.from(document.querySelectorAll('figure.ds-chart')).filter(f => {
            const svg = f.querySelector('.ds-chart__live svg');
            return svg && svg.getBoundingClientRect().width > f.getBoundingClientRect().width + 1; }).length""")
        page.screenshot(path=str(SHOTS / f"{path.replace('/', '__')}-{size}.png"), full_page=True,
                        timeout=120_000)  # the data page is long; a loaded machine is slow to paint it
        page.wait_for_load_state("networkidle")  # a full-page shot re-picks pictures; let them finish
        report.append((path, charts, marks, overflow, too_wide, watcher.problems()))
        context.close()
    for path, charts, marks, overflow, too_wide, problems in report:
        assert all(m > 0 for m in marks) and len(marks) == charts, (path, marks)
        assert overflow <= 0, f"{path} scrolls horizontally by {overflow}px at {size}"
        assert too_wide == 0, f"{path}: {too_wide} chart(s) wider than their column at {size}"
        assert problems == [], (path, problems)


@pytest.mark.parametrize("size", list(SIZES))
def test_no_serious_accessibility_violations(browser, base, site, size):
    from axe_playwright_python.sync_playwright import Axe

    axe, found = Axe(), {}
    for path in [*pages_of(site), "search.html?q=fund"]:
        context, page, _ = open_page(browser, base, path, size)
        wait_for_charts(page)
        if path.startswith("search.html"):
            page.locator("#search-results li").first.wait_for(timeout=8000)
        violations = axe.run(page).response["violations"]
        serious = [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations
                   if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
        context.close()
    assert found == {}


def test_every_chart_has_an_accessible_name_and_description(browser, base, site):
    for path in pages_of(site):
        context, page, _ = open_page(browser, base, path)
        for figure in page.locator("figure.ds-chart").all():
            assert figure.get_attribute("aria-label")
            described = figure.get_attribute("aria-describedby")
            assert page.locator(f"#{described}").text_content().strip()
        context.close()


CHAPTER_1 = "notebooks/01-state-venture-capitalist.html"


def test_hovering_a_mark_shows_a_tooltip_with_its_value(browser, base):
    context, page, watcher = open_page(browser, base, CHAPTER_1)
    wait_for_charts(page)
    bar = page.locator("figure.ds-chart .ds-chart__live .role-mark path").first
    bar.hover()
    tip = page.locator(".ds-tooltip.ds-tooltip--visible")
    tip.wait_for(timeout=2000)
    assert re.search(r"\d", tip.inner_text())
    assert watcher.problems() == []
    context.close()


def test_currency_toggle_changes_units(browser, base):
    context, page, _ = open_page(browser, base, CHAPTER_1)
    wait_for_charts(page)
    # the chart with the currency switch (the chapter's other charts state each amount as its page does)
    texts = ("() => Array.from(document.querySelector('figure.ds-chart').querySelectorAll('.ds-chart__live svg text'))"
             ".map(t => t.textContent)")
    assert any(t.endswith("billion yuan") for t in page.evaluate(texts))
    page.locator("figure.ds-chart input[type=radio][value='US dollars']").first.check()
    page.wait_for_function(f"({texts})().some(t => t.endsWith('billion US dollars'))", timeout=2000)
    assert not any(t.endswith("billion yuan") for t in page.evaluate(texts))
    context.close()


def test_data_link_downloads_exactly_the_rows_of_the_chart(browser, base):
    context, page, _ = open_page(browser, base, CHAPTER_1)
    wait_for_charts(page)
    for figure in page.locator("figure.ds-chart").all():
        spec = json.loads(figure.locator("script.ds-chart__spec").text_content())["spec"]
        inline = [d["values"] for d in spec["data"] if isinstance(d.get("values"), list)]
        with page.expect_download() as download:
            figure.locator("a.ds-chart__data").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
        assert inline, "the chart's rows travel inline in its spec"
        assert len(rows) == len(inline[0])
        for shown, downloaded in zip(inline[0], rows, strict=True):
            assert {k: _plain(shown[k]) for k in downloaded} == {k: _plain(v) for k, v in downloaded.items()}
    context.close()


def _plain(value) -> str:
    """A cell as text, numbers compared as numbers (CSV writes 344.0 where JSON writes 344)."""
    try:
        return repr(float(value))
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def test_claim_links_lead_to_their_row_and_its_source(browser, base, site):
    from datastory.data import load

    claims = load("claims", site.parent.parent / "data").set_index("claim_id")
    checked = 0
    for path in pages_of(site):
        context, page, _ = open_page(browser, base, path)
        for link in page.locator("a.claim").all():
            href = link.get_attribute("href")
            claim_id = href.split("#claim-", 1)[1]
            assert "\u201c" in link.get_attribute("title")  # the quote, after any certainty note
            assert claim_id in claims.index
            target = context.new_page()
            target.goto(page.url.rsplit("/", 1)[0] + "/" + href if not href.startswith("/") else base + href)
            row = target.locator(f"tr[id='claim-{claim_id}']")
            assert row.count() == 1
            source_id = claims.loc[claim_id, "source_id"]
            assert row.locator(f"a[href='#source-{source_id}']").count() == 1
            assert target.locator(f"tr[id='source-{source_id}']").count() == 1
            target.close()
            checked += 1
        context.close()
    assert checked >= 5


def test_charts_follow_dark_mode(browser, base):
    context, page, _ = open_page(browser, base, CHAPTER_1)
    wait_for_charts(page)
    label = ("() => document.querySelector('figure.ds-chart .ds-chart__live svg .role-axis-label text')"
             ".getAttribute('fill')")
    light = page.evaluate(label)
    page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
    page.wait_for_function(f"({label})() !== {json.dumps(light)}", timeout=3000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "chapter-1-dark.png"), full_page=True)
    context.close()


def test_keyboard_reaches_every_chart_control(browser, base, site):
    for path in pages_of(site):
        context, page, _ = open_page(browser, base, path)
        wait_for_charts(page)
        controls = page.locator("figure.ds-chart input, figure.ds-chart select").count()
        reached = set()
        for _ in range(400):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("""() => { const e = document.activeElement;
                return e && e.closest('figure.ds-chart') ? e.name + '|' + e.value : null }"""))
            if len(reached - {None}) >= controls:
                break
        assert len(reached - {None}) >= controls, (path, controls, reached)
        context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_without_javascript_every_chart_shows_its_static_picture(browser, base, site, size):
    # phones: the picture drawn in the page; wider screens: the wide picture, loaded
    for path in pages_of(site):
        context, page, _ = open_page(browser, base, path, size, java_script_enabled=False)
        page.wait_for_load_state("load")
        figures = page.locator("figure.ds-chart").count()
        shown = page.evaluate("""() => Array.from(document.querySelectorAll('.ds-chart__static')).filter(s => {
            const on = Array.from(s.children).filter(p => p.getClientRects().length > 0);
            if (on.length !== 1) return false;
            const img = on[0].querySelector('img');
            return img ? img.complete && img.naturalWidth > 0 : on[0].querySelectorAll('text').length > 0;
          }).length""")
        assert shown == figures, (path, figures, shown)
        context.close()


def test_every_bound_control_changes_the_displayed_values(browser, base, site):
    """Each chart control (a slider, a radio switch) redraws its chart's values when moved. The scenario
    slider this once tested was cut with the hypothetical chart; every control that remains is moved."""
    moved = 0
    for path in pages_of(site):
        if not any('data-signal="' in line for line in (site / path).read_text(encoding="utf-8").splitlines()):
            continue
        context, page, watcher = open_page(browser, base, path)
        wait_for_charts(page)
        texts = "f => Array.from(f.querySelectorAll('.ds-chart__live svg text')).map(t => t.textContent).join('|')"
        for figure in page.locator("figure.ds-chart:has(.ds-chart__controls [data-signal])").all():
            before = figure.evaluate(texts)
            slider = figure.locator(".ds-chart__controls input[type=range]")
            if slider.count():
                slider.first.fill(slider.first.get_attribute("max"))
            else:
                figure.locator(".ds-chart__controls input[type=radio]:not(:checked)").first.check()
            page.wait_for_function(f"([f, b]) => ({texts})(f) !== b", arg=[figure.element_handle(), before],
                                   timeout=2000)
            moved += 1
        assert watcher.problems() == []
        context.close()
    assert moved >= 1


def test_the_watcher_counts_broken_files_but_not_loads_the_page_gave_up(browser, tmp_path):
    """Every browser test trusts Watcher: a missing file must count, a favicon cancelled because the
    test went on to the next page must not (a real CI run once failed on exactly that)."""
    from datastory.serve import serve

    (tmp_path / "one.html").write_text('<!doctype html><link rel="icon" href="icon.svg"><img src="gone.png">')
    (tmp_path / "two.html").write_text("<!doctype html><p>two</p>")
    (tmp_path / "icon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    with serve(tmp_path) as base:
        page = browser.new_page()
        watcher = Watcher(page, base)
        held = []
        page.route("**/icon.svg", lambda route: held.append(route))  # held: it never arrives on this page
        page.goto(f"{base}/one.html")
        page.wait_for_function("() => document.images[0].complete")
        page.goto(f"{base}/two.html")
        assert len(held) == 1
        assert [p for p in watcher.problems() if p.startswith("failed")] == [f"failed: 404 {base}/gone.png"]
        page.close()
