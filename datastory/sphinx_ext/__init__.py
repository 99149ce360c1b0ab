"""Sphinx extension: offline charts, claim roles, build inputs and data pages.

Listed in ``sphinx.config.extensions`` in ``_config.yml``. Like
sphinx-design, it declares its config once and ships its static files itself, for HTML
builders only. Pages with charts load the chart runtime (vega plus one small script, both
served from ``_static``); pages without charts load neither.
"""

from __future__ import annotations

from pathlib import Path

from .cards import setup_cards
from .chart_nodes import (
    CHART_DIR,
    CHART_JS,
    CHART_SCRIPT_ATTRS,
    assign_chart_ids,
    chart,
    check_unique_chart_ids,
    merge_chart_ids,
    purge_chart_ids,
    skip_chart,
    visit_chart_html,
)
from .claim_role import ClaimRole
from .data_pages import (
    Citation,
    ClaimsLedger,
    CorrectionsLog,
    DataDictionary,
    DataDownloads,
    Discrepancies,
    SourcesList,
)
from .downloads import write_downloads
from .editions import setup_editions
from .inputs import add_build_inputs, ignore_paired_notebooks
from .notebooks import note_read, start_reading, write_notebooks
from .placeholders import refuse_placeholders
from .second_checks import SecondChecks
from .sitemap import write_sitemap

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def _resolve_data_path(app, config) -> None:
    from ..history import head_commit

    config.datastory_data_path = (Path(app.srcdir) / config.datastory_data_dir).resolve()
    config.datastory_code_digest = _code_digest()
    config.datastory_history_head = head_commit(Path(app.srcdir))


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
    sources = [path for path in sorted(STATIC_DIR.rglob("*")) if path.is_file()]
    wanted = {served / path.relative_to(STATIC_DIR) for path in sources}
    for stale in [p for p in served.rglob("*") if p.is_file() and p not in wanted]:  # e.g. a replaced library
        stale.unlink()
    for folder in sorted((p for p in served.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    for path in sources:
        target = served / path.relative_to(STATIC_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        content = path.read_bytes()
        if path.suffix == ".js" and not path.name.endswith(".min.js"):
            content = rjsmin.jsmin(content.decode("utf-8")).encode("utf-8")
        if not target.exists() or target.read_bytes() != content:
            target.write_bytes(content)
    app.config.html_static_path.append(str(served))
    app.add_css_file("datastory.css")


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
        lead = next(iter(doctree.findall(chart)), None) if doctree is not None else None
        if lead is not None:  # the chapter's lead chart, drawn at build time with its credit
            alt = html.escape(lead["bundle"]["title"], quote=True)
            tags += [f'<meta property="og:image" content="{base.rstrip("/")}/{CHART_DIR}/{lead["chart_id"]}.png">',
                     '<meta property="og:image:type" content="image/png">',
                     f'<meta property="og:image:alt" content="{alt}">',
                     '<meta name="twitter:card" content="summary_large_image">']
    context["metatags"] = context.get("metatags", "") + "\n".join(tags)


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    """OpenGraph tags, and the chart runtime on pages with charts (the theme keeps only what pages use)."""
    _opengraph(app, pagename, context, doctree)
    if doctree is not None and next(iter(doctree.findall(chart)), None) is not None:
        app.add_js_file(CHART_JS, loading_method="defer", **CHART_SCRIPT_ATTRS)


def setup(app):
    app.add_config_value("datastory_data_dir", "data", "env", [str])
    app.add_config_value("datastory_sources_page", "book/data", "env", [str])
    app.add_config_value("datastory_data_path", None, "")  # derived from datastory_data_dir
    app.add_config_value("datastory_code_digest", "", "env")  # set at config-inited, see _code_digest
    # the commit checked out: a new commit rewrites every page (dates and citations follow the history)
    app.add_config_value("datastory_history_head", "", "html")
    app.connect("config-inited", _resolve_data_path)
    app.connect("config-inited", ignore_paired_notebooks)
    app.connect("builder-inited", _add_static)
    app.connect("source-read", refuse_placeholders)
    app.connect("source-read", add_build_inputs)
    app.connect("doctree-read", assign_chart_ids)
    app.connect("env-purge-doc", purge_chart_ids)
    app.connect("env-merge-info", merge_chart_ids)
    app.connect("env-check-consistency", check_unique_chart_ids)
    setup_cards(app)
    setup_editions(app)
    app.connect("html-page-context", _page_assets)
    app.add_node(
        chart,
        html=(visit_chart_html, None),
        latex=(skip_chart, None),
        text=(skip_chart, None),
        man=(skip_chart, None),
        texinfo=(skip_chart, None),
    )
    app.add_role("claim", ClaimRole())
    app.add_directive("datastory-sources", SourcesList)
    app.add_directive("datastory-dictionary", DataDictionary)
    app.add_directive("datastory-citation", Citation)
    app.add_directive("datastory-claims", ClaimsLedger)
    app.add_directive("datastory-discrepancies", Discrepancies)
    app.add_directive("datastory-downloads", DataDownloads)
    app.add_directive("datastory-checks", SecondChecks)
    app.add_directive("datastory-corrections", CorrectionsLog)
    app.connect("build-finished", write_downloads)
    app.connect("build-finished", write_sitemap)
    app.connect("build-finished", write_notebooks)
    app.connect("env-before-read-docs", start_reading)
    app.connect("source-read", note_read)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
