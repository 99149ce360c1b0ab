"""Charts as readers use them, in Chromium against the built site on 127.0.0.1 (network cut).

The page scrolls under the wheel over every chart; a tap on a phone shows a mark's tooltip and a
tap elsewhere hides it; a share link restores a chart's state; the state survives a light/dark
switch; every chart labels the marks its title names, and every text in it is legible in dark
mode; each embed page stands alone with its credit; the downloads carry title and source; no
static picture's text falls outside it or ends in an ellipsis; the live view replaces the
picture without a shift.
Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import csv
import html
import json
import re
import struct
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT

from datastory.serve import Watcher, tap

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
PHONE = {"viewport": {"width": 375, "height": 812}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
CHAPTER_1 = "notebooks/01-state-venture-capitalist.html"
LIVE = "f => f.getAttribute('data-state') === 'live'"
TEXTS = "f => Array.from(f.querySelectorAll('.ds-chart__live svg text')).map(t => t.textContent).join('|')"


def chapters(site: Path) -> list[str]:
    return sorted(f"notebooks/{p.name}" for p in (site / "notebooks").glob("*.html"))


def pages_with_charts(site: Path) -> list[str]:
    """Every page of the site that draws a chart: the chapters and the book's pages (the landing page)."""
    pages = [*chapters(site), *sorted(f"book/{p.name}" for p in (site / "book").glob("*.html"))]
    return [p for p in pages if 'class="ds-chart' in (site / p).read_text(encoding="utf-8")]


def open_page(chromium, base, path, **options):
    context = chromium.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    page = context.new_page()
    watcher = Watcher(page, base)
    page.goto(f"{base}/{path}")
    return context, page, watcher


def live(page, figure, timeout=8000):
    """With a mouse, a chart goes live as it nears the viewport."""
    figure.scroll_into_view_if_needed()
    page.wait_for_function(LIVE, arg=figure.element_handle(), timeout=timeout)


def test_the_wheel_over_every_chart_scrolls_the_page(chromium, base, site):
    for path in chapters(site):
        context, page, watcher = open_page(chromium, base, path)
        for figure in page.locator("figure.ds-chart").all():
            live(page, figure)
            page.evaluate("window.scrollBy(0, -200)")  # the chart in the middle of the screen
            box = figure.locator(".ds-chart__live svg").bounding_box()
            before_text, before_y = figure.evaluate(TEXTS), page.evaluate("window.scrollY")
            page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6)
            page.mouse.wheel(0, 240)
            page.wait_for_function(f"window.scrollY > {before_y}", timeout=2000)
            page.wait_for_timeout(100)
            assert figure.evaluate(TEXTS) == before_text, f"{path}: the wheel changed {figure.get_attribute('id')}"
        assert watcher.problems() == [], (path, watcher.problems())
        context.close()


def test_zoom_buttons_and_modifier_wheel_zoom_the_time_axis(chromium, base):
    context, page, _ = open_page(chromium, base, "notebooks/03-chips-export-controls.html")
    figure = page.locator("figure#chart-export-control-timeline")
    live(page, figure)
    ticks = ("f => Array.from(f.querySelectorAll('.ds-chart__live svg .role-axis-label text'))"
             ".map(t => t.textContent).sort()")
    before = figure.evaluate(ticks)
    figure.locator("button[data-zoom='in']").click()
    page.wait_for_function(f"f => ({ticks})(f).join() !== {json.dumps(','.join(before))}",
                           arg=figure.element_handle(), timeout=2000)
    figure.locator("button[data-zoom='reset']").click()
    page.wait_for_function(f"f => ({ticks})(f).join() === {json.dumps(','.join(before))}",
                           arg=figure.element_handle(), timeout=2000)
    box = figure.locator(".ds-chart__live svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    page.wait_for_function(f"f => ({ticks})(f).join() !== {json.dumps(','.join(before))}",
                           arg=figure.element_handle(), timeout=2000)
    context.close()


