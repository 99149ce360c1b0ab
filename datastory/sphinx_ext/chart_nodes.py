"""Charts in pages: a docutils node for our chart bundle, the HTML it becomes, and its files.

The notebook's renderer (``datastory.charts``) outputs a JSON bundle under our MIME type;
myst-nb hands it to :class:`ChartMimePlugin`, which returns a :class:`chart` node. Each chart's
id is a slug of its explicit name or its title, so inserting a chart renames nothing; two charts
with one id fail the build. At HTML write time the node becomes a ``<figure>``: the static
picture at its final size (no script needed to see it), the controls, the compiled Vega spec as
JSON data (no inline code), the chart's sources and its downloads. The chart's files — static
SVGs, SVG and PNG with credit, CSV, metadata JSON and a standalone embed page — are written next
to the pages as each page is written (``datastory.chart_files`` draws them).
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from ..chart_files import (
    NARROW_BELOW,
    PADDING,
    PAGE_FROM,
    PAGE_WIDTH,
    WIDTHS,
    Credit,
    Renderer,
    metadata,
    svg_size,
    width_overrides,
)
from ..charts import MIME_TYPE, slug
from ..citations import by_publisher, source_links_html, source_rows

CHART_DIR = "_charts"
VEGA_JS = "vendor/vega-6.2.0-slim/vega.min.js"
INTERPRETER_JS = "vendor/vega-interpreter-2.3.2/vega-interpreter.js"
CHART_JS = "datastory-charts.js"
#: What a phone loads in place of a chart's wide picture, which it does not show.
BLANK = "datastory-blank.svg"
#: The one script a page with charts loads; it fetches vega when a chart is about to be seen.
CHART_SCRIPT_ATTRS = {"data-vega": VEGA_JS, "data-interpreter": INTERPRETER_JS}
#: Cell tags that widen a chart's figure (the theme styles the classes).
FIGURE_TAGS = {"figure-page": "ds-figure--page", "figure-screen": "ds-figure--screen"}
LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
                "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/"}
logger = logging.getLogger(__name__)
esc = html.escape


class chart(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """A published chart; attributes hold the renderer's bundle, its cell's tags and its id."""


class ChartMimePlugin:
    """myst-nb mime renderer (entry point ``myst_nb.mime_renderers``) for our chart bundle."""

    mime_priority_overrides = [("*", MIME_TYPE, 1)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if inline or data.mime_type != MIME_TYPE:
            return None
        payload = data.content if isinstance(data.content, dict) else json.loads(data.content)
        tags = list((data.cell_metadata or {}).get("tags", []))
        return [chart(bundle=payload, tags=tags)]


def chart_id(bundle: dict) -> str:
    return bundle.get("name") or slug(bundle["title"])


# ------------------------------------------------------------------------------- ids, one per site

def assign_chart_ids(app, doctree) -> None:
    """Stable ids from each chart's name; remembered per page so duplicates across pages are found."""
    ids = []
    for node in doctree.findall(chart):
        node["chart_id"] = chart_id(node["bundle"])
        ids.append(node["chart_id"])
    if not hasattr(app.env, "datastory_chart_ids"):
        app.env.datastory_chart_ids = {}
    app.env.datastory_chart_ids[app.env.docname] = ids
    if ids:
        app.env.note_dependency(str(app.config.datastory_data_path / "sources.csv"))


def purge_chart_ids(app, env, docname) -> None:
    getattr(env, "datastory_chart_ids", {}).pop(docname, None)


def merge_chart_ids(app, env, docnames, other) -> None:
    if not hasattr(env, "datastory_chart_ids"):
        env.datastory_chart_ids = {}
    env.datastory_chart_ids.update({d: other.datastory_chart_ids[d] for d in docnames
                                    if d in getattr(other, "datastory_chart_ids", {})})


def check_unique_chart_ids(app, env) -> None:
    """Two charts with one id would overwrite each other's files and share links: fail the build."""
    seen: dict[str, str] = {}
    for docname in sorted(getattr(env, "datastory_chart_ids", {})):
        for cid in env.datastory_chart_ids[docname]:
            if cid in seen:
                logger.warning(
                    f"two charts have the id {cid!r} (in {seen[cid]} and {docname}); chart ids name their "
                    "download and share URLs, so each must be unique: give one of them its own name with "
                    ".properties(name='...')", location=docname, type="datastory", subtype="chart-id")
            seen.setdefault(cid, docname)


# ------------------------------------------------------------------------------------- the markup

