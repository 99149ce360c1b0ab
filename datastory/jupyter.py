"""Live charts and readable figures in Jupyter, offline: JupyterLab, Binder, VS Code and Colab.

The site draws a chart from our JSON bundle with its own scripts; a notebook frontend shows
only what a cell's output carries. So, in a notebook, :func:`chart_outputs` adds an HTML output
to the bundle: the static SVG (shown until the chart is live, and if it cannot be), the compiled
Vega spec, and a few lines that draw it with the site's chart script — never from a CDN. Where
that script comes from depends on the frontend (see :func:`runtime`):

* ``server``: JupyterLab or Notebook with :mod:`datastory.lab` loaded (``make lab``, Binder)
  serves the package's own vega from a route of the Jupyter server. Each output stays small
  (spec + SVG, tens of kB) and the page loads vega once.
* ``inline``: Colab (each output is its own sandboxed frame, and no server extension can be
  installed), VS Code, or any kernel where ``DATASTORY_JUPYTER=inline`` (the project's
  registered kernel sets it): each chart output carries vega itself, about 0.5 MB — the price
  of working with no server help. The scripts are inline, so a frontend that forbids inline
  script shows the SVG.
* none: the site's build and plain ``nbconvert`` runs get the bundle and SVG only, as before.

:func:`enable` (called by ``charts.enable()``) also shows the chapter's ``{claim}`` figures in
JupyterLab: the Markdown renders them as raw role text, and a small script swaps each for the
figure, linked to its source with the quote on hover. :func:`show_phrase` does the same for the
phrases a chapter computes for its prose (``{glue:text}``).
"""

from __future__ import annotations

import base64
import html
import json
import os
import sys
import uuid
from pathlib import Path

from .citations import source_links_html, source_rows

#: Set by the Jupyter server extension (:mod:`datastory.lab`) for the kernels it starts: the URL
#: path of its route to ``datastory/static``.
STATIC_ROUTE_ENV = "DATASTORY_JUPYTER_STATIC"
#: ``inline`` to carry the chart runtime in every output, ``static`` for SVG only.
MODE_ENV = "DATASTORY_JUPYTER"
STATIC_DIR = Path(__file__).resolve().parent / "static"
#: The chart runtime, in load order: the site's vega, its CSP-safe interpreter, the site's chart script.
RUNTIME = ("vendor/vega-6.2.0-slim/vega.min.js", "vendor/vega-interpreter-2.3.2/vega-interpreter.js",
           "datastory-charts.js")
STYLESHEET = "datastory.css"
JUPYTER_JS = "datastory-jupyter.js"


def runtime() -> str | None:
    """How charts come alive in this kernel: ``"server"``, ``"inline"`` or None (SVG only)."""
    chosen = os.environ.get(MODE_ENV, "")
    if chosen == "static":
        return None
    if os.environ.get(STATIC_ROUTE_ENV):
        return "server"
    if chosen == "inline" or in_colab() or "VSCODE_PID" in os.environ or "VSCODE_CWD" in os.environ:
        return "inline"
    return None


def in_colab() -> bool:
    return "google.colab" in sys.modules


def _static(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    """A <script> element holding ``code`` (data in it goes through :func:`_json_for_html`)."""
    if "</script" in code.lower() or "<!--" in code:
        raise ValueError("script text would end its <script> element early")
    return f"<script>{code}</script>"


def _json_for_html(value) -> str:
    """JSON inside <script type="application/json">: nothing in the data can close the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _runtime_assets(mode: str) -> tuple[str, list[str]]:
    """(markup that brings the chart runtime and styles, script URLs still to load)."""
    if mode == "server":
        route = os.environ[STATIC_ROUTE_ENV].rstrip("/") + "/"
        return f'<link rel="stylesheet" href="{html.escape(route + STYLESHEET)}">', [route + r for r in RUNTIME]
    # AMD loaders (RequireJS in classic frontends) would capture vega's UMD bundle: hide them.
    bundle = "\n".join(_static(name) for name in RUNTIME)
    code = f"if (!window.datastoryCharts) {{ (function (define, exports, module) {{\n{bundle}\n}}).call(window); }}"
    return f"<style>{_static(STYLESHEET)}</style>" + _inline_script(code), []


def _source_links(source_ids: list[str]) -> str:
    try:
        found = source_rows(source_ids)
    except (FileNotFoundError, KeyError):  # a notebook away from its data package
        return ""
    return f'<p class="ds-chart__meta">Source: {source_links_html(found, new_tab=True)}</p>' if found else ""


def chart_html(bundle: dict, mode: str) -> str:
    """The chart as a live figure in a notebook output (see the module docstring for ``mode``)."""
    figure_id = f"ds-chart-{uuid.uuid4().hex[:12]}"
    title, description = html.escape(bundle["title"]), html.escape(bundle["description"])
    spec = {key: value for key, value in bundle["vega"].items() if key != "$schema"}
    svg = base64.b64encode(bundle["svg"].encode("utf-8")).decode("ascii")
    assets, to_load = _runtime_assets(mode)
    return (
        f'<figure class="ds-chart" id="{figure_id}" aria-label="{title}">'
        f'<div class="ds-chart__view" role="img" aria-label="{title}. {description}">'
        f'<img class="ds-chart__fallback" alt="{description}" src="data:image/svg+xml;base64,{svg}"></div>'
        f'<script type="application/json" class="ds-chart__spec">{_json_for_html(spec)}</script>'
        f"<figcaption>{_source_links(bundle['sources'])}</figcaption></figure>"
        + assets
        + _inline_script(f"{_static(JUPYTER_JS)}\nwindow.datastoryJupyter.chart({json.dumps(figure_id)}, "
                         f"{json.dumps(to_load)});")
    )


def chart_outputs(bundle: dict) -> dict[str, str]:
    """Extra outputs for ``charts.render``: a live ``text/html`` figure where a frontend can draw one."""
    mode = runtime()
    return {"text/html": chart_html(bundle, mode)} if mode else {}


def claims_html() -> str:
    """An output that makes JupyterLab's rendered Markdown show each ``{claim}`` as its figure."""
    from .claims import meaning, readings

    ledger = {claim_id: {"text": r.text, "status": r.status, "url": r.source_url, "hover": r.hover,
                         "marker": r.marker, "meaning": meaning(r.qualifier) if r.marker else ""}
              for claim_id, r in readings().items()}
    return _inline_script(f"{_static(JUPYTER_JS)}\nwindow.datastoryJupyter.claims({_json_for_html(ledger)});")


def _in_lab() -> bool:
    """A notebook frontend whose outputs can reach the Markdown cells (not Colab, not a plain run)."""
    return runtime() is not None and not in_colab()


def show_phrase(key: str, phrase: str) -> None:
    """In JupyterLab, show ``{glue:text}`key``` in the rendered Markdown as ``phrase``."""
    if not _in_lab():
        return
    from IPython.display import HTML, display

    code = f"{_static(JUPYTER_JS)}\nwindow.datastoryJupyter.phrases({_json_for_html({key: phrase})});"
    display(HTML(_inline_script(code)), metadata={"datastory": "phrase"})


def enable() -> None:
    """Called by ``charts.enable()``: in JupyterLab, show the chapter's claims as figures.

    Not in Colab, whose outputs cannot reach the Markdown cells (its downloaded notebooks have
    the figures written into the text instead), and not outside a notebook frontend.
    """
    if not _in_lab():
        return
    from IPython.display import HTML, display

    display(HTML(claims_html()), metadata={"datastory": "claims"})