def test_on_a_phone_charts_wait_for_a_touch_and_vega_is_fetched_ahead(chromium, base):
    # A touch screen cannot hover: no chart runs Vega at load, but its file is fetched as a chart
    # nears, so the first touch only has to run it.
    context, page, watcher = open_page(chromium, base, "notebooks/05-open-models.html", **PHONE)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.vega") == "undefined"
    states = page.evaluate("Array.from(document.querySelectorAll('figure.ds-chart')).map(f => f.dataset.state)")
    assert states and set(states) == {"static"}
    fetched = page.evaluate("""performance.getEntriesByType('resource')
        .filter(r => r.name.endsWith('/vega.min.js')).map(r => r.initiatorType)""")
    assert fetched == ["link"]  # a prefetch, not a script
    assert watcher.problems() == []
    context.close()


def test_a_tap_on_a_mark_shows_its_tooltip_and_a_tap_elsewhere_hides_it(chromium, base, site):
    # The first tap lands on the static picture: it makes the chart live and shows the tapped
    # mark's tooltip; later taps are the live chart's own.
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page, watcher = open_page(chromium, base, "notebooks/05-open-models.html", **PHONE)
    figure = page.locator("figure#chart-open-model-releases")
    tip = page.locator(".ds-tooltip.ds-tooltip--visible")
    texts = []
    for picture in (".ds-chart__narrow", ".ds-chart__live svg"):
        mark = figure.locator(f"{picture} .mark-symbol.role-mark path").nth(3)
        mark.evaluate("m => m.scrollIntoView({block: 'center'})")
        tap(page, mark)
        tip.wait_for(timeout=8000)
        texts.append(tip.inner_text())
        assert figure.get_attribute("data-state") == "live"
        assert "Model" in texts[-1] and re.search(r"\d", texts[-1])
        if len(texts) == 1:
            page.screenshot(path=str(SHOTS / "phone-tapped-tooltip.png"))
        tap(page, figure.locator(".ds-chart__keys-name"))  # plain text beside the chart
        tip.wait_for(state="hidden", timeout=2000)
    assert texts[0] == texts[1]  # the same mark, in the picture and in the live chart
    assert watcher.problems() == []
    context.close()


def chapter_1_in_dollars(chromium, base):
    """Chapter 1's lead chart, live, switched by the reader from yuan to US dollars."""
    context, page, _ = open_page(chromium, base, CHAPTER_1)
    figure = page.locator("figure#chart-big-fund-phases")
    live(page, figure)
    figure.locator("input[type=radio][value='US dollars']").check()
    page.wait_for_function(f"f => ({TEXTS})(f).includes('billion US dollars')", arg=figure.element_handle(),
                           timeout=2000)
    return context, page, figure


def test_a_share_link_restores_a_toggled_state(chromium, base):
    context, page, figure = chapter_1_in_dollars(chromium, base)
    figure.locator("a[data-action='share']").click()
    url = figure.locator(".ds-chart__offer input").input_value()
    assert "chart=big-fund-phases" in url and "#chart-big-fund-phases" in url
    shared = context.new_page()
    shared.goto(url)
    restored = shared.locator("figure#chart-big-fund-phases")
    shared.wait_for_function(LIVE, arg=restored.element_handle(), timeout=8000)
    assert "billion US dollars" in restored.evaluate(TEXTS)
    assert restored.locator("input[type=radio][value='US dollars']").is_checked()
    context.close()


def test_state_survives_a_light_dark_switch(chromium, base):
    context, page, figure = chapter_1_in_dollars(chromium, base)
    fill = "f => f.querySelector('.ds-chart__live svg .role-axis-label text').getAttribute('fill')"
    light = figure.evaluate(fill)
    page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
    page.wait_for_function(f"f => ({fill})(f) !== {json.dumps(light)}", arg=figure.element_handle(), timeout=3000)
    assert "billion US dollars" in figure.evaluate(TEXTS)
    labels = figure.evaluate("""f => Array.from(f.querySelectorAll('.ds-chart__live svg .role-mark text'))
        .map(t => t.getAttribute('fill'))""")
    assert labels and "#333333" not in labels  # value labels follow the theme
    context.close()