def _json_for_html(value) -> str:
    """JSON that cannot close its <script> element, whatever text the data holds."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _live_spec(vega: dict) -> dict:
    """The compiled spec, and what changes with each picture width (the script picks one).

    The spec's input bindings are dropped: the page draws those controls itself (``_controls``)
    so they are there, at their size, before the live chart is.
    """
    spec = dict(vega)
    spec.pop("$schema", None)
    spec["padding"] = PADDING  # as the static pictures: the swap moves nothing
    spec["signals"] = [{k: v for k, v in s.items() if k != "bind"} for s in spec.get("signals", [])]
    return {"spec": spec, "sized": {str(w): width_overrides(vega, w) for w in (*WIDTHS.values(), PAGE_WIDTH)}}


def _bound(vega: dict) -> list[dict]:
    return [s for s in vega.get("signals", []) if isinstance(s.get("bind"), dict) and "input" in s["bind"]]


def _controls(vega: dict, cid: str) -> str:
    """The chart's inputs (radio, range, select, checkbox) as plain HTML, wired up by the script."""
    parts = []
    for signal in _bound(vega):
        bind, name, value = signal["bind"], signal["name"], signal.get("value")
        label = esc(str(bind.get("name", name)).strip())
        field = f'{cid}-{name}'
        kind = bind["input"]
        if kind == "radio":
            labels = bind.get("labels") or bind.get("options", [])
            options = "".join(
                f'<label class="ds-control__option"><input type="radio" name="{esc(field)}" '
                f'value="{esc(str(option))}" data-signal="{esc(name)}"{" checked" if option == value else ""}>'
                f'{esc(str(text))}</label>' for option, text in zip(bind.get("options", []), labels, strict=False))
            parts.append(f'<fieldset class="ds-control"><legend class="ds-control__name">{label}</legend>'
                         f'{options}</fieldset>')
        elif kind == "select":
            labels = bind.get("labels") or bind.get("options", [])
            options = "".join(f'<option value="{esc(str(o))}"{" selected" if o == value else ""}>{esc(str(t))}</option>'
                              for o, t in zip(bind.get("options", []), labels, strict=False))
            parts.append(f'<label class="ds-control"><span class="ds-control__name">{label}</span>'
                         f'<select name="{esc(field)}" data-signal="{esc(name)}">{options}</select></label>')
        elif kind == "checkbox":
            parts.append(f'<label class="ds-control"><input type="checkbox" name="{esc(field)}" '
                         f'data-signal="{esc(name)}"{" checked" if value else ""}>'
                         f'<span class="ds-control__name">{label}</span></label>')
        elif kind == "range":
            attrs = "".join(f' {k}="{esc(str(bind[k]))}"' for k in ("min", "max", "step") if k in bind)
            parts.append(f'<label class="ds-control"><span class="ds-control__name">{label}</span>'
                         f'<input type="range" name="{esc(field)}" data-signal="{esc(name)}"{attrs} '
                         f'value="{esc(str(value))}"><output class="ds-control__value">{esc(str(value))}</output>'
                         '</label>')
    return f'<form class="ds-chart__controls">{"".join(parts)}</form>' if parts else ""


def _zoom_signal(vega: dict) -> tuple[str, str] | None:
    """(signal, scale) of a charts.zoom_x() selection: the signal holds the zoomed x domain."""
    for signal in vega.get("signals", []):
        for on in signal.get("on", []):
            found = re.search(r'zoomLinear\(domain\("([^"]+)"\)', str(on.get("update", "")))
            if found:
                return signal["name"], found.group(1)
    return None


def _legend_pickers(vega: dict, rows: list[dict]) -> list[dict]:
    """Legends bound to a highlight (charts.legend_highlight): signal, field and values in legend order."""
    signals = {s["name"]: s for s in vega.get("signals", [])}
    pickers = []
    for name, signal in signals.items():
        if not name.endswith("_legend") or not any(
                isinstance(e, dict) and str(e.get("markname", "")).endswith("_legend_symbols")
                for on in signal.get("on", []) for e in (on.get("events") or [])):
            continue
        param = next((p for p in signals if name.startswith(p + "_") and f"{p}_tuple_fields" in signals), None)
        if param is None:
            continue
        field = signals[f"{param}_tuple_fields"]["value"][0]["field"]
        pickers.append({"signal": name, "field": field, "values": _legend_values(vega, field, rows)})
    return pickers


def _legend_values(vega: dict, field: str, rows: list[dict]) -> list[str]:
    for scale in vega.get("scales", []):
        domain = scale.get("domain")
        if isinstance(domain, list) and scale.get("type") == "ordinal" and all(isinstance(v, str) for v in domain):
            present = {str(r.get(field)) for r in rows}
            if present <= set(domain):
                return domain
    return sorted({str(r[field]) for r in rows if r.get(field) not in (None, "")})


