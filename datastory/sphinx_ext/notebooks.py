"""Executed ``.ipynb`` copies of the chapters, for the download button and Colab, that run on their own.

Chapters are MyST Markdown, which Colab cannot open. After the build we read each chapter as
myst-nb does (with its build-inputs cell, so the cache key matches), take its outputs from the
jupyter-cache, and write ``_sources/<chapter>.ipynb``. The theme's "Re-run this chapter" block
links to it, and opens the same file on the published branch in Colab.

Outside the site a notebook has neither our Sphinx role nor the repository, so the copy is made
to stand alone (:func:`standalone`): each ``{claim}`` becomes its figure as a Markdown link to
its source, with the quote as the link's title, and a first cell installs the package (the
wheel :mod:`.wheel` publishes) and fetches the data package from the site, cached locally.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path
from string import Template

import nbformat

from ..claims import readings, unknown
from ..data import open_package
from ..execute import MARKER, keyed_text
from ..export import names
from ..identity import identity
from .downloads import DOWNLOAD_DIR
from .inputs import chapter_of
from .wheel import distribution, publish_wheel

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


CLAIM = re.compile(r"\{claim\}`([^`]+)`")
SETUP_TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "setup_cell.py.tmpl"


def _markdown_link(reading) -> str:
    """A claim as Markdown: ``[$8.5 billion](source "quote")``; dollar signs escaped (not maths)."""
    title = reading.hover.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    text = reading.text.replace("$", "\\$")
    link = f'[{text}](<{reading.source_url}> "{title}")'
    return f"{link}\u00a0({reading.marker})" if reading.marker else link


def resolve_claims(markdown: str, folder: Path) -> str:
    """Every ``{claim}`id``` in ``markdown`` as its figure, linked to its source."""
    ledger = readings(folder)

    def figure(match: re.Match) -> str:
        claim_id = match.group(1).strip()
        if claim_id not in ledger:
            raise ValueError(unknown(claim_id))
        return _markdown_link(ledger[claim_id])

    return CLAIM.sub(figure, markdown)


def setup_cell(app, wheel: str) -> nbformat.NotebookNode:
    """The first cell of a downloaded notebook: install the package, fetch the data (see the template)."""
    root = Path(app.srcdir)
    name, version = distribution(root)
    zip_name, _ = names(open_package(app.config.datastory_data_path))
    zip_path = Path(app.outdir) / DOWNLOAD_DIR / zip_name
    source = Template(SETUP_TEMPLATE.read_text(encoding="utf-8")).substitute(
        site_url=identity(root).site_url, distribution=name, version=version, wheel=wheel,
        data_zip=f"{DOWNLOAD_DIR}/{zip_name}", data_sha256=hashlib.sha256(zip_path.read_bytes()).hexdigest())
    cell = nbformat.v4.new_code_cell(source.rstrip("\n"), id="setup")
    cell.metadata["tags"] = ["setup"]
    return cell


GLUE = re.compile(r"\{glue(?::text)?\}`([^`]+)`")
GLUE_TEXT = "application/papermill.record/text/plain"


def glued(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Values the chapter glued (myst-nb ``glue``) for its prose, by name, as text."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE_TEXT in output.get("data", {}):
                text = output["data"][GLUE_TEXT]
                try:
                    value = ast.literal_eval(text)
                except (ValueError, SyntaxError):
                    value = text
                values[name] = str(value)
    return values


def standalone(notebook: nbformat.NotebookNode, setup: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """The notebook as it must read and run outside the site: claims and glued values written out,
    setup cell first."""
    values = glued(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = GLUE.sub(lambda m: values.get(m.group(1).strip(), m.group(0)).replace("$", "\\$"),
                                   resolve_claims(cell.source, folder))
    notebook.cells.insert(0, setup)
    return notebook


def _current(target: Path, setup: nbformat.NotebookNode) -> bool:
    """An export with outputs and this build's setup cell (same wheel and data) needs no rewrite."""
    if not target.is_file():
        return False
    text = target.read_text(encoding="utf-8")
    # the theme copies an output-less notebook over it whenever it rewrites the page
    if '"outputs": [\n' not in text:
        return False
    cells = nbformat.reads(text, as_version=4).cells
    return bool(cells) and cells[0].source == setup.source


def start_reading(app, env, docnames) -> None:
    """``env-before-read-docs``: this build's list of read documents starts empty."""
    env.datastory_read = set()


def note_read(app, docname: str, source: list[str]) -> None:
    """``source-read``: remember which documents this build read (and so may have re-executed)."""
    app.env.datastory_read.add(docname)


def write_notebooks(app, exception) -> None:
    """Export the chapters read in this build, and any whose export is missing or out of date."""
    if exception is not None or app.builder.format != "html":
        return
    read = getattr(app.env, "datastory_read", set())
    docs = _notebook_docs(app)
    if not docs:
        return
    setup = setup_cell(app, publish_wheel(app))
    for docname in docs:
        target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        if docname not in read and _current(target, setup):
            continue
        notebook = _executed(app, docname)
        if notebook is None:
            continue
        notebook = nbformat.v4.upgrade(notebook) if notebook.nbformat < 4 else notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(standalone(notebook, setup, app.config.datastory_data_path), str(target))
