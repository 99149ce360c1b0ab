"""Correct incremental builds: a notebook's cache key includes the files it read when it last ran.

Before myst-nb reads a notebook we append the hidden fingerprint cell of
:mod:`datastory.execute` (the content hashes of the files listed in the notebook's dependency
file), so myst-nb computes the same cache key the build's execution step stored the outputs
under. Sphinx is told about the same files, so editing one re-reads exactly the pages that
depend on it. The cell is tagged ``remove-cell`` and is only a comment.
"""

from __future__ import annotations

from pathlib import Path

from myst_nb.core.read import is_myst_markdown_notebook

from ..execute import Chapter, keyed_text, recorded_dependencies


def chapter_of(app, docname: str) -> Chapter:
    root = Path(app.srcdir)
    return Chapter(root, Path(app.env.doc2path(docname)), root / app.config.nb_execution_cache_path)


def add_build_inputs(app, docname: str, source: list[str]) -> None:
    """``source-read`` handler: append the fingerprint cell and tell Sphinx about the inputs."""
    if not is_myst_markdown_notebook(source[0]):
        return
    chapter = chapter_of(app, docname)
    for name in recorded_dependencies(chapter) or []:
        app.env.note_dependency(str(chapter.root / name))
    source[0] = keyed_text(chapter, source[0])


def paired_notebooks(srcdir: Path) -> list[Path]:
    """``.ipynb`` files beside a chapter of the same name (Jupytext pairs them in JupyterLab)."""
    return sorted(p for p in Path(srcdir).rglob("*.ipynb")
                  if p.with_suffix(".md").is_file() and not {".ipynb_checkpoints", "_build", ".venv"} & set(p.parts))


def ignore_paired_notebooks(app, config) -> None:
    """``config-inited``: a paired copy is not a second source of the chapter (Sphinx would stop
    on "multiple files found"); the ``.md`` is the chapter."""
    for path in paired_notebooks(app.srcdir):
        config.exclude_patterns.append(path.relative_to(app.srcdir).as_posix())
