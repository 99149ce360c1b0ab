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
import itertools
import math
import re
import unicodedata

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
#: Zoom and pan only with a modifier held (a trackpad pinch sends Ctrl + wheel): a plain wheel
#: or a finger always scrolls the page (Vega-Lite issue #2662, Altair issue #1512).
ZOOM_MODIFIER = "event.ctrlKey || event.metaKey || event.altKey || event.shiftKey"
#: An axis title longer than this is set on two lines, so it fits a 360 px phone.
AXIS_TITLE_CHARS = 36
#: Significant digits kept in a chart's table: enough for any figure as published, none of the
#: noise arithmetic adds (22.60946108955759 is written 22.6095).
SIGNIFICANT = 6


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
            # symbols of a legend with no colour scale (shape, opacity, dash) in the muted text colour, not
            # Vega's black, so dark mode can lighten them like any text (a colour scale still colours its own)
            "legend": {"labelColor": MUTED, "titleColor": TEXT, "labelFontSize": 12, "titleFontSize": 12,
                       "orient": "top", "direction": "horizontal", "labelLimit": 220,
                       "symbolFillColor": MUTED, "symbolStrokeColor": MUTED},
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


def _title_parts(spec: dict) -> tuple[str, str]:
    title = spec.get("title")
    subtitle = title.get("subtitle", "") if isinstance(title, dict) else ""
    if isinstance(title, dict):
        title = title.get("text")
    joined = [" ".join(t) if isinstance(t, list) else (t or "") for t in (title, subtitle)]
    return joined[0], joined[1]


def slug(text: str, max_length: int = 60) -> str:
    """A file-name-safe, stable id: lower-case ASCII words joined by hyphens, cut at a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("'", ""))
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > max_length:
            break
        out = f"{out}-{word}" if out else word
    return out


def _tidy_number(value):
    """A float as the source stated it: 344.0 is 344, arithmetic noise is rounded away."""
    if not isinstance(value, float) or not math.isfinite(value):
        return value
    if value.is_integer() and abs(value) < 1e15:
        return int(value)
    return float(f"{value:.{SIGNIFICANT}g}")


def _wrapped_axis_titles(node):
    """The spec with long x/y axis titles broken into lines (a Vega-Lite title may be a list)."""
    if isinstance(node, list):
        return [_wrapped_axis_titles(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _wrapped_axis_titles(v) for k, v in node.items() if k != "datasets"}
    if "datasets" in node:
        out["datasets"] = node["datasets"]
    for channel in ("x", "y"):
        title = out.get("encoding", {}).get(channel, {}).get("title") if isinstance(out.get("encoding"), dict) \
            else None
        if isinstance(title, str) and len(title) > AXIS_TITLE_CHARS:
            lines = wrap(title, AXIS_TITLE_CHARS)
            out["encoding"] = {**out["encoding"], channel: {**out["encoding"][channel], "title": lines}}
    return out


def wrap(text, max_chars: int):
    """Greedy word wrap into a list of lines (a string that fits stays a string)."""
    if not isinstance(text, str) or len(text) <= max_chars:
        return text
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > max_chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


def _tidy_rows(spec: dict) -> dict:
    datasets = {name: [{k: _tidy_number(v) for k, v in row.items()} for row in rows]
                for name, rows in spec.get("datasets", {}).items()}
    return {**spec, "datasets": datasets} if datasets else spec


def _columns(spec: dict, names: list[str]) -> list[dict]:
    """Each column of the table with the title a channel or tooltip gives it (titles carry the units)."""
    titles: dict[str, str] = {}
    for node in chart_rules.walk({k: v for k, v in spec.items() if k != "datasets"}):
        field, title = node.get("field"), node.get("title")
        if isinstance(field, str) and isinstance(title, str) and title:
            titles.setdefault(field, title)
    return [{"name": name, "title": titles.get(name, "")} for name in names]


def _unmodified_wheel(vega: dict) -> bool:
    """True when a plain mouse wheel would zoom the chart instead of scrolling the page."""
    return any(node.get("type") == "wheel" and not node.get("filter")
               for node in chart_rules.walk(vega.get("signals", [])))


def bundle(spec: dict) -> dict:
    """Everything the site needs for one chart, computed once at execution (and cached with it)."""
    title, subtitle = _title_parts(spec)
    description = spec.get("description", "")
    if not title or not description:
        raise ChartError("a published chart needs a sentence title (.properties(title=...)) and a "
                         "text description for screen readers (.properties(description=...))")
    spec = _wrapped_axis_titles(_tidy_rows(spec))
    rows = _one_dataset(spec)
    chart_rules.check(title, spec, rows)  # measures and unverified rows drawn visibly
    source_columns = [c for c in (rows[0] if rows else {}) if c == "source_id" or c.endswith("_source_id")]
    if "source_id" not in source_columns:
        raise ChartError("the chart's table has no source_id column; keep it so the chart can cite "
                         "its sources (encode other fields, the column may stay unplotted)")
    name = slug(spec.get("name") or title)
    if not name:
        raise ChartError(f"chart {title!r}: its name gives an empty id; name it with .properties(name='short-name')")
    fallback = {**spec, "width": FALLBACK_WIDTH, "autosize": {"type": "fit-x", "contains": "padding"}}
    live = {**spec, "width": spec.get("width", "container")}
    vega = vlc.vegalite_to_vega(live, vl_version=VEGA_LITE_VERSION)
    if _unmodified_wheel(vega):
        raise ChartError(f"chart {title!r}: the mouse wheel would zoom it instead of scrolling the page; "
                         "use charts.zoom_x() instead of .interactive() (zoom needs a modifier key)")
    return {
        "name": name,
        "title": title,
        "subtitle": subtitle,
        "description": description,
        "vega": vega,
        "svg": vlc.vegalite_to_svg(fallback, vl_version=VEGA_LITE_VERSION),
        "csv": _csv_text(rows),
        "columns": _columns(spec, list(rows[0]) if rows else []),
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


#: The one second-check verdict a reader needs told apart: the row's page could not be found again.
UNVERIFIED = "unverified"
#: A frame's second check in reader words (see :func:`with_check`), for tooltips.
CHECK_SHOWN = "second_check_shown"
CONFIRMED, NOT_CONFIRMED = "Confirmed", "Not confirmed"
#: The legend's only entry for the check, on a chart that draws at least one unconfirmed row.
NOT_CONFIRMED_LEGEND = "Not confirmed by a second check"


def with_check(frame):
    """A copy of ``frame`` with :data:`CHECK_SHOWN`: "Not confirmed" for an unverified row, else "Confirmed".

    Corrected and re-sourced rows were checked and are shown as checked; the raw verdict stays in
    ``second_check`` for the chart's downloadable table.
    """
    frame = frame.copy()
    frame[CHECK_SHOWN] = [NOT_CONFIRMED if str(c) == UNVERIFIED else CONFIRMED for c in frame["second_check"]]
    return frame


def check_note(check) -> str:
    """Words to follow a figure in a chart's description: a note if its second check is unverified, else none."""
    return " (not confirmed by a second check)" if str(check) == UNVERIFIED else ""


