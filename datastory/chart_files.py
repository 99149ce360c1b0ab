"""The files each published chart gets: static SVGs, SVG and PNG downloads with credit, CSV, metadata.

The live chart is drawn in the reader's browser; everything here is drawn at build time from
the same compiled Vega spec, with vl-convert, so a reader sees the chart before any script runs
and can take it away with its credit. Renders are cached by content (``cache_dir``): a rebuild
that does not change a chart does not draw it again.

Static SVGs are laid out with the widest common sans-serif font (DejaVu Sans) and then tell the
browser to use the house font stack: every system font the stack resolves to on a phone or
desktop is narrower, so no label or title can spill out of the picture. The live chart uses the
same width and title wrapping (``sized``), so swapping it in moves nothing on the page.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .charts import FONT, MUTED, TEXT, wrap

#: Widths (CSS px) the static pictures are drawn at: phones, and every wider column.
#: datastory-charts.js draws the live chart at the width of the picture the browser chose.
WIDTHS = {"narrow": 360, "wide": 640}
#: The viewport width below which browsers pick the narrow picture (a ``<source media>``).
NARROW_BELOW = 600
#: A chart that needs the width (a timeline, a scatter; its cell is tagged ``figure-page``) has a
#: third picture, drawn this wide, shown from ``PAGE_FROM`` px (the theme's 75rem breakpoint).
PAGE_WIDTH = 960
PAGE_FROM = 1200
MEASURE_FONT = '"DejaVu Sans", "WenQuanYi Micro Hei", sans-serif'
CREDIT_SIZE = 11
CREDIT_LINE = 15


def title_chars(width: int) -> tuple[int, int]:
    """Characters per line of the title (16 px bold) and the subtitle (13 px) at ``width`` px.

    Counted for the widest font, so a line never runs past the chart's edge.
    """
    return max(16, int(width // 11)), max(20, int(width // 8))


#: Room on the right for a value label on the longest bar, however the reader's font measures it.
PADDING = {"left": 4, "top": 4, "right": 14, "bottom": 4}


def sized(vega: dict, width: int) -> dict:
    """The compiled spec at a fixed total width, its title wrapped to fit."""
    spec = copy.deepcopy(vega)
    spec.pop("$schema", None)
    spec["padding"] = PADDING
    spec["signals"] = [{"name": "width", "value": width} if s.get("name") == "width" else s
                       for s in spec.get("signals", [])]
    if not any(s.get("name") == "width" for s in spec["signals"]):
        spec["width"] = width
    for key, value in width_overrides(spec, width).items():
        spec[key] = value
    return spec


#: Width (px) of an average character of 11–12 px text (legend labels, credits) in the widest font.
CHAR_PX = 7.2


def _field_values(vega: dict, field: str) -> set[str]:
    return {value for data in vega.get("data", []) for row in data.get("values", [])
            if isinstance(row, dict) and isinstance(value := row.get(field), str)}


def _legend_texts(vega: dict, legend: dict) -> set[str]:
    """The texts a legend can show: its scales' listed domains, or the values of the fields a
    data-driven domain reads in the spec's inline data."""
    scales = {scale["name"]: scale for scale in vega.get("scales", [])}
    texts = set()
    for channel in ("fill", "stroke", "shape", "size", "opacity", "strokeDash", "strokeWidth"):
        domain = scales.get(legend.get(channel), {}).get("domain")
        if isinstance(domain, list):
            texts.update(str(value) for value in domain)
        elif isinstance(domain, dict):
            refs = [domain] if "field" in domain else domain.get("fields", [])
            for ref in refs:
                field = ref.get("field") if isinstance(ref, dict) else ref
                if isinstance(field, str):
                    texts.update(_field_values(vega, field))
    return texts


def _legends_wrapped(vega: dict, chars: int) -> list[dict]:
    """Legends whose long labels break onto lines of at most ``chars`` characters.

    A legend starts at the plot's left edge, so on a phone a long label would end in an ellipsis,
    and two labels that differ only at the end ("Planned spending on AI", "... on AI data centres")
    would read the same. The breaks are worked out here, for the labels the legend can show, and
    looked up by the label's text (a legend with its own label expression keeps it).
    """
    legends = copy.deepcopy(vega["legends"])
    for legend in legends:
        update = legend.setdefault("encode", {}).setdefault("labels", {}).setdefault("update", {})
        lines = {text: textwrap.wrap(text, chars, break_long_words=False)
                 for text in sorted(_legend_texts(vega, legend)) if len(text) > chars}
        if lines and "text" not in update:
            update["text"] = {"signal": f"{json.dumps(lines, ensure_ascii=False)}[datum.label] || datum.label"}
    return legends