def test_a_category_keeps_its_colour_in_every_state(chromium, base):
    # chapter 1's fund chart: a colour per kind of fund, and a currency switch
    context, page, _ = open_page(chromium, base, "notebooks/01-state-venture-capitalist.html")
    figure = page.locator("figure#chart-big-fund-phases")
    live(page, figure)
    legend = """f => Object.fromEntries(Array.from(
        f.querySelectorAll('.ds-chart__live svg .role-legend-symbol path'))
        .map((p, i) => [f.querySelectorAll('.ds-chart__live svg .role-legend-label text')[i].textContent,
                        p.getAttribute('fill')]))"""
    colours = []
    for option in figure.locator("input[type=radio]").all():
        option.check()
        page.wait_for_timeout(300)
        colours.append(figure.evaluate(legend))
    assert len(colours) == 2 and colours[0] == colours[1] and len(colours[0]) >= 2
    context.close()


def test_timeline_marks_sit_on_their_rows(chromium, base):
    context, page, _ = open_page(chromium, base, "notebooks/03-chips-export-controls.html")
    figure = page.locator("figure#chart-export-control-timeline")
    live(page, figure)
    rows = figure.evaluate("""f => Array.from(f.querySelectorAll('.ds-chart__live svg .role-axis-label text'))
        .filter(t => ['US', 'China', 'Nvidia'].includes(t.textContent))
        .map(t => { const b = t.getBoundingClientRect(); return b.y + b.height / 2; })""")
    points = figure.evaluate("""f => Array.from(
        f.querySelectorAll('.ds-chart__live svg .mark-symbol.role-mark path'))
        .map(p => { const b = p.getBoundingClientRect(); return b.y + b.height / 2; })""")
    assert len(rows) == 2 and len(points) >= 20  # a row for Washington, a row for Beijing
    distance = [min(abs(p - r) for r in rows) for p in points]
    assert sum(d <= 1.5 for d in distance) >= 2  # each row's first point on the row's line
    assert max(distance) <= 40  # none floats between rows
    context.close()


ANNOTATIONS = """f => Array.from(f.querySelectorAll(
    '.ds-chart__live svg g.role-mark[class*="annotation"] text')).map(t => t.textContent.trim()).filter(Boolean)"""