def check_tooltip() -> alt.Tooltip:
    """The tooltip line for the second check, in reader words (needs :func:`with_check` on the frame)."""
    return alt.Tooltip(f"{CHECK_SHOWN}:N", title="Source check")


def unconfirmed(checks, *, fill: float | None = None, dash: list[int] | None = None, opacity: float | None = None,
                shape: str | None = None, symbol: str = "square", orient: str = "bottom", legend: bool = True) -> dict:
    """Encodings that mark the drawn rows whose second check is ``unverified``, to splat into ``.encode``.

    ``checks`` is the drawn frame's ``second_check`` column. Give the look of an unconfirmed mark:
    ``fill`` (its fill opacity; 0 is hollow), ``dash`` (a dashed outline), ``opacity`` (pale) and/or
    ``shape`` (a point's shape; confirmed points are circles). ``legend=False`` is for a second layer
    whose unconfirmed marks another layer's legend already explains.
    Every other row draws as a normal solid mark. With no unverified row every mark is drawn so,
    with no legend; otherwise one legend, untitled, whose only entry is
    :data:`NOT_CONFIRMED_LEGEND` — confirmed, corrected and re-sourced rows get no entry.
    """
    if fill is None and dash is None and opacity is None and shape is None:
        raise ValueError("unconfirmed() needs a look for unconfirmed marks: fill, dash, opacity and/or shape")
    states = sorted({str(c) for c in checks})
    if UNVERIFIED not in states:  # every mark solid, as a confirmed one is drawn, and no legend
        solid = {"fillOpacity": alt.value(1) if fill is not None else None,
                 "strokeDash": alt.value([1, 0]) if dash is not None else None,
                 "shape": alt.value("circle") if shape is not None else None,
                 "opacity": alt.value(1) if opacity is not None else None}
        return {channel: value for channel, value in solid.items() if value is not None}
    # A mark only outlined differently is drawn in the legend as an outline, not a fill.
    outline_only = fill is None and opacity is None and shape is None
    key = alt.Legend(title=None, values=[UNVERIFIED], labelExpr=f"'{NOT_CONFIRMED_LEGEND}'", orient=orient,
                     labelLimit=260,
                     symbolType=symbol, symbolFillColor="transparent" if outline_only else MUTED,
                     symbolStrokeColor=TEXT, symbolStrokeWidth=1.5) if legend else None

    def scale(unverified, other, **kind) -> alt.Scale:
        return alt.Scale(domain=states, range=[unverified if s == UNVERIFIED else other for s in states], **kind)

    encodings = {}
    if fill is not None:
        encodings["fillOpacity"] = alt.FillOpacity("second_check:N", legend=key,
                                                   scale=scale(fill, 1, type="ordinal"))
    if dash is not None:
        encodings["strokeDash"] = alt.StrokeDash("second_check:N", legend=key, scale=scale(dash, [1, 0]))
    if shape is not None:
        encodings["shape"] = alt.Shape("second_check:N", legend=key, scale=scale(shape, "circle"))
    if opacity is not None:
        encodings["opacity"] = alt.Opacity("second_check:N", legend=key, scale=scale(opacity, 1, type="ordinal"))
    return encodings


