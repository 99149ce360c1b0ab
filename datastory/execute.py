"""Execute the chapters before Sphinx reads them: in parallel, keyed on what each one really read.

jupyter-cache keys a notebook on its code only, so on its own it republishes stale outputs after
a CSV or helper-module edit (MyST-NB #299, jupyter-book #1633). Here, as a compiler does with
``.d`` files, each execution leaves behind a dependency file: the files the kernel read under
``data/`` and the package modules it imported (:mod:`datastory.reads`). The notebook's cache key
then includes a hidden last cell listing the content hash of exactly those files, so editing one
re-executes exactly the notebooks that read it, and nothing is guessed from their code.

A first execution has no dependency file yet; its result is cached under the key its new
dependency list gives, which is the key the next build (and myst-nb, in this build) computes.
Stale chapters run in a pool of worker processes, one kernel each, so that myst-nb then finds
every chapter in the cache. A raising cell stops the build, named by file, line and cell.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from .reads import REPORT_CODE, REPORT_PREFIX

#: Where dependency files live: inside the execution cache, so the two are cleared together.
DEPENDENCIES = "dependencies"
MARKER = "# Build inputs of this notebook"
#: The kernel's own notice that it talks over local TCP is not news on every build.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR"]
#: Kernels started side by side now and then die before answering (their ports can collide); a
#: chapter gets this many starts before its build fails.
KERNEL_STARTS = 2


@dataclass(frozen=True)
class Chapter:
    """One notebook of the book: its source file and where its dependency file goes."""

    root: Path
    source: Path
    cache: Path

    @property
    def name(self) -> str:
        return self.source.relative_to(self.root).as_posix()

    @property
    def dependency_file(self) -> Path:
        return self.cache / DEPENDENCIES / f"{self.name}.json"


def cores() -> int:
    """CPUs this process may use (the affinity mask, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def recorded_dependencies(chapter: Chapter) -> list[str] | None:
    """Root-relative paths the chapter read when it last ran, or None if it never ran here."""
    try:
        return json.loads(chapter.dependency_file.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return None


def _hash(path: Path) -> str:
    try:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


def fingerprint_cell(root: Path, dependencies: list[str] | None) -> str:
    """The hidden last cell: one comment line per dependency with its content hash."""
    if dependencies is None:
        lines = "# (not executed yet: its dependencies are recorded when it runs)"
    else:
        lines = "\n".join(f"# {name} {_hash(root / name)}" for name in dependencies) or "# (reads no files)"
    return (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        f"{MARKER}: the files it read and the modules it imported when it last ran "
        "(added at build time by datastory; part of its cache key)\n"
        f"{lines}\n```\n"
    )


def keyed_text(chapter: Chapter, text: str | None = None) -> str:
    """The chapter's text as it is executed and cached: its own text plus the fingerprint cell."""
    text = chapter.source.read_text(encoding="utf-8") if text is None else text
    return text.rstrip("\n") + fingerprint_cell(chapter.root, recorded_dependencies(chapter))


def read_notebook(text: str):
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    return read_myst_markdown_notebook(text, MdParserConfig(), add_source_map=True)


def is_current(chapter: Chapter) -> bool:
    """Whether the cache holds this chapter's outputs for its current code and dependencies."""
    from jupyter_cache import get_cache

    try:
        get_cache(str(chapter.cache)).match_cache_notebook(read_notebook(keyed_text(chapter)))
    except KeyError:
        return False
    return True


def _label(path: str, root: Path) -> str:
    resolved = Path(path).resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(resolved)


class ExecutionFailed(Exception):
    """A chapter raised; the message names the file, line and cell and the error."""


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _locate_error(chapter: Chapter, notebook, text: str) -> str:
    """``notebooks/x.md:LINE: code cell N raised Error: message`` for the first cell with an error."""
    lines = text.splitlines()
    number = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        number += 1
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors:
            continue
        error = errors[0]
        fence = notebook.metadata.source_map[index]
        first = cell.source.splitlines()[0] if cell.source.strip() else ""
        start = next((k for k in range(fence + 1, len(lines)) if lines[k] == first), fence)
        trace = _strip_ansi("\n".join(error.get("traceback", [])))
        in_cell = re.findall(r"Cell In\[\d+\], line (\d+)", trace)
        line = start + int(in_cell[0]) if in_cell else fence + 1
        return (f"{chapter.name}:{line}: code cell {number} raised {error['ename']}: "
                f"{_strip_ansi(error['evalue'])}\n    " + (lines[line - 1].strip() if line <= len(lines) else ""))
    return f"{chapter.name}: execution failed"


def kernel_log(chapter: Chapter) -> Path:
    """Where the build's kernels and their worker processes write their own stderr."""
    return chapter.cache.parent / "kernels.log"


def _worker_setup(root: Path, log: Path) -> None:
    """Worker initializer. Kernels import this book's own ``datastory`` (not another checkout's).
    What the worker and its kernels print to stderr (a kernel's shutdown can log a tornado
    traceback) goes to ``log``, not into the build's own messages: a notebook's errors reach the
    reader through :class:`ExecutionFailed`, located in the chapter."""
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    descriptor = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(descriptor, 2)
    os.close(descriptor)


def run(chapter: Chapter, timeout: int) -> tuple[str, dict, list[str], float]:
    """Execute one chapter in a fresh kernel (in a worker process).

    Returns the executed notebook (JSON), unchanged by the report cell, the files it read and
    imported (root-relative), and the seconds it took. Raises :class:`ExecutionFailed`.
    """
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    text = keyed_text(chapter)
    notebook = read_notebook(text)
    notebook.cells.append(nbformat.v4.new_code_cell(REPORT_CODE))
    for attempt in range(1, KERNEL_STARTS + 1):
        try:
            result = single_nb_execution(notebook, cwd=str(chapter.source.parent), timeout=timeout,
                                         allow_errors=False, extra_arguments=KERNEL_ARGS)
            break
        except RuntimeError as error:  # nbclient: the kernel died before it answered
            if attempt == KERNEL_STARTS:
                raise ExecutionFailed(
                    f"{chapter.source.relative_to(chapter.root)}: the Python kernel did not start ({error}), "
                    f"{KERNEL_STARTS} times; the notebook itself never ran. Check that ipykernel is installed "
                    "in this environment and that the machine has memory to spare, then build again "
                    f"(what the kernel printed: {kernel_log(chapter).relative_to(chapter.root)}).") from None
    if result.err is not None:
        raise ExecutionFailed(_locate_error(chapter, notebook, text))
    report = notebook.cells.pop()
    printed = "".join(o.get("text", "") for o in report.outputs if o.get("output_type") == "stream")
    found = json.loads(printed.split(REPORT_PREFIX, 1)[1])
    files = sorted({_label(p, chapter.root) for p in found["reads"] + found["imports"]})
    return nbformat.writes(notebook), chapter.name, files, result.time


def store(chapter: Chapter, executed_json: str, files: list[str], seconds: float) -> None:
    """Cache the executed notebook under the key its new dependency list gives, and keep the list."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    chapter.dependency_file.parent.mkdir(parents=True, exist_ok=True)
    chapter.dependency_file.write_text(json.dumps({"files": files}, indent=1) + "\n", encoding="utf-8")
    executed = nbformat.reads(executed_json, as_version=4)
    keyed = read_notebook(keyed_text(chapter))  # now with the fingerprint of what it read
    executed.cells[-1].source = keyed.cells[-1].source
    executed.metadata.pop("source_map", None)
    get_cache(str(chapter.cache)).cache_notebook_bundle(
        CacheBundleIn(executed, str(chapter.source), data={"execution_seconds": seconds}),
        check_validity=False, overwrite=True)


def execute(chapters: list[Chapter], *, timeout: int, workers: int | None = None, log=print,
            meanwhile=None) -> list[str]:
    """Run every chapter whose cached outputs are stale, ``workers`` at a time; one line per chapter.

    ``meanwhile()`` runs in this process while the kernels work; what it raises wins. Returns
    the names of the chapters executed. Raises :class:`ExecutionFailed` naming every chapter
    that failed (the others still running are allowed to finish).
    """
    stale = []
    for chapter in chapters:
        if is_current(chapter):
            log(f"{chapter.name}: up to date (cached outputs)")
        else:
            stale.append(chapter)
    if not stale:
        if meanwhile:
            meanwhile()
        return []
    workers = max(1, min(workers or cores(), len(stale)))
    failures, done = [], []
    started = time.perf_counter()
    printed = kernel_log(stale[0])
    printed.parent.mkdir(parents=True, exist_ok=True)
    printed.write_text("", encoding="utf-8")  # this build's kernels only
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_setup, initargs=(stale[0].root, printed)) as pool:
        futures = {pool.submit(run, chapter, timeout): chapter for chapter in stale}
        pending = set(futures)
        if meanwhile:
            try:
                meanwhile()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                chapter = futures[future]
                try:
                    executed_json, _, files, seconds = future.result()
                except ExecutionFailed as error:
                    failures.append(str(error))  # the others run on, so every failing chapter is named
                    continue
                store(chapter, executed_json, files, seconds)
                done.append(chapter.name)
                log(f"{chapter.name}: executed in {seconds:.1f} s")
    if failures:
        raise ExecutionFailed("\n".join(sorted(failures)))
    log(f"executed {len(done)} notebook(s) in {time.perf_counter() - started:.1f} s on {workers} worker(s)")
    return sorted(done)


def book_chapters(root: Path, cache: Path) -> list[Chapter]:
    """The MyST Markdown notebooks listed in ``_toc.yml``, in its order."""
    from myst_nb.core.read import is_myst_markdown_notebook
    from sphinx_external_toc.parsing import parse_toc_yaml

    chapters = []
    for docname in parse_toc_yaml(root / "_toc.yml"):
        source = root / f"{docname}.md"
        if source.is_file() and is_myst_markdown_notebook(source.read_text(encoding="utf-8")):
            chapters.append(Chapter(root, source, cache))
    return chapters


def paired_notebooks(root: Path) -> list[Path]:
    """``.ipynb`` files beside a chapter of the same name (Jupytext pairs them in JupyterLab)."""
    return sorted(p for p in Path(root).rglob("*.ipynb")
                  if p.with_suffix(".md").is_file() and not {".ipynb_checkpoints", "_build", ".venv"} & set(p.parts))
