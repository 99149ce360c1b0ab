"""House chart theme and the Altair renderer that makes charts publishable offline.

Altair's default HTML output loads vega, vega-lite and vega-embed from a CDN and gives every
chart a random element id. Our renderer instead compiles the Vega-Lite spec to Vega *in the
notebook* (so readers never download the Vega-Lite compiler), renders a static SVG for readers
without JavaScript, and returns one JSON bundle under :data:`MIME_TYPE`. The Sphinx extension
turns that bundle into markup with a stable id; one static script draws it.
"""

from __future__ import annotations

import csv
import io

import altair as alt
import vl_convert as vlc

from . import chart_rules, jupyter

MIME_TYPE = "application/vnd.datastory.chart+json"
VEGA_LITE_VERSION = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]

#: Okabe & Ito's palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", '
        '"WenQuanYi Micro Hei", sans-serif')
#: Width of the static SVG fallback; the live chart follows its container instead.
FALLBACK_WIDTH = 640
TEXT = "#333333"  # 12.6:1 on white
MUTED = "#595959"  # 7:1 on white


def theme() -> dict:
    """The house look: readable type, quiet axes, one palette, room for a 360 px phone."""
    return {
        "config": {
            "font": FONT,
            "background": None,
            "view": {"stroke": None, "continuousHeight": 300},
            "padding": 4,
            "autosize": {"type": "fit-x", "contains": "padding"},
            "title": {"anchor": "start", "fontSize": 16, "fontWeight": 600, "color": TEXT,
                      "subtitleColor": MUTED, "subtitleFontSize": 13, "limit": 0, "offset": 12},
            "axis": {"labelColor": MUTED, "titleColor": TEXT, "labelFontSize": 12, "titleFontSize": 12,
                     "titleFontWeight": 500, "gridColor": "#e3e3e3", "domainColor": "#8c8c8c",
                     "tickColor": "#8c8c8c", "labelLimit": 180},
            "legend": {"labelColor": MUTED, "titleColor": TEXT, "labelFontSize": 12, "titleFontSize": 12,
                       "orient": "top", "direction": "horizontal", "labelLimit": 220},
            "range": {"category": PALETTE},
            "mark": {"color": PALETTE[0]},
            "text": {"color": TEXT},
        }
    }


@alt.theme.register("datastory", enable=False)
def _registered_theme() -> alt.theme.ThemeConfig:
    return theme()


class ChartError(ValueError):
    """A chart that cannot be published as it stands; the message says what to add."""


def _one_dataset(spec: dict) -> list[dict]:
    datasets = spec.get("datasets", {})
    if len(datasets) != 1:
        raise ChartError(
            f"a published chart needs exactly one inline table (its 'Data' download); this one has "
            f"{len(datasets)}. Shape one tidy DataFrame with a source_id column and chart that."
        )
    return next(iter(datasets.values()))


def _csv_text(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(title)
    return title or ""


def bundle(spec: dict) -> dict:
    """Everything the site needs for one chart, computed once at execution (and cached with it)."""
    title, description = _title_text(spec), spec.get("description", "")
    if not title or not description:
        raise ChartError("a published chart needs a sentence title (.properties(title=...)) and a "
                         "text description for screen readers (.properties(description=...))")
    rows = _one_dataset(spec)
    chart_rules.check(title, spec, rows)  # measures and unverified rows drawn visibly
    source_columns = [c for c in (rows[0] if rows else {}) if c == "source_id" or c.endswith("_source_id")]
    if "source_id" not in source_columns:
        raise ChartError("the chart's table has no source_id column; keep it so the chart can cite "
                         "its sources (encode other fields, the column may stay unplotted)")
    fallback = {**spec, "width": FALLBACK_WIDTH, "autosize": {"type": "fit-x", "contains": "padding"}}
    live = {**spec, "width": spec.get("width", "container")}
    return {
        "title": title,
        "description": description,
        "vega": vlc.vegalite_to_vega(live, vl_version=VEGA_LITE_VERSION),
        "svg": vlc.vegalite_to_svg(fallback, vl_version=VEGA_LITE_VERSION),
        "csv": _csv_text(rows),
        "sources": sorted({row[c] for row in rows for c in source_columns if row.get(c)}),
    }


def render(spec: dict, **_options) -> dict:
    """Altair renderer: our bundle for the site, a live chart (where a notebook can draw one) and SVG
    for Jupyter, the title for plain text."""
    data = bundle(spec)
    return {MIME_TYPE: data, **jupyter.chart_outputs(data), "image/svg+xml": data["svg"],
            "text/plain": f"<chart: {data['title']}>"}


alt.renderers.register("datastory", render)


def enable() -> None:
    """Use the house theme and the offline renderer for every chart in this kernel."""
    alt.theme.enable("datastory")
    alt.renderers.enable("datastory")
    alt.data_transformers.disable_max_rows()
    jupyter.enable()


def legend_highlight(field: str, name: str = "highlight") -> tuple[alt.Parameter, alt.ConditionalValueDefnumberExprRef]:
    """A legend that highlights: click or hover a legend entry (or a mark) to fade the others.

    Returns the parameter to add with ``.add_params`` and the opacity encoding to use.
    """
    selection = alt.selection_point(name=name, fields=[field], bind="legend", on="pointerover",
                                    clear="pointerout")
    return selection, alt.condition(selection, alt.value(1), alt.value(0.2))


def hover_rule(base: alt.Chart, x: str, name: str = "hover") -> alt.LayerChart:
    """A vertical rule that follows the pointer along ``x``, for reading a time series.

    ``base`` is the chart's encoded line or point layer; the rule shares its data and tooltips.
    """
    nearest = alt.selection_point(name=name, nearest=True, on="pointermove", fields=[x.split(":")[0]],
                                  empty=False, clear="pointerout")
    rule = base.mark_rule(color="#8c8c8c", strokeWidth=1).encode(
        opacity=alt.condition(nearest, alt.value(1), alt.value(0))
    ).add_params(nearest)
    return alt.layer(base, rule)
