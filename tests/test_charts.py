"""The chart module and the chart files of the built site: ids, tables, guards, annotations, credits."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc
from conftest import copy_repo, run_build

from datastory import chart_rules, charts
from datastory.chart_files import CHAR_PX, WIDTHS, Credit, width_overrides, with_credit
from datastory.charts import wrap
from datastory.citations import by_publisher, short_publisher, source_links_html

SYNTHETIC = pd.DataFrame({
    "date": pd.to_datetime(["2020-01-01", "2021-01-01", "2022-06-01"]),
    "value": [344.0, 2.5, 22.60946108955759],
    "group": ["a", "b", "a"],
    "source_id": ["s1", "s2", "s1"],
})


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def test_chart_id_is_the_explicit_name_or_a_slug_of_the_title():
    base = alt.Chart(SYNTHETIC).mark_point().encode(x="date:T", y="value:Q")
    titled = base.properties(title="Nvidia's H20 charge was below its warning", description="d")
    assert charts.bundle(chart_spec(titled))["name"] == "nvidias-h20-charge-was-below-its-warning"
    named = titled.properties(name="H20 charge")
    assert charts.bundle(chart_spec(named))["name"] == "h20-charge"


def test_table_values_are_as_stated_without_float_noise():
    chart = alt.Chart(SYNTHETIC).mark_point().encode(x="date:T", y="value:Q").properties(title="t", description="d")
    bundle = charts.bundle(chart_spec(chart))
    assert bundle["csv"].splitlines()[1:] == ["2020-01-01T00:00:00,344,a,s1", "2021-01-01T00:00:00,2.5,b,s2",
                                              "2022-06-01T00:00:00,22.6095,a,s1"]
    inline = next(d["values"] for d in bundle["vega"]["data"] if isinstance(d.get("values"), list))
    assert [row["value"] for row in inline] == [344, 2.5, 22.6095]  # the page draws what the CSV says


def test_a_plain_wheel_zoom_is_refused_and_zoom_x_needs_a_modifier():
    base = alt.Chart(SYNTHETIC).mark_point().encode(x="date:T", y="value:Q").properties(title="t", description="d")
    with pytest.raises(charts.ChartError, match="charts.zoom_x"):
        charts.bundle(chart_spec(base.interactive()))
    vega = charts.bundle(chart_spec(base.add_params(charts.zoom_x())))["vega"]
    wheel = [e for s in vega["signals"] for on in s.get("on", []) for e in on["events"]
             if isinstance(on["events"], list) and isinstance(e, dict) and e.get("type") == "wheel"]
    assert wheel and all(e.get("filter") for e in wheel)


def test_annotations_come_from_the_charts_own_table():
    base = alt.Chart(SYNTHETIC).encode(x="date:T", y="group:N")
    chart = (charts.shaded_period(base, "2020-06-01", "2021-06-01", "A period") + base.mark_point()
             + charts.callout(base, alt.Text("value:Q", format=".1f"), where=alt.datum.group == "b", x="date:T",
                              y="group:N")
             + charts.value_labels(base, "value:Q", where=alt.datum.group == "a"))
    chart = chart.properties(title="t", description="d")
    bundle = charts.bundle(chart_spec(chart))  # would raise with a second table
    marks = json.dumps(bundle["vega"]["marks"])
    assert '"type": "rect"' in marks and '"type": "rule"' in marks and marks.count('"type": "text"') >= 3
    # each annotation layer is named so the drawn marks say what they are (band, name, leader, label, values)
    named = [m["name"] for m in bundle["vega"]["marks"] if m.get("name", "").startswith("annotation")]
    assert len(named) == 5 and len(set(named)) == 5
    svg = bundle["svg"]
    assert "A period" in svg and ">2.5<" in svg and ">344<" in svg


def test_long_legend_labels_break_onto_lines_instead_of_ending_in_an_ellipsis():
    long = "Planned spending on AI data centres, three years \u00f7 3 (our arithmetic)"
    frame = SYNTHETIC.assign(group=["Planned spending on AI", long, "Planned spending on AI"])
    vega = vlc.vegalite_to_vega(chart_spec(alt.Chart(frame).mark_point().encode(x="value:Q", color="group:N")))
    for width in WIDTHS.values():
        (legend,) = width_overrides(vega, width)["legends"]
        expression = legend["encode"]["labels"]["update"]["text"]["signal"]
        lines = json.loads(expression.split("[datum.label]")[0])
        assert list(lines) == [long]  # the short label is left alone
        assert " ".join(lines[long]) == long and len(lines[long]) >= 2
        assert max(map(len, lines[long])) * CHAR_PX <= min(220, width * 0.45)


def test_download_credit_is_drawn_below_the_chart():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="640" height="300" '
           'viewBox="0 0 640 300"><g/></svg>')
    credit = Credit(sources=["Reuters", "Nvidia"], licence="CC-BY-4.0", site="A site", page_url="https://x.test/p")
    out = with_credit(svg, credit)
    assert 'height="355"' in out and 'viewBox="0 0 640 355"' in out  # three lines of credit
    assert "Source: Reuters; Nvidia" in out and "Licence: CC-BY-4.0" in out and "https://x.test/p" in out
    assert wrap("one two three", 7) == ["one two", "three"]
    many = Credit(sources=[f"Publisher {n}" for n in range(30)], licence="CC-BY-4.0", site="A site", page_url="u")
    colours = [colour for _, colour in many.lines(640)]
    assert colours[:3] == [charts.TEXT] * 3 and colours[-2:] == [charts.MUTED] * 2  # wrapped, one colour


def _every_altair_transform() -> list[alt.TopLevelMixin]:
    """A chart per transform Altair offers, plus the Vega-Lite features that compile to a Vega
    transform of their own (a nearest-point selection, a map, a generated sequence)."""
    base = alt.Chart(SYNTHETIC).mark_point().encode(x="value:Q", y="date:T")
    value = alt.datum.value
    return [
        base.transform_aggregate(total="sum(value)", groupby=["group"]),
        base.transform_bin("binned", "value"), base.transform_calculate(double=value * 2),
        base.transform_density("value"), base.transform_extent("value", "span"), base.transform_filter(value > 1),
        base.transform_flatten(["group"]), base.transform_fold(["value"]),
        base.transform_impute("value", "date", groupby=["group"]),
        base.transform_joinaggregate(mean="mean(value)"), base.transform_loess("date", "value"),
        base.transform_lookup(lookup="group", from_=alt.LookupData(SYNTHETIC, "group", ["value"])),
        base.transform_pivot("group", "value"), base.transform_quantile("value"),
        base.transform_regression("date", "value"), base.transform_sample(2),
        base.transform_timeunit(year="year(date)"), base.transform_window(rank="rank()"),
        alt.Chart(SYNTHETIC).mark_bar().encode(x="group:N", y="sum(value):Q", color="source_id:N"),  # stack
        base.add_params(alt.selection_point(on="pointerover", nearest=True)),  # voronoi
        alt.Chart(alt.sphere()).mark_geoshape().project("equalEarth"),
        alt.Chart(alt.graticule()).mark_geoshape().project("equalEarth"),
        alt.Chart(alt.sequence(0, 10, as_="x")).mark_line().encode(x="x:Q", y="x:Q"),
    ]


def _transform_types(node) -> set[str]:
    if isinstance(node, dict):
        found = {t["type"] for t in node.get("transform", []) if isinstance(t, dict) and "type" in t}
        return found.union(*(_transform_types(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_transform_types(v) for v in node))
    return set()


@pytest.mark.browser
def test_the_sites_slim_vega_registers_every_transform_altair_can_compile_to(chromium):
    from datastory.sphinx_ext import STATIC_DIR
    from datastory.sphinx_ext.chart_nodes import VEGA_JS

    needed = set().union(*(_transform_types(vlc.vegalite_to_vega(chart_spec(c))) for c in _every_altair_transform()))
    assert {"kde", "loess", "regression", "quantile", "voronoi", "graticule", "geoshape", "sequence"} <= needed
    page = chromium.new_page()
    page.add_script_tag(path=str(STATIC_DIR / VEGA_JS))
    registered = set(page.evaluate("() => Object.keys(vega.transforms)"))
    version = page.evaluate("() => vega.version")
    page.close()
    assert version == "6.2.0" == vlc.get_vega_version()  # live charts and static pictures: one Vega
    assert needed - registered == set()
    assert {"force", "treemap", "wordcloud", "crossfilter", "label"}.isdisjoint(registered)  # what was left out


# ------------------------------------------------------------------------------- the built site

def test_a_picture_drawn_in_the_page_keeps_its_ids_to_itself():
    from datastory.sphinx_ext.chart_nodes import inline_svg

    svg = ('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="360" height="9">'
           '<clipPath id="clip1"/><clipPath id="clip10"/><g clip-path="url(#clip1)"/><g clip-path="url(#clip10)"/>'
           '<use href="#clip1"/></svg>')
    out = inline_svg(svg, "h20-charge")
    assert out.startswith('<svg class="ds-chart__narrow marks" aria-hidden="true" focusable="false" xmlns=')
    assert re.findall(r'id="([^"]+)"', out) == ["h20-charge-clip1", "h20-charge-clip10"]
    assert re.findall(r'#([\w-]+)', out) == ["h20-charge-clip1", "h20-charge-clip10", "h20-charge-clip1"]
    assert "<?xml" not in out and out.count("class=") == 1


def test_the_stylesheet_shows_one_picture_at_the_width_the_page_says():
    from pathlib import Path

    from datastory.chart_files import NARROW_BELOW
    from datastory.sphinx_ext.chart_nodes import NARROW_MEDIA

    css = (Path(charts.__file__).parent / "static" / "datastory.css").read_text(encoding="utf-8")
    assert NARROW_MEDIA == f"(max-width: {NARROW_BELOW - 1}px)"
    assert f"@media {NARROW_MEDIA} {{ .ds-chart__static .ds-chart__wide {{ display: none; }} }}" in css
    assert f"@media (min-width: {NARROW_BELOW}px) {{ .ds-chart__static .ds-chart__narrow {{ display: none; }} }}" in css


def test_the_phones_picture_takes_the_same_dark_colours_as_the_live_chart():
    # the live chart is darkened by datastory-charts.js (DARK), the inline picture by CSS: one mapping
    from pathlib import Path

    static = Path(charts.__file__).parent / "static"
    js = (static / "datastory-charts.js").read_text(encoding="utf-8")
    consts = dict(re.findall(r'\b(TEXT|MUTED|DARK_TEXT|DARK_MUTED) = "(#[0-9a-f]{6})"', js))
    dark_grid = re.search(r'gridColor: "(#[0-9a-f]{6})"', js).group(1)
    light_grid = charts.theme()["config"]["axis"]["gridColor"]
    css = (static / "datastory.css").read_text(encoding="utf-8")
    rule = r'html\[data-theme="dark"\] \.ds-chart__narrow \[(fill|stroke)="(#\w+)"\] \{ \1: (#\w+); \}'
    rules = re.findall(rule, css)
    assert (consts["TEXT"], consts["MUTED"]) == (charts.TEXT, charts.MUTED)
    assert {(attr, light): dark for attr, light, dark in rules} == {
        ("fill", charts.TEXT): consts["DARK_TEXT"], ("fill", charts.MUTED): consts["DARK_MUTED"],
        ("stroke", charts.TEXT): consts["DARK_TEXT"], ("stroke", charts.MUTED): consts["DARK_MUTED"],
        ("stroke", light_grid): dark_grid}


def test_every_chart_publishes_its_files_under_its_stable_id(site):
    ids = set()
    for page in [*(site / "notebooks").glob("*.html"), *(site / "book").glob("*.html")]:
        found = re.findall(r'<figure class="ds-chart[^"]*" id="chart-([a-z0-9-]+)"', page.read_text(encoding="utf-8"))
        assert not any(cid.startswith(page.stem) for cid in found), found  # named, not numbered by position
        ids |= set(found)
    assert len(ids) >= 15
    for cid in ids:
        for suffix in ("csv", "json", "svg", "png", "html", "w640.svg", "w640.dark.svg"):
            assert (site / "_charts" / f"{cid}.{suffix}").is_file(), (cid, suffix)
    assert {p.name.split(".", 1)[0] for p in (site / "_charts").iterdir()} == ids  # no stale files


def test_metadata_names_title_units_sources_licence_and_citation(site):
    meta = json.loads((site / "_charts" / "h20-sales.json").read_text(encoding="utf-8"))
    assert meta["title"].startswith("Nvidia's H20 sales")
    assert {"name": "usd_billions", "title": "US$ billions"} in meta["columns"]
    assert meta["sources"] and all(s["url"].startswith("http") for s in meta["sources"])
    assert meta["licence"] == "CC-BY-4.0" and meta["title"] in meta["citation"]
    assert meta["page"].endswith("#chart-h20-sales")  # the published address (the workflow supplies it)


def test_a_source_line_names_each_publisher_once_and_links_every_page():
    sources = [
        {"publisher": "Reuters", "title": "Nvidia <charge>", "url": "https://r.test/1"},
        {"publisher": "Meta (GitHub meta-llama/llama-models, commit 1f0feb795a4130677ced243fb53051670d591653)",
         "title": "Llama 4 model card", "url": "https://g.test/a"},
        {"publisher": "Meta (GitHub meta-llama/llama-models, commit 038acb9fe1e1ddc5cf1b3989fb07b311a0ffcae4)",
         "title": "Llama 3.1 model card", "url": "https://g.test/b"},
    ]
    line = source_links_html(sources)
    assert short_publisher(sources[1]["publisher"]) == "Meta (GitHub)" and "commit" not in line
    assert [name for name, _ in by_publisher(sources)] == ["Reuters", "Meta (GitHub)"]
    assert re.findall(r'href="([^"]+)"', line) == [s["url"] for s in sources]  # every page, one tap
    assert 'title="Nvidia &lt;charge&gt;">Reuters</a>' in line
    assert 'aria-label="2, Meta (GitHub): Llama 3.1 model card">2</a>' in line


def test_chart_source_lines_link_every_source_of_the_chart(site):
    for page in (site / "notebooks").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        lines = re.findall(r'id="chart-([a-z0-9-]+)".*?<p class="ds-chart__meta">Source: (.*?)</p>', text, re.S)
        assert lines or "ds-chart" not in text, page.name
        for cid, line in lines:
            meta = json.loads((site / "_charts" / f"{cid}.json").read_text(encoding="utf-8"))
            linked = sorted(re.findall(r'href="([^"]+)"', line))
            assert linked == sorted(html.escape(s["url"]) for s in meta["sources"]), cid  # each once
            assert not re.search(r"[0-9a-f]{40}", re.sub(r"<[^>]+>", "", line)), cid  # no commit in the text


def test_embed_pages_obey_the_content_security_policy(site):
    for page in (site / "_charts").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text), page.name
        assert " style=" not in text and "<style" not in text, page.name
        assert 'class="ds-embed__credit"' in text and "Licence:" in text and 'target="_top"' in text


def test_chapter_pages_carry_their_lead_chart_as_opengraph_image(site):
    for page in (site / "notebooks").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        lead = re.search(r'<figure class="ds-chart[^"]*" id="chart-([a-z0-9-]+)"', text).group(1)
        image = re.search(r'<meta property="og:image" content="([^"]+)"', text).group(1)
        assert image.endswith(f"/_charts/{lead}.png"), (page.name, image)


@pytest.mark.slow
def test_two_charts_with_one_id_fail_the_build(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    notebook = root / "notebooks" / "02-local-subsidies.md"
    text = notebook.read_text(encoding="utf-8")
    notebook.write_text(text.replace('name="voucher-rates"', 'name="big-fund-phases"'), encoding="utf-8")
    result = run_build(root)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "two charts have the id 'big-fund-phases'" in output
    assert "notebooks/01-state-venture-capitalist" in output and "notebooks/02-local-subsidies" in output


def test_the_wide_picture_has_a_dark_twin_in_the_same_colours_as_the_phone_picture():
    from datastory.sphinx_ext.chart_nodes import dark_colours, darkened_svg

    css = (Path(charts.__file__).parent / "static" / "datastory.css").read_text(encoding="utf-8")
    mapping = dark_colours()
    assert len(mapping) == 5
    svg = '<svg><text fill="#333333">a</text><path stroke="#e3e3e3"/><rect fill="#E69F00"/></svg>'
    assert darkened_svg(svg) == (f'<svg><text fill="{mapping[("fill", "#333333")]}">a</text>'
                                 f'<path stroke="{mapping[("stroke", "#e3e3e3")]}"/><rect fill="#E69F00"/></svg>')
    # without JavaScript the page follows the system's mode: the same rules apply under prefers-color-scheme
    for (attr, light), dark in mapping.items():
        assert f'html:not([data-theme]) .ds-chart__narrow [{attr}="{light}"] {{ {attr}: {dark}; }}' in css


def _check_legends(frame: pd.DataFrame, **look) -> list[dict]:
    """The compiled Vega legends of a bar chart marking ``frame``'s unconfirmed rows with ``look``."""
    chart = alt.Chart(charts.with_check(frame)).mark_bar().encode(
        x="value:Q", y="group:N", color="group:N", **charts.unconfirmed(frame.second_check, **look),
        tooltip=[charts.check_tooltip()])
    vega = vlc.vegalite_to_vega(chart.to_dict())
    return [legend for legend in vega.get("legends", []) if "group" not in json.dumps(legend)]