def _tools(vega: dict, rows: list[dict], cid: str) -> str:
    parts = []
    zoom = _zoom_signal(vega)
    if zoom:
        parts.append(
            f'<div class="ds-chart__zoom" role="group" aria-label="Zoom the time axis" data-signal="{esc(zoom[0])}" '
            f'data-scale="{esc(zoom[1])}">'
            '<button type="button" data-zoom="in" aria-label="Zoom in">+</button>'
            '<button type="button" data-zoom="out" aria-label="Zoom out">\u2212</button>'
            '<button type="button" data-zoom="reset">Reset</button></div>')
    for picker in _legend_pickers(vega, rows):
        buttons = "".join(f'<button type="button" aria-pressed="false" data-value="{esc(v)}">{esc(v)}</button>'
                          for v in picker["values"])
        parts.append(f'<div class="ds-chart__keys" role="group" aria-label="Highlight one group" '
                     f'data-signal="{esc(picker["signal"])}"><span class="ds-chart__keys-name">Highlight</span>'
                     f'{buttons}</div>')
    return f'<div class="ds-chart__tools">{"".join(parts)}</div>' if parts else ""


#: The static picture each viewport shows; datastory.css hides the other one with the same queries.
NARROW_MEDIA = f"(max-width: {NARROW_BELOW - 1}px)"
PAGE_MEDIA, BELOW_PAGE_MEDIA = f"(min-width: {PAGE_FROM}px)", f"(max-width: {PAGE_FROM - 1}px)"
_SVG_OPEN = re.compile(r"^(?:<\?xml[^>]*>\s*)?<svg\b([^>]*)>")
_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)(?=[")])')  # an id, or a reference to one


def inline_svg(svg: str, cid: str) -> str:
    """The phone's static SVG as markup in the page: its ids made the chart's own (the live view's
    clip paths reuse Vega's ``clip1``...), hidden from assistive technology like the wide picture
    (the figure's view carries the chart's name and description)."""
    ids = set(_SVG_ID.findall(svg))
    svg = _SVG_REF.sub(lambda m: f"{m[1]}{cid}-{m[2]}" if m[2] in ids else m[0], svg).strip()
    head = _SVG_OPEN.match(svg)
    attrs = re.sub(r'\sclass="([^"]*)"', "", head.group(1))
    classes = " ".join(["ds-chart__narrow", *re.findall(r'\sclass="([^"]*)"', head.group(1))])
    return f'<svg class="{classes}" aria-hidden="true" focusable="false"{attrs}>' + svg[head.end():]


_DARK_RULE = re.compile(r'html\[data-theme="dark"\] \.ds-chart__narrow \[(fill|stroke)="(#\w+)"\] \{ \1: (#\w+); \}')


def dark_colours() -> dict[tuple[str, str], str]:
    """The dark mode's colours for the static pictures, read from the one place that states them:
    the phone picture's rules in ``datastory.css`` (the live chart's DARK in datastory-charts.js is held
    equal to them by a test)."""
    css = (Path(__file__).resolve().parent.parent / "static" / "datastory.css").read_text(encoding="utf-8")
    return {(attr, light): dark for attr, light, dark in _DARK_RULE.findall(css)}


def darkened_svg(svg: str) -> str:
    """The wide picture in the dark mode's colours: a second image, shown when the page is dark."""
    for (attr, light), dark in dark_colours().items():
        svg = svg.replace(f'{attr}="{light}"', f'{attr}="{dark}"')
    return svg


def _pictures(cid: str, root: str, pictures: dict[str, str], first: bool = True) -> str:
    """The phone's picture drawn in the page itself: no image document to lay out, which costs a
    phone far more than the same markup inline. The wider picture stays an image (inline and
    hidden, its markup would cost the phone again), which phones never fetch: where the narrow
    picture shows, the image's source is a blank file shared by every chart. A chart that needs
    the width has a third, page-wide picture for wide screens, where its 640 px one is blank."""
    blank_file = f"{root}_static/{BLANK}"
    lazy = "" if first else ' loading="lazy"'

    def picture(kind: str, hidden_where: list[str], extra: str = "") -> str:
        width, height = svg_size(pictures[kind])
        src = f"{root}{CHART_DIR}/{cid}.w{PAGE_WIDTH if kind == 'page' else WIDTHS['wide']}"
        blanks = "".join(f'<source media="{media}" srcset="{blank_file}">' for media in hidden_where)
        return (f'<picture class="ds-chart__wide{extra} ds-chart__wide--light">{blanks}'
                f'<img src="{src}.svg" width="{width:g}" height="{height:g}" alt="" decoding="async"'
                # a page's first chart is fetched at once; the rest as the reader nears them
                f'{lazy}></picture>'
                # the same picture in the dark mode's colours; lazy, so a light page never fetches it
                f'<picture class="ds-chart__wide{extra} ds-chart__wide--dark">{blanks}'
                f'<img src="{src}.dark.svg" width="{width:g}" height="{height:g}" alt="" decoding="async" '
                'loading="lazy"></picture>')

    if "page" in pictures:
        return (f'<div class="ds-chart__static ds-chart__static--page" data-narrow-media="{NARROW_MEDIA}" '
                f'data-page-media="{PAGE_MEDIA}">{inline_svg(pictures["narrow"], cid)}'
                + picture("wide", [NARROW_MEDIA, PAGE_MEDIA])
                + picture("page", [BELOW_PAGE_MEDIA], " ds-chart__wide--page")
                + "</div>")
    return (f'<div class="ds-chart__static" data-narrow-media="{NARROW_MEDIA}">{inline_svg(pictures["narrow"], cid)}'
            + picture("wide", [NARROW_MEDIA]) + "</div>")


def figure_html(bundle: dict, cid: str, root: str, source_links: str, pictures: dict, classes: str = "",
                pinned: tuple[str, str] | None = None, first: bool = True) -> str:
    """The figure, the same in a chapter page and in the chart's embed page. ``pinned``: (edition date,
    address of this chart's embed page in that edition's frozen copy), offered beside the live embed."""
    title, description = esc(bundle["title"]), esc(bundle["description"])
    pin = (f' data-edition="{esc(pinned[0])}" data-pinned="{esc(pinned[1])}"' if pinned else "")
    rows = _rows(bundle)
    files = f"{root}{CHART_DIR}/{cid}"
    return (
        f'<figure class="ds-chart{classes}" id="chart-{cid}" data-chart="{cid}" aria-label="{title}" '
        f'aria-describedby="chart-{cid}-desc">'
        f'<div class="ds-chart__view" role="img" aria-label="{title}. {description}">'
        f'{_pictures(cid, root, pictures, first)}</div>'
        f'<div class="ds-chart__table" id="chart-{cid}-table" hidden></div>'
        f'{_controls(bundle["vega"], cid)}{_tools(bundle["vega"], rows, cid)}'
        f'<script type="application/json" class="ds-chart__spec">{_json_for_html(_live_spec(bundle["vega"]))}</script>'
        f'<figcaption><details class="ds-chart__details"><summary>Describe this chart</summary>'
        f'<p class="ds-chart__desc" id="chart-{cid}-desc">{description}</p></details>'
        f'<p class="ds-chart__meta">Source: {source_links}</p>'
        f'<p class="ds-chart__actions">'
        f'<a class="ds-chart__tab" href="#chart-{cid}-table" data-action="table" aria-controls="chart-{cid}-table">'
        f'Table</a> · '
        f'<a class="ds-chart__data" href="{files}.csv" download="{cid}.csv">Data (CSV)</a> · '
        f'<a href="{files}.json" download="{cid}.json">Metadata (JSON)</a> · '
        f'<a class="ds-chart__png" href="{files}.png" download="{cid}.png">Image (PNG)</a> · '
        f'<a class="ds-chart__svg" href="{files}.svg" download="{cid}.svg">Image (SVG)</a> · '
        f'<a class="ds-chart__share" href="#chart-{cid}" data-action="share">Share</a> · '
        f'<a class="ds-chart__embed" href="{files}.html" data-action="embed"{pin}>Embed</a></p>'
        f'<p class="ds-chart__offer" hidden></p></figcaption></figure>'
    )


def _rows(bundle: dict) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(bundle["csv"])))


