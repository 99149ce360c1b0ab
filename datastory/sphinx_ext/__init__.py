"""Sphinx extension: offline charts, claim roles, build inputs and data pages.

Add ``datastory.sphinx_ext`` to ``sphinx.extra_extensions`` in ``_config.yml``. Like
sphinx-design, it declares its config once and ships its static files itself, for HTML
builders only. Pages with charts load the chart runtime (vega plus one small script, both
served from ``_static``); pages without charts load neither.
"""

from __future__ import annotations

import os
from pathlib import Path

from .cards import setup_cards
from .chart_nodes import assign_chart_ids, chart, depart_chart_html, skip_chart, visit_chart_html
from .claim_role import ClaimRole
from .data_pages import ClaimsLedger, DataDictionary, DataDownloads, Discrepancies, SourcesList
from .downloads import write_downloads
from .inputs import add_build_inputs, ignore_paired_notebooks
from .notebooks import colab_opens_the_notebook, note_read, start_reading, write_notebooks
from .placeholders import refuse_placeholders
from .second_checks import SecondChecks
from .sitemap import write_sitemap

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VEGA_JS = "vendor/vega-6.2.0/vega.min.js"
INTERPRETER_JS = "vendor/vega-interpreter-2.3.2/vega-interpreter.js"
CHART_JS = "datastory-charts.js"


def _resolve_data_path(app, config) -> None:
    config.datastory_data_path = (Path(app.srcdir) / config.datastory_data_dir).resolve()
    config.datastory_code_digest = _code_digest()


def _code_digest() -> str:
    """A digest of this extension's code and static files, kept as a config value.

    Sphinx rewrites pages only when their sources or the config change; making our own code
    part of the config means an edit to the extension or the chart runtime rebuilds every page
    (from cached execution) instead of leaving pages that point at old assets.
    """
    from ..build import files_digest

    package = Path(__file__).resolve().parent.parent
    return files_digest([STATIC_DIR, Path(__file__).parent, package / "claims.py", package / "checks.py"], package)[:16]


def _add_static(app) -> None:
    """Serve our static files, with our scripts minified (the readable source stays in the repo)."""
    if app.builder.format != "html":
        return
    import rjsmin

    served = Path(app.doctreedir).parent / ".datastory-static"
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_dir():
            continue
        target = served / path.relative_to(STATIC_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        content = path.read_bytes()
        if path.suffix == ".js" and not path.name.endswith(".min.js"):
            content = rjsmin.jsmin(content.decode("utf-8")).encode("utf-8")
        if not target.exists() or target.read_bytes() != content:
            target.write_bytes(content)
    app.config.html_static_path.append(str(served))
    app.add_css_file("datastory.css")


#: Jupyter Book loads sphinx-thebe with thebe off; its inline block declares a CDN address twice,
#: so every page logged "Identifier 'THEBE_JS_URL' has already been declared".
DROPPED_SCRIPTS = ("sphinx-thebe",)
#: The theme's template line that loads Font Awesome's 1.5 MB JavaScript kit (it swaps icons for
#: inline SVG). The theme's CSS already draws the same icons from Font Awesome's web fonts, so the
#: kit was half of every page's weight for nothing.
FONTAWESOME_KIT = "_static/scripts/fontawesome.js"


def _theme_macros_without_fontawesome_kit(app, config) -> None:
    """Shadow pydata-sphinx-theme's ``static/webpack-macros.html`` with a copy minus the kit."""
    import pydata_sphinx_theme

    original = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
                / "webpack-macros.html")
    lines = original.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if FONTAWESOME_KIT not in line)
    folder = Path(app.doctreedir).parent / ".datastory-templates"
    target = folder / "static" / "webpack-macros.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_text(encoding="utf-8") != kept:  # an mtime change rewrites every page
        target.write_text(kept, encoding="utf-8")
    # relative to the source folder, as Sphinx reads templates_path: an absolute path would enter
    # the config hash in .buildinfo, and two checkouts in different folders would differ
    config.templates_path = [*config.templates_path, os.path.relpath(folder, app.srcdir)]