@pytest.mark.parametrize("checks", [["confirmed", "corrected", "re-sourced"], ["confirmed", "confirmed", "confirmed"]])
def test_a_chart_with_every_row_confirmed_has_no_legend_for_the_check(checks):
    frame = SYNTHETIC.assign(second_check=checks)
    solid = charts.unconfirmed(frame.second_check, fill=0, dash=[4, 3])
    assert solid == {
        "fillOpacity": {"value": 1}, "strokeDash": {"value": [1, 0]}}
    assert _check_legends(frame, fill=0, dash=[4, 3]) == []


@pytest.mark.parametrize("look", [{"fill": 0, "dash": [4, 3]}, {"opacity": 0.3}, {"dash": [4, 3]}])
def test_one_unconfirmed_row_gives_a_legend_whose_only_entry_says_not_confirmed(look):
    frame = SYNTHETIC.assign(second_check=["confirmed", "unverified", "re-sourced"])
    legends = _check_legends(frame, **look)
    assert len(legends) == 1, legends
    legend = legends[0]
    assert legend["values"] == ["unverified"]
    assert legend["encode"]["labels"]["update"]["text"] == {"signal": f"'{charts.NOT_CONFIRMED_LEGEND}'"}
    assert not legend.get("title"), "the legend's one entry says what it means; no workshop title"
    # The house rule on what a chart must show about unverified rows still holds.
    chart = alt.Chart(charts.with_check(frame)).mark_bar().encode(
        x="value:Q", **charts.unconfirmed(frame.second_check, **look), tooltip=[charts.check_tooltip()])
    chart_rules.check("synthetic", chart.to_dict(), charts.with_check(frame).to_dict("records"))


def test_the_check_in_a_tooltip_reads_in_reader_words():
    frame = charts.with_check(SYNTHETIC.assign(second_check=["corrected", "unverified", "re-sourced"]))
    assert frame[charts.CHECK_SHOWN].tolist() == ["Confirmed", "Not confirmed", "Confirmed"]
    assert frame.second_check.tolist() == ["corrected", "unverified", "re-sourced"], "the raw verdict stays in the data"
    assert charts.check_tooltip().to_dict()["title"] == "Source check"