def _table(site: Path, chart: str) -> list[dict]:
    with open(site / "_charts" / f"{chart}.csv", encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def test_every_chart_labels_the_marks_its_title_names(chromium, base, site):
    # Every title on the site names a mark, a value or a period, so every chart carries an
    # annotation layer (charts.value_labels, callout, shaded_period) with text in it.
    annotated = {}
    for path in pages_with_charts(site):
        context, page, watcher = open_page(chromium, base, path)
        for figure in page.locator("figure.ds-chart").all():
            live(page, figure)
            annotated[figure.get_attribute("id")[len("chart-"):]] = figure.evaluate(ANNOTATIONS)
        assert watcher.problems() == [], (path, watcher.problems())
        context.close()
    assert len(annotated) >= 15 and [c for c, texts in annotated.items() if not texts] == []
    # The ch3 timeline names moves by their month and year (the title depends on them).
    timeline = " | ".join(annotated["export-control-timeline"])
    months = {f"{date.fromisoformat(r['date'][:10]):%b %Y}" for r in _table(site, "export-control-timeline")}
    assert any(month in timeline for month in months), timeline
    # ch5 labels the Chinese releases of the latest year that its title counts (hundreds of billions of
    # parameters): every Chinese release of that year with at least 200 billion, checked or not.
    rows = _table(site, "open-model-releases")
    latest = max(r["release_date"][:4] for r in rows)
    named = {r["short_name"] for r in rows if r["release_date"].startswith(latest) and r["country_name"] == "China"
             and r["parameters_total_b"] and float(r["parameters_total_b"]) >= 200}
    assert named and named <= set(annotated["open-model-releases"]), (named, annotated["open-model-releases"])


CONTRAST = """(f, texts = '.ds-chart__live svg text') => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  let node = f, bg = 'rgba(0, 0, 0, 0)';  // the first opaque background behind the chart
  while (node && /rgba\\(.*, 0\\)|transparent/.test(bg)) {
    bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
  const back = lum(bg);
  return Array.from(f.querySelectorAll(texts)).filter(t => t.textContent.trim()).map(t => {
    const front = lum(getComputedStyle(t).fill);
    const ratio = (Math.max(front, back) + 0.05) / (Math.min(front, back) + 0.05);
    return [t.textContent.trim(), getComputedStyle(t).fill, bg, Math.round(ratio * 100) / 100];
  }).filter(([, , , ratio]) => ratio < 4.5);
}"""


def test_every_chart_text_is_legible_in_dark_mode(chromium, base, site):
    # Both ways into dark mode: the system's setting at load, and the page's switch once the charts
    # are live (they are redrawn with the dark theme, keeping their state).
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    SHOTS.mkdir(parents=True, exist_ok=True)
    illegible = {}
    for path in pages_with_charts(site):
        for scheme in ("dark", "light"):
            context, page, _ = open_page(chromium, base, path, color_scheme=scheme)
            figures = page.locator("figure.ds-chart").all()
            for figure in figures:
                live(page, figure)
            if scheme == "light":
                page.locator(".ds-mode").click()
            assert page.evaluate("document.documentElement.getAttribute('data-theme')") == "dark"
            for figure in figures:
                try:  # a switched chart is redrawn in the next frames
                    page.wait_for_function(f"f => ({CONTRAST})(f).length === 0", arg=figure.element_handle(),
                                           timeout=3000)
                except PlaywrightTimeout:
                    illegible[(path, scheme, figure.get_attribute("id"))] = figure.evaluate(CONTRAST)
            if scheme == "dark":
                page.screenshot(path=str(SHOTS / f"dark-{Path(path).stem}.png"))
            context.close()
    assert illegible == {}


def test_a_phones_picture_is_legible_in_dark_mode_before_any_touch(chromium, base, site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    illegible, seen = {}, 0
    for path in pages_with_charts(site):
        context, page, _ = open_page(chromium, base, path, color_scheme="dark", **PHONE)
        for figure in page.locator("figure.ds-chart").all():
            assert figure.get_attribute("data-state") == "static"
            found = figure.evaluate(f"f => ({CONTRAST})(f, '.ds-chart__narrow text')")
            seen += figure.locator(".ds-chart__narrow text").count()
            if found:
                illegible[(path, figure.get_attribute("id"))] = found
        if path == "notebooks/05-open-models.html":
            page.screenshot(path=str(SHOTS / "phone-dark-static-05-open-models.png"))
        context.close()
    assert illegible == {} and seen > 300


def test_every_embed_page_renders_alone_with_its_credit(chromium, base, site):
    for path in sorted((site / "_charts").glob("*.html")):
        context, page, watcher = open_page(chromium, base, f"_charts/{path.name}",
                                           viewport={"width": 600, "height": 700})
        figure = page.locator("figure.ds-chart")
        assert figure.count() == 1
        page.wait_for_function(LIVE, arg=figure.element_handle(), timeout=8000)
        credit = page.locator(".ds-embed__credit")
        assert "Licence:" in credit.inner_text()
        back = credit.locator("a[target=_top]").get_attribute("href")
        linked = re.fullmatch(r"\.\./((?:notebooks|book)/[\w.-]+\.html)#chart-" + re.escape(path.stem), back)
        assert linked and (site / linked.group(1)).is_file(), (path.name, back)  # back to a page of the site
        assert "Source:" in page.locator("figcaption").inner_text()
        assert watcher.problems() == [], (path.name, watcher.problems())
        context.close()


def _png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def test_png_and_svg_downloads_carry_title_and_source(chromium, base, site):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page, _ = open_page(chromium, base, "notebooks/03-chips-export-controls.html", accept_downloads=True)
    figure = page.locator("figure#chart-h20-sales")
    with page.expect_download() as svg_download:
        figure.locator("a.ds-chart__svg").click()
    svg = Path(svg_download.value.path()).read_text(encoding="utf-8")
    with page.expect_download() as png_download:
        figure.locator("a.ds-chart__png").click()
    png = Path(png_download.value.path()).read_bytes()
    (SHOTS / "download-h20-sales.png").write_bytes(png)
    meta = json.loads((site / "_charts" / "h20-sales.json").read_text(encoding="utf-8"))
    words = re.findall(r"[A-Za-z0-9]+", meta["title"])
    svg_text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", svg).split()))
    assert all(w in svg_text for w in words) and "Source: " in svg_text and "Licence: CC-BY-4.0" in svg_text
    assert meta["sources"][0]["publisher"].split()[0] in svg_text
    # the PNG is the same credited picture at 2x
    width, height = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())
    assert _png_size(png) == (round(width * 2), round(height * 2))
    context.close()


OVERFLOW = """(svg) => { svg = svg || document.documentElement; const vb = svg.viewBox.baseVal; const out = [];
  for (const t of svg.querySelectorAll('text')) { if (!t.textContent.trim()) continue;
    if (t.textContent.includes('\u2026')) { out.push('cut short: ' + t.textContent); continue; }
    const b = t.getBBox(), m = t.getCTM(), p = svg.createSVGPoint();
    const corners = [[b.x, b.y], [b.x + b.width, b.y + b.height]].map(([x, y]) => {
      p.x = x; p.y = y; return p.matrixTransform(m); });
    if (corners[0].x < vb.x - 0.5 || corners[0].y < vb.y - 0.5 || corners[1].x > vb.x + vb.width + 0.5
        || corners[1].y > vb.y + vb.height + 0.5) { out.push(t.textContent); } }
  return out; }"""


def test_no_text_of_any_static_svg_falls_outside_its_viewbox_or_is_cut_short(chromium, base, site):
    # the files (wide pictures, downloads), then the phone's pictures drawn in the pages
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    outside, narrow = {}, 0
    for path in sorted((site / "_charts").glob("*.svg")):
        page.goto(f"{base}/_charts/{path.name}")
        found = page.evaluate(OVERFLOW)
        if found:
            outside[path.name] = found
    for path in pages_with_charts(site):
        page.goto(f"{base}/{path}")
        for svg in page.locator("svg.ds-chart__narrow").all():
            narrow += 1
            found = svg.evaluate(OVERFLOW)
            if found:
                outside[(path, svg.evaluate("s => s.closest('figure').id"))] = found
    context.close()
    assert outside == {} and narrow >= 15


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_live_view_replaces_the_picture_without_a_shift(chromium, base, site, size):
    options = PHONE if size == "phone" else {"viewport": {"width": 1280, "height": 900}}
    for path in chapters(site):
        context, page, _ = open_page(chromium, base, path, **options)
        for figure in page.locator("figure.ds-chart").all():
            figure.scroll_into_view_if_needed()
            page.wait_for_function("f => f.dataset.rendered === 'true'", arg=figure.element_handle())
            before = figure.locator(".ds-chart__view").bounding_box()["height"]
            if size == "phone":  # a touch makes it live
                tap(page, figure.locator(".ds-chart__view"))
            page.wait_for_function(LIVE, arg=figure.element_handle(), timeout=8000)
            after = figure.locator(".ds-chart__view").bounding_box()["height"]
            assert abs(after - before) <= 2, (path, figure.get_attribute("id"), before, after)
        context.close()


def test_the_embed_code_offers_the_live_chart_and_the_chart_as_of_the_latest_edition(chromium, base, site):
    from datastory.editions import read_editions

    latest = read_editions(ROOT)[-1].date
    context, page, watcher = open_page(chromium, base, "notebooks/03-chips-export-controls.html")
    figure = page.locator("figure#chart-h20-sales")
    figure.locator("a.ds-chart__embed").click()
    fields = figure.locator(".ds-chart__offer-field")
    assert fields.count() == 2
    live_code, pinned_code = fields.nth(0).input_value(), fields.nth(1).input_value()
    assert re.search(r'src="http://127\.0\.0\.1:\d+/_charts/h20-sales\.html"', live_code)
    assert f'/editions/{latest}/_charts/h20-sales.html"' in pinned_code
    assert f"as of the edition of {latest}" in figure.locator(".ds-chart__offer").inner_text()
    pinned = re.search(r'src="([^"]+)"', pinned_code).group(1)
    frame = page.context.new_page()
    assert frame.goto(pinned).status == 200  # the frozen copy answers at that address
    assert frame.locator("figure.ds-chart").count() == 1
    assert watcher.problems() == []
    context.close()


@pytest.mark.parametrize("width", [375, 1440])
def test_without_javascript_the_pictures_follow_a_dark_system(chromium, base, width):
    context = chromium.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False,
                                   color_scheme="dark")
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page.goto(f"{base}/notebooks/03-chips-export-controls.html")
    figure = page.locator("figure.ds-chart").first
    if width < 600:
        text = figure.locator(".ds-chart__narrow text").first
        assert text.evaluate("t => getComputedStyle(t).fill") in ("rgb(230, 230, 230)", "rgb(196, 196, 196)")
        assert not figure.locator(".ds-chart__wide--dark").is_visible()
    else:
        assert figure.locator(".ds-chart__wide--dark img").is_visible()
        assert not figure.locator(".ds-chart__wide--light img").is_visible()
    context.close()