def legend_highlight(field: str, name: str = "highlight") -> tuple[alt.Parameter, alt.ConditionalValueDefnumberExprRef]:
    """A legend that highlights: click or hover a legend entry (or a mark) to fade the others.

    Returns the parameter to add with ``.add_params`` and the opacity encoding to use.
    """
    selection = alt.selection_point(name=name, fields=[field], bind="legend", on="pointerover",
                                    clear="pointerout")
    return selection, alt.condition(selection, alt.value(1), alt.value(0.2))


def zoom_x(name: str = "zoom") -> alt.Parameter:
    """Zoom and pan along x with a modifier key (or a pinch, or the chart's +/− buttons).

    Use instead of ``.interactive()``: a plain wheel or a finger scrolls the page past the chart.
    """
    return alt.selection_interval(
        name=name, bind="scales", encodings=["x"], zoom=f"wheel![{ZOOM_MODIFIER}]",
        translate=f"[pointerdown[{ZOOM_MODIFIER}], window:pointerup] > window:pointermove!")


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


def spread_on_rows(chart: alt.Chart, *, row: str, x: str, within_days: float, step: int = 9) -> alt.Chart:
    """Points of one row less than ``within_days`` apart, spread alternately above and below its line.

    A run of close points is set at 0, -step, +step, -2 step ... pixels from the row's line, so each
    stays visible and tappable and the run's first point sits on the line (its label's centre); a long
    run starts again from the line after ``3 * step`` either way, so no point floats toward another row. Adds
    the field ``row_offset`` for the mark's ``yOffset=alt.ExprRef("datum.row_offset")`` (not the
    yOffset channel, which would move the row to its band's top); worked out in the chart, so the
    table readers download stays as the source stated it.
    """
    in_order = [alt.SortField(x, order="ascending")]
    return chart.transform_window(
        window=[alt.WindowFieldDef(op="lag", field=x, param=1, **{"as": "previous_x"})], groupby=[row], sort=in_order,
    ).transform_calculate(
        starts_run=f"!isValid(datum.previous_x) || time(toDate(datum['{x}'])) - time(toDate(datum.previous_x))"
                   f" >= {within_days * 86_400_000} ? 1 : 0",
    ).transform_window(
        run="sum(starts_run)", groupby=[row], sort=in_order, frame=[None, 0],
    ).transform_window(
        nth="row_number()", groupby=[row, "run"], sort=in_order,
    ).transform_calculate(
        row_offset=f"(floor(datum.nth / 2) % 4) * {step} * (datum.nth % 2 ? 1 : -1)",
    )