def _identity(app):
    from ..identity import identity

    return identity(Path(app.srcdir))


def visit_chart_html(self, node: chart) -> None:
    bundle, cid = node["bundle"], node["chart_id"]
    app = self.builder.app
    out_dir = Path(self.builder.outdir) / CHART_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    root = "../" * self.builder.current_docname.count("/")
    sources = source_rows(bundle["sources"], app.config.datastory_data_path)
    ident = _identity(app)
    page = self.builder.get_target_uri(self.builder.current_docname)
    page_url = f"{ident.site_url}{page}#chart-{cid}" if ident.site_url else ""  # no made-up address
    credit = Credit(sources=[name for name, _ in by_publisher(sources)], licence=ident.licence_data,
                    site=ident.title, page_url=page_url)
    renderer = Renderer(Path(app.doctreedir).parent / ".datastory-charts")
    pictures = {kind: renderer.static(bundle["vega"], width) for kind, width in WIDTHS.items()}
    if any(tag in node.get("tags", []) for tag in FIGURE_TAGS):  # a chart that needs the page's width
        pictures["page"] = renderer.static(bundle["vega"], PAGE_WIDTH)
    for kind, width in (("wide", WIDTHS["wide"]), ("page", PAGE_WIDTH)):
        if kind in pictures:
            (out_dir / f"{cid}.w{width}.svg").write_text(pictures[kind], encoding="utf-8")
            (out_dir / f"{cid}.w{width}.dark.svg").write_text(darkened_svg(pictures[kind]), encoding="utf-8")
    (out_dir / f"{cid}.svg").write_text(renderer.download_svg(bundle["vega"], credit), encoding="utf-8")
    (out_dir / f"{cid}.png").write_bytes(renderer.download_png(bundle["vega"], credit))
    (out_dir / f"{cid}.csv").write_text(bundle["csv"], encoding="utf-8")
    citation = (f"{ident.byline} ({ident.date_released[:4] or date.today().year}). {ident.title}: "
                f"\u201c{bundle['title']}\u201d." + (f" {page_url}" if page_url else ""))
    meta = metadata(bundle, chart_id=cid, sources=sources, licence=ident.licence_data, citation=citation,
                    page_url=page_url, files={k: f"{cid}.{k}" for k in ("csv", "svg", "png", "html")})
    (out_dir / f"{cid}.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    links = source_links_html(sources)
    classes = "".join(f" {cls}" for tag, cls in FIGURE_TAGS.items() if tag in node.get("tags", []))
    ids = getattr(app.env, "datastory_chart_ids", {}).get(self.builder.current_docname, [])
    first = not ids or ids[0] == cid
    self.body.append(figure_html(bundle, cid, root, links, pictures, classes, pinned=_pinned(app, cid, root),
                                 first=first))
    (out_dir / f"{cid}.html").write_text(
        embed_page(bundle, cid, links, pictures, ident, licence_url=LICENCE_URLS.get(ident.licence_data, ""),
                   page_href=f"../{page}#chart-{cid}", page_title=self.builder.env.titles[
                       self.builder.current_docname].astext()),
        encoding="utf-8")
    raise nodes.SkipNode


def _pinned(app, cid: str, root: str) -> tuple[str, str] | None:
    """The latest edition's frozen copy of this chart, if it has one (a frozen build pins to itself)."""
    import os

    from .. import editions as ed

    frozen = os.environ.get(ed.FROZEN_ENV)
    if frozen:
        return frozen, f"{root}{CHART_DIR}/{cid}.html"
    if not hasattr(app, "_datastory_archived"):
        listed = ed.read_editions(Path(app.srcdir))
        latest = listed[-1].date if listed else ""
        app._datastory_archived = (latest, ed.archived_charts(Path(app.srcdir), latest) if latest else set())
    latest, charts = app._datastory_archived
    if cid not in charts:
        return None
    return latest, f"{root}{ed.SITE_FOLDER}/{latest}/{CHART_DIR}/{cid}.html"


def embed_page(bundle: dict, cid: str, links: str, pictures: dict, ident, *, licence_url: str, page_href: str,
               page_title: str) -> str:
    """A standalone page with one chart, its credit and a link back: what an embed iframe shows."""
    licence = (f'<a href="{esc(licence_url)}" target="_blank" rel="license noopener">{esc(ident.licence_data)}</a>'
               if licence_url else esc(ident.licence_data))
    script = (f'<script defer src="../_static/{CHART_JS}"'
              + "".join(f' {k}="{esc(v)}"' for k, v in CHART_SCRIPT_ATTRS.items()) + "></script>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{esc(bundle["title"])} \u2014 {esc(ident.title)}</title>'
        f'<link rel="canonical" href="{esc(page_href)}">'
        '<link rel="stylesheet" href="../_static/datastory.css">'
        f'{script}</head><body class="ds-embed">'
        + figure_html(bundle, cid, "../", links, pictures)
        + f'<p class="ds-embed__credit">{esc(ident.title)} \u00b7 Licence: {licence} \u00b7 '
        f'<a href="{esc(page_href)}" target="_top">From \u201c{esc(page_title)}\u201d</a></p>'
        '</body></html>\n'
    )


def skip_chart(self, node: chart) -> None:
    """Non-HTML builders get nothing for a chart (the book is published as HTML only)."""
    raise nodes.SkipNode