STORY_PAGES = ["book/index.html", *(f"notebooks/{p.stem}.html" for p in sorted((ROOT / "notebooks").glob("0*.md"))),
               "book/ending.html"]
#: What a reader never reads in a tooltip: row and source ids, field names.
INTERNAL = re.compile(r"\b(?:row_id|source_id|second_check|[a-z]{2,}\d{2,}|[a-z0-9]+(?:-[a-z0-9]+){3,})\b")


@pytest.mark.browser
@pytest.mark.parametrize("path", STORY_PAGES, ids=lambda p: Path(p).stem)
def test_every_chart_answers_a_tap_with_a_tooltip_in_reader_words(chromium, base, path):
    """Issue 22: every chart on a phone shows a mark's tooltip on a tap, naming things as a reader would."""
    context, page, watcher = open_page(chromium, base, path, **PHONE)
    tip = page.locator(".ds-tooltip.ds-tooltip--visible")
    silent, internal = [], []
    try:
        figures = page.locator("figure.ds-chart")
        for index in range(figures.count()):
            figure = figures.nth(index)
            marks = figure.locator(".ds-chart__narrow .role-mark:not(.role-axis *):not(.role-legend *) "
                                   ":is(path, rect, circle, line)")
            if marks.count() == 0:
                silent.append(f"{figure.get_attribute('id')}: no mark in its picture")
                continue
            mark = marks.nth(marks.count() // 2)
            mark.evaluate("m => m.scrollIntoView({block: 'center'})")
            tap(page, mark)
            try:
                tip.wait_for(timeout=8000)
            except Exception:
                silent.append(figure.get_attribute("id"))
                continue
            text = tip.evaluate("t => [...t.querySelectorAll('*')].filter(e => !e.children.length)"
                                ".map(e => e.textContent).join(' | ')")
            if INTERNAL.search(text):
                internal.append((figure.get_attribute("id"), INTERNAL.search(text).group(0), text[:120]))
            tap(page, page.locator("h1").first)
            tip.wait_for(state="hidden", timeout=3000)
    finally:
        context.close()
    assert silent == [], f"{path}: charts that showed no tooltip on a tap: {silent}"
    assert internal == [], f"{path}: tooltips showing internal names: {internal}"
    assert watcher.problems() == []
