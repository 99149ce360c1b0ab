"""The site's own HTML theme: a newsroom article, not a manual.

Registered as the Sphinx theme ``datastory`` (entry point ``sphinx.html_themes``) and chosen in
``_config.yml`` (``sphinx.config.html_theme``). Built on Sphinx's ``basic`` theme: its search
index and scripts, our templates and one stylesheet, system fonts, no Bootstrap and no icon
font. Sphinx loads this module when the theme is chosen; :func:`setup` adds what the theme
needs from the build:

* the asset policy: a page loads our stylesheet, the tiny mode script, our page script, the
  chart runtime when it has charts, and Sphinx's search scripts on the search page only —
  never an inline ``<script>``, ``<style>`` or ``style=``, so a CSP of ``'self'`` holds;
* the reader's navigation (chapters by part, previous and next) as template context;
* the newsroom furniture and the chapter's end matter (:mod:`.furniture`).
"""

from __future__ import annotations

from pathlib import Path

from sphinx import addnodes

from . import furniture

THEME_DIR = Path(__file__).resolve().parent / "datastory"
#: Scripts Sphinx's search page needs besides the ones ``search.html`` names itself.
SEARCH_SCRIPTS = ("documentation_options.js", "doctools.js", "sphinx_highlight.js")


def _ours(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.startswith("datastory") or "vendor/vega" in name


def keep_assets(app, pagename, templatename, context, doctree) -> None:
    """Every page loads only our files; the search page adds Sphinx's search scripts."""
    def name(asset) -> str:
        return str(getattr(asset, "filename", asset) or "").split("?", 1)[0]

    if "css_files" in context:
        context["css_files"][:] = [c for c in context["css_files"] if _ours(name(c))]
    if "script_files" in context:
        search = pagename == "search"
        context["script_files"][:] = [
            s for s in context["script_files"]
            if name(s) and (_ours(name(s)) or (search and name(s).rsplit("/", 1)[-1] in SEARCH_SCRIPTS))]


def _parts(app) -> list[tuple[str, list[str]]]:
    """(caption, docnames) of each toctree of the root page, in reading order."""
    if getattr(app, "_datastory_parts", None) is None:
        root = app.env.get_doctree(app.config.root_doc)
        app._datastory_parts = [(toc.get("caption") or "", [doc for _, doc in toc["entries"] if doc])
                                for toc in root.findall(addnodes.toctree)]
    return app._datastory_parts


def navigation(app, pagename, templatename, context, doctree) -> None:
    """The top bar's chapters by part, and previous/next as cards with their part and number."""
    def uri(doc: str) -> str:
        return app.builder.get_relative_uri(pagename, doc)

    parts, numbers = [], {}
    for caption, docs in _parts(app):
        pages = []
        for number, doc in enumerate(docs, start=1):
            title = app.env.titles[doc].astext() if doc in app.env.titles else doc
            pages.append({"title": title, "href": uri(doc), "current": doc == pagename, "number": number})
            numbers[doc] = (caption, number)
        parts.append({"caption": caption, "pages": pages})
    context["ds_parts"] = parts
    context["ds_home"] = uri(app.config.root_doc)
    context["ds_search"] = uri("search")
    context["ds_is_home"] = pagename == app.config.root_doc

    cards = []
    for label, rel in (("Previous", context.get("prev")), ("Next", context.get("next"))):
        if not rel:
            continue
        target = next((d for _, docs in _parts(app) for d in docs if uri(d) == rel["link"]), None)
        caption, number = numbers.get(target, ("", None))
        story = bool(parts) and caption == parts[0]["caption"]  # the story's chapters are numbered; other pages not
        cards.append({"label": label, "href": rel["link"], "title": rel["title"],
                      "kicker": f"Chapter {number}" if story and number else ""})
    context["ds_pager"] = cards


def setup(app):
    app.add_html_theme("datastory", str(THEME_DIR))
    app.add_js_file("datastory-mode.js", priority=100)  # sets data-theme before first paint
    app.add_js_file("datastory-theme.js", loading_method="defer")
    app.connect("html-page-context", navigation)
    app.connect("html-page-context", keep_assets, priority=900)  # after every other extension's additions
    furniture.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