def width_overrides(vega: dict, width: int) -> dict:
    """What changes with the width: the title and long legend labels wrapped to fit.

    The page ships these for each picture width, and the script applies them to the live spec.
    """
    config = vega.get("config", {})
    label_limit = min(220, int(width * 0.45))
    legend = {**config.get("legend", {}), "labelLimit": label_limit}
    if width < NARROW_BELOW:  # on a phone, several legends stack instead of standing side by side
        legend["layout"] = {side: {"direction": "vertical", "anchor": "start"} for side in ("top", "bottom")}
    out = {"config": {**config, "legend": legend}}
    if vega.get("legends"):
        out["legends"] = _legends_wrapped(vega, int(label_limit // CHAR_PX))
    title = vega.get("title")
    if isinstance(title, dict):
        chars, sub_chars = title_chars(width)
        out["title"] = {**title, "text": wrap(title.get("text"), chars)}
        if "subtitle" in title:
            out["title"]["subtitle"] = wrap(title["subtitle"], sub_chars)
    return out


def _measured_svg(spec: dict) -> str:
    import vl_convert as vlc

    text = json.dumps(spec).replace(json.dumps(FONT)[1:-1], json.dumps(MEASURE_FONT)[1:-1])
    return vlc.vega_to_svg(json.loads(text))


def _house_font(svg: str) -> str:
    return svg.replace(html.escape(MEASURE_FONT, quote=True), html.escape(FONT, quote=True))


_SIZE = re.compile(r'<svg([^>]*?) width="([\d.]+)" height="([\d.]+)" viewBox="0 0 ([\d.]+) ([\d.]+)"')


def svg_size(svg: str) -> tuple[float, float]:
    match = _SIZE.search(svg)
    return float(match.group(2)), float(match.group(3))


@dataclass(frozen=True)
class Credit:
    """What a chart that leaves the page carries: where its numbers come from and who may reuse it."""

    sources: list[str]  # publishers, in citation order
    licence: str
    site: str
    page_url: str

    def lines(self, width: float) -> list[tuple[str, str]]:
        """The credit's lines at ``width`` px, each with its colour: the source sentence in the
        text colour however many lines it wraps to, reuse terms and the address muted."""
        chars = max(30, int(width // CHAR_PX))

        def wrapped(text: str) -> list[str]:
            lines = wrap(text, chars) if text else []
            return [lines] if isinstance(lines, str) else lines

        source = wrapped("Source: " + "; ".join(self.sources) if self.sources else "")
        reuse = wrapped(" · ".join(part for part in (self.site, f"Licence: {self.licence}") if part))
        url = self.page_url
        while len(url) > chars:  # an address has no spaces: break it after a slash
            cut = url.rfind("/", 0, chars) + 1 or chars
            reuse.append(url[:cut])
            url = url[cut:]
        return [(line, TEXT) for line in source] + [(line, MUTED) for line in reuse + ([url] if url else [])]


def with_credit(svg: str, credit: Credit) -> str:
    """The chart on white with its source line, licence and address drawn in below it."""
    width, height = svg_size(svg)
    lines = credit.lines(width)
    extra = 10 + CREDIT_LINE * len(lines)
    total = height + extra
    texts = "".join(
        f'<text x="6" y="{height + 6 + CREDIT_LINE * (i + 1) - 4:g}" font-size="{CREDIT_SIZE}" '
        f'fill="{colour}">{html.escape(line)}</text>'
        for i, (line, colour) in enumerate(lines)
    )
    head = _SIZE.search(svg)
    opened = (f'<svg{head.group(1)} width="{width:g}" height="{total:g}" viewBox="0 0 {width:g} {total:g}"')
    body = svg[head.end():]
    close = body.index(">") + 1
    return (svg[:head.start()] + opened + body[:close]
            + f'<rect width="{width:g}" height="{total:g}" fill="#ffffff"/>'
            + body[close:].replace("</svg>", "")
            + f'<g class="ds-credit" font-family="{html.escape(MEASURE_FONT, quote=True)}">{texts}</g></svg>')


class Renderer:
    """Draws a chart's static pictures, cached by content in ``cache_dir``."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self._drawn: dict[str, str] = {}  # the page picture, download SVG and PNG share one drawing

    def _drawing(self, vega: dict, width: int) -> str:
        key = json.dumps([vega, width], sort_keys=True)
        if key not in self._drawn:
            self._drawn[key] = _measured_svg(sized(vega, width))
        return self._drawn[key]

    def _cached(self, key: dict, suffix: str, draw) -> bytes:
        # this module's code is part of the key: a change to how charts are drawn draws them again
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
        digest = hashlib.sha256(json.dumps({**key, "code": code}, sort_keys=True).encode("utf-8")).hexdigest()[:32]
        path = self.cache_dir / f"{digest}{suffix}"
        if path.is_file():
            return path.read_bytes()
        content = draw()
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{digest[:8]}.tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
        return content

    def static(self, vega: dict, width: int) -> str:
        """The picture in the page before the live chart (and without JavaScript)."""
        return self._cached({"kind": "static", "vega": vega, "width": width}, ".svg",
                            lambda: _house_font(self._drawing(vega, width)).encode("utf-8")).decode("utf-8")

    def download_svg(self, vega: dict, credit: Credit) -> str:
        width = WIDTHS["wide"]
        key = {"kind": "download", "vega": vega, "width": width, "credit": credit.__dict__}
        return self._cached(key, ".svg", lambda: _house_font(
            with_credit(self._drawing(vega, width), credit)).encode("utf-8")).decode("utf-8")

    def download_png(self, vega: dict, credit: Credit) -> bytes:
        """A 2x PNG for screens, drawn from the credited SVG in the font it was measured with."""
        import vl_convert as vlc

        width = WIDTHS["wide"]
        key = {"kind": "png", "vega": vega, "width": width, "credit": credit.__dict__}
        return self._cached(key, ".png", lambda: vlc.svg_to_png(
            with_credit(self._drawing(vega, width), credit), scale=2))


def metadata(bundle: dict, *, chart_id: str, sources: list[dict], licence: str, citation: str,
             page_url: str, files: dict[str, str]) -> dict:
    """The chart's metadata JSON: what it shows, in which units, from where, under which licence."""
    return {
        "id": chart_id,
        "title": bundle["title"],
        "subtitle": bundle.get("subtitle", ""),
        "description": bundle["description"],
        "columns": bundle.get("columns", []),
        "sources": sources,
        "licence": licence,
        "citation": citation,
        "page": page_url,
        "files": files,
    }
