"""Charts in pages: a docutils node for our chart bundle, and the HTML it becomes.

The notebook's renderer (``datastory.charts``) outputs a JSON bundle under our MIME type;
myst-nb hands it to :class:`ChartMimePlugin`, which returns a :class:`chart` node. At HTML write
time the node becomes a ``<figure>`` with a stable id, the compiled Vega spec as JSON data (no
inline code), a static SVG for readers without JavaScript, the chart's sources and a link to
exactly the rows it draws. The CSV and SVG are written next to the page as it is written.
"""

from __future__ import annotations

import html
import json
from pathlib import Path, PurePosixPath

from docutils import nodes

from ..charts import MIME_TYPE

CHART_DIR = "_charts"


class chart(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """A published chart; attributes hold the renderer's bundle and, after reading, its id."""


class ChartMimePlugin:
    """myst-nb mime renderer (entry point ``myst_nb.mime_renderers``) for our chart bundle."""

    mime_priority_overrides = [("*", MIME_TYPE, 1)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if inline or data.mime_type != MIME_TYPE:
            return None
        payload = data.content if isinstance(data.content, dict) else json.loads(data.content)
        return [chart(bundle=payload)]


def assign_chart_ids(app, doctree) -> None:
    """Stable ids: the page's file name and the chart's position on it (``01-funds-2``)."""
    page = PurePosixPath(app.env.docname).name
    for number, node in enumerate(doctree.findall(chart), start=1):
        node["chart_id"] = f"{page}-{number}"
    if any(True for _ in doctree.findall(chart)):
        app.env.note_dependency(str(app.config.datastory_data_path / "sources.csv"))


def _json_for_html(value) -> str:
    """JSON that cannot close its <script> element, whatever text the data holds."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _live_spec(vega: dict) -> dict:
    """The compiled spec, minus what the page supplies itself (the container decides width)."""
    spec = dict(vega)
    spec.pop("$schema", None)
    return spec


def visit_chart_html(self, node: chart) -> None:
    from ..data import load

    bundle, chart_id = node["bundle"], node["chart_id"]
    out_dir = Path(self.builder.outdir) / CHART_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{chart_id}.csv").write_text(bundle["csv"], encoding="utf-8")
    (out_dir / f"{chart_id}.svg").write_text(bundle["svg"], encoding="utf-8")

    root = "../" * self.builder.current_docname.count("/")
    sources = load("sources", self.builder.config.datastory_data_path).set_index("source_id")
    source_links = ", ".join(
        f'<a href="{html.escape(sources.loc[sid, "url"])}">{html.escape(sources.loc[sid, "publisher"])}</a>'
        for sid in bundle["sources"]
    )
    esc = html.escape
    title, description = esc(bundle["title"]), esc(bundle["description"])
    self.body.append(
        f'<figure class="ds-chart" id="chart-{chart_id}" aria-label="{title}" '
        f'aria-describedby="chart-{chart_id}-desc">'
        f'<div class="ds-chart__view" role="img" aria-label="{title}. {description}"></div>'
        f'<script type="application/json" class="ds-chart__spec">{_json_for_html(_live_spec(bundle["vega"]))}</script>'
        f'<noscript><img class="ds-chart__fallback" src="{root}{CHART_DIR}/{chart_id}.svg" '
        f'alt="{description}"></noscript>'
        f'<figcaption><details class="ds-chart__details"><summary>Describe this chart</summary>'
        f'<p class="ds-chart__desc" id="chart-{chart_id}-desc">{description}</p></details>'
        f'<p class="ds-chart__meta">Source: {source_links} · '
        f'<a class="ds-chart__data" href="{root}{CHART_DIR}/{chart_id}.csv" download="{chart_id}.csv">'
        f'Data (CSV)</a> · <a href="{root}{CHART_DIR}/{chart_id}.svg">Image (SVG)</a></p></figcaption>'
    )
    raise nodes.SkipChildren


def depart_chart_html(self, node: chart) -> None:
    self.body.append("</figure>")


def skip_chart(self, node: chart) -> None:
    """Non-HTML builders get nothing for a chart (the book is published as HTML only)."""
    raise nodes.SkipNode