def _opengraph(app, pagename, context, doctree) -> None:
    """OpenGraph tags so a shared link shows the page's title and first paragraph."""
    import html

    from docutils import nodes

    title = html.escape(context.get("title", ""), quote=True)
    first = next(iter(doctree.findall(nodes.paragraph)), None) if doctree is not None else None
    summary = html.escape(first.astext()[:200] if first is not None else "", quote=True)
    tags = [f'<meta property="og:title" content="{title}">', '<meta property="og:type" content="article">',
            f'<meta property="og:description" content="{summary}">',
            f'<meta property="og:site_name" content="{html.escape(app.config.html_title or "", quote=True)}">']
    base = app.config.html_baseurl
    if base:
        tags.append(f'<meta property="og:url" content="{base.rstrip("/")}/{pagename}.html">')
    context["metatags"] = context.get("metatags", "") + "\n".join(tags)


#: Theme and extension assets Jupyter Book loads on every page that our pages never use: no
#: sphinx-design components, no visible code to copy or toggle or highlight. Search scripts and
#: the search index are needed only on the search page itself.
UNUSED_ASSETS = ("sphinx-design", "design-tabs.js", "copybutton", "clipboard.min.js", "togglebutton",
                 "pygments.css")
SEARCH_ONLY_ASSETS = ("searchtools.js", "language_data.js", "searchindex.js")


def _used_only(files: list, pagename: str) -> list:
    """The page's CSS or JS files less the ones it never uses, thebe's inline block and repeats."""
    drop = DROPPED_SCRIPTS + UNUSED_ASSETS + (() if pagename == "search" else SEARCH_ONLY_ASSETS)
    kept, seen = [], set()
    for file in files:
        name = str(getattr(file, "filename", file) or "")
        body = getattr(file, "attributes", {}).get("body", "")
        if any(d in name for d in drop) or "THEBE_JS_URL" in body or (body and body in seen):
            continue
        seen.add(body)
        kept.append(file)
    return kept


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    _opengraph(app, pagename, context, doctree)
    if "css_files" in context:
        context["css_files"][:] = _used_only(context["css_files"], pagename)
    if "script_files" in context:
        # the same list objects Sphinx appends to, so edit them in place
        context["script_files"][:] = _used_only(context["script_files"], pagename)
    if doctree is not None and next(iter(doctree.findall(chart)), None) is not None:
        app.add_js_file(VEGA_JS, loading_method="defer")
        app.add_js_file(INTERPRETER_JS, loading_method="defer")
        app.add_js_file(CHART_JS, loading_method="defer")


def setup(app):
    app.add_config_value("datastory_data_dir", "data", "env", [str])
    app.add_config_value("datastory_sources_page", "book/data", "env", [str])
    app.add_config_value("datastory_data_path", None, "")  # derived from datastory_data_dir
    app.add_config_value("datastory_code_digest", "", "env")  # set at config-inited, see _code_digest
    app.connect("config-inited", _resolve_data_path)
    app.connect("config-inited", ignore_paired_notebooks)
    app.connect("config-inited", _theme_macros_without_fontawesome_kit)
    app.connect("builder-inited", _add_static)
    app.connect("source-read", refuse_placeholders)
    app.connect("source-read", add_build_inputs)
    app.connect("doctree-read", assign_chart_ids)
    setup_cards(app)
    app.connect("html-page-context", _page_assets)
    app.add_node(
        chart,
        html=(visit_chart_html, depart_chart_html),
        latex=(skip_chart, None),
        text=(skip_chart, None),
        man=(skip_chart, None),
        texinfo=(skip_chart, None),
    )
    app.add_role("claim", ClaimRole())
    app.add_directive("datastory-sources", SourcesList)
    app.add_directive("datastory-dictionary", DataDictionary)
    app.add_directive("datastory-claims", ClaimsLedger)
    app.add_directive("datastory-discrepancies", Discrepancies)
    app.add_directive("datastory-downloads", DataDownloads)
    app.add_directive("datastory-checks", SecondChecks)
    app.connect("build-finished", write_downloads)
    app.connect("build-finished", write_sitemap)
    app.connect("build-finished", write_notebooks)
    app.connect("env-before-read-docs", start_reading)
    app.connect("source-read", note_read)
    app.connect("html-page-context", colab_opens_the_notebook, priority=600)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