# ------------------------------------------------------------------------------------ annotations
# The FT's rule: label the one or two marks the title depends on. Each helper returns a layer
# drawn from the chart's own table (no second dataset), to add to the chart with ``+``; the
# words come from the data, so a label stays true when the data change. Each layer is named
# ``annotation<n>_<part>``, unique in the kernel (Altair suffixes a nested layer's name with its
# position, ``_<i>``); Vega writes the name into the drawn marks' class, so a reader's browser
# (and a test) can tell the annotation layer from the marks it labels.
_ANNOTATIONS = itertools.count(1)


def _annotation(layer: alt.Chart, part: str) -> alt.Chart:
    return layer.properties(name=f"annotation{next(_ANNOTATIONS)}_{part}")


def value_labels(base: alt.Chart, text, *, where=None, **mark) -> alt.Chart:
    """Values written next to the marks (all of them, or those ``where`` selects).

    ``base`` carries the x and y encodings; ``text`` is an ``alt.Text`` or a field shorthand. The
    labels are set in the text colour (or ``color=``), not in a colour ``base`` encodes: a palette
    colour is too faint for text on the dark background.
    """
    colour = mark.pop("color", TEXT)
    layer = base.mark_text(**{"align": "left", "dx": 4, "fontWeight": 600, **mark}).encode(
        text=text, color=alt.value(colour))
    return _annotation(layer.transform_filter(where) if where is not None else layer, "values")


def callout(base: alt.Chart, text, *, where, x, y, dx: int = 24, dy: int = -24, at=None, **mark) -> alt.LayerChart:
    """A label set off from one mark with a leader line from the mark to the label.

    ``where`` picks the row (e.g. ``alt.datum.model == "Kimi K2"``); ``x`` and ``y`` place the
    mark as the chart does (a shorthand like ``"date:T"`` or the chart's own ``alt.X``/``alt.Y``,
    so a sorted axis keeps its order); ``dx``/``dy`` offset the label in pixels. With ``at`` (a
    date on a time axis) the label is set ``dx`` pixels off that date instead of off the mark, so
    the labels of a crowded cluster line up in a column beside it at any width. A newline in the
    text starts a second line (keep labels short enough for a 360 px phone).
    """
    def field(channel) -> str:
        return str(getattr(channel, "shorthand", channel)).split(":")[0]

    picked = base.transform_filter(where)
    label_x = x if at is None else alt.datum(_datetime(at), type="temporal")
    line = picked.mark_rule(color=MUTED, strokeWidth=1, x2Offset=dx, y2Offset=dy, aria=False).encode(
        x=x, x2=alt.X2(field(x)) if at is None else label_x, y=y, y2=alt.Y2(field(y)))
    align = "left" if dx >= 0 else "right"
    label = picked.mark_text(**{"align": align, "baseline": "bottom" if dy < 0 else "top", "lineBreak": "\n",
                                "dx": dx + (2 if dx >= 0 else -2), "dy": dy, "color": TEXT, "fontSize": 12,
                                "fontWeight": 600, **mark}).encode(
        x=label_x, y=y, text=text)
    return alt.layer(_annotation(line, "leader"), _annotation(label, "label"))


def shaded_period(base: alt.Chart, start, end, label: str, *, name_at: str = "start",
                  name_on: str = "top") -> alt.LayerChart:
    """A shaded band from ``start`` to ``end`` along the temporal ``x`` field, named at its top.

    ``name_at="end"`` sets the name inside the band's end (for a band near the chart's right edge);
    ``name_on="bottom"`` sets it at the band's foot (where the chart's top row is crowded).
    """
    # the chart's table without its encodings, collapsed to one row: one band, not one per row
    one = alt.Chart(base.data).transform_aggregate(rows="count()")
    start, end = _datetime(start), _datetime(end)
    band = one.mark_rect(color=MUTED, opacity=0.12, aria=False).encode(x=alt.datum(start, type="temporal"),
                                                            x2=alt.datum(end))
    at_end, on_top = name_at == "end", name_on == "top"
    name = one.mark_text(align="right" if at_end else "left", baseline="top" if on_top else "bottom",
                         dx=-3 if at_end else 3, dy=2 if on_top else -2, color=MUTED, fontSize=11).encode(
        x=alt.datum(end if at_end else start, type="temporal"), y=alt.value(0 if on_top else "height"),
        text=alt.value(label))
    return alt.layer(_annotation(band, "period"), _annotation(name, "name"))


def _datetime(value) -> alt.DateTime:
    import pandas as pd

    stamp = pd.Timestamp(value)
    return alt.DateTime(year=stamp.year, month=stamp.month, date=stamp.day)
