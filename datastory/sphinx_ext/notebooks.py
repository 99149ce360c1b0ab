"""Executed ``.ipynb`` copies of the chapters, for the download button and Colab.

Chapters are MyST Markdown, which Colab cannot open. After the build we read each chapter as
myst-nb does (with its build-inputs cell, so the cache key matches), take its outputs from the
jupyter-cache, and write ``_sources/<chapter>.ipynb`` over the output-less copy the theme puts
there. The theme's ".ipynb" download button points at it, and the Colab button is pointed at
the same file on the published branch.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..execute import MARKER, keyed_text
from .inputs import chapter_of

PUBLISHED_BRANCH = "gh-pages"


def _notebook_docs(app) -> list[str]:
    from myst_nb.core.read import is_myst_markdown_notebook

    docs = []
    for docname in sorted(app.env.found_docs):
        path = Path(app.env.doc2path(docname))
        if path.suffix == ".md" and is_myst_markdown_notebook(path.read_text(encoding="utf-8")):
            docs.append(docname)
    return docs


def _executed(app, docname: str) -> nbformat.NotebookNode | None:
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    text = keyed_text(chapter_of(app, docname))
    notebook = read_myst_markdown_notebook(text, MdParserConfig())
    cache = get_cache(app.config.nb_execution_cache_path)
    try:
        _, merged = cache.merge_match_into_notebook(notebook)
    except KeyError:
        return None
    merged.cells = [c for c in merged.cells if MARKER not in c.source]
    merged.metadata.pop("source_map", None)
    for number, cell in enumerate(merged.cells, start=1):
        cell["id"] = f"cell-{number}"  # nbformat would invent random ids, and builds would differ
    return merged


def start_reading(app, env, docnames) -> None:
    """``env-before-read-docs``: this build's list of read documents starts empty."""
    env.datastory_read = set()


def note_read(app, docname: str, source: list[str]) -> None:
    """``source-read``: remember which documents this build read (and so may have re-executed)."""
    app.env.datastory_read.add(docname)


def write_notebooks(app, exception) -> None:
    """Export the chapters read in this build, and any whose export is missing; keep the rest."""
    if exception is not None or app.builder.format != "html":
        return
    read = getattr(app.env, "datastory_read", set())
    for docname in _notebook_docs(app):
        target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        # Unread and already exported with outputs: keep it. (The theme copies an output-less
        # notebook over it whenever it rewrites the page; then there is no '"outputs": [' + newline.)
        if docname not in read and target.is_file() and '"outputs": [\n' in target.read_text(encoding="utf-8"):
            continue
        notebook = _executed(app, docname)
        if notebook is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.upgrade(notebook) if notebook.nbformat < 4 else notebook, str(target))


def colab_opens_the_notebook(app, pagename, templatename, context, doctree) -> None:
    """After the theme's buttons: Colab opens the executed .ipynb on the published branch."""
    if pagename not in _notebook_docs(app):
        return
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []):
            if button.get("text") == "Colab" and "/blob/" in button.get("url", ""):
                head, _ = button["url"].split("/blob/", 1)
                button["url"] = f"{head}/blob/{PUBLISHED_BRANCH}/_sources/{pagename}.ipynb"
