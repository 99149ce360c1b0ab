"""The two sites under test, built and edited in temporary folders.

OURS is a copy of the repository built with ``python -m datastory build`` (strict, atomic,
stale notebooks executed in parallel and cached under their dependency files' hashes).
BASELINE is the same chapters as Jupyter Book 1 and Altair render them by default:
notebooks/, book/ and data/ copied, a default ``_config.yml`` (title and
``execute_notebooks: cache`` only), the same ``_toc.yml``, and each notebook's
``charts.enable()`` cell removed so Altair's default renderer (HTML that loads vega,
vega-lite and vega-embed from cdn.jsdelivr.net) draws the charts.
"""

from __future__ import annotations

import csv
import io
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "_build", "__pycache__", "*.egg-info", ".pytest_cache",
                                     ".ruff_cache", "test-output", "bench", "node_modules")
EDITED_NOTEBOOK = "notebooks/02-local-subsidies.md"
EDITED_CSV = "data/trade.csv"
_ENABLE = re.compile(r"^charts\.enable\(\)[ \t]*$", re.M)
#: One line per executed notebook: myst-nb's (the baseline) and ours.
_EXECUTED = re.compile(r"Executed notebook in ([0-9.]+) seconds|^\S+\.md: executed in ([0-9.]+) s$", re.M)
#: Ours names its worker pool; myst-nb executes one notebook at a time.
_WORKERS = re.compile(r"executed \d+ notebook\(s\) in [0-9.]+ s on (\d+) worker")


class BuildFailed(RuntimeError):
    pass


@dataclass
class BuildRun:
    wall: float  # seconds
    cpu: float  # user + sys seconds of the build and every process it started and waited for
    executed: int  # notebooks executed (one log line each)
    exec_seconds: float  # sum of the per-notebook execution times in the log
    kernels: int  # notebooks executing at once (ours: its worker pool; myst-nb: 1)
    log: str

    @property
    def utilisation(self) -> float:
        """CPU seconds per wall second: 1.0 is one busy core, above ~1.2 means work in parallel."""
        return self.cpu / self.wall if self.wall else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "utilisation": self.utilisation}


def jupyter_book_cli() -> str:
    """The Jupyter Book 1 CLI of this Python environment."""
    here = Path(sys.executable).parent / "jupyter-book"
    found = str(here) if here.exists() else shutil.which("jupyter-book")
    if not found:
        raise BuildFailed("jupyter-book (the JB1 CLI) is not installed in this environment")
    return found


def copy_ours(dest: Path) -> Path:
    shutil.copytree(ROOT, dest, ignore=COPY_IGNORE)
    return dest


def make_baseline(dest: Path) -> Path:
    """The default-configuration book: same chapters, no datastory config, Altair's default renderer."""
    dest.mkdir(parents=True)
    for folder in ("notebooks", "book", "data"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__", "_build"))
    shutil.copy2(ROOT / "_toc.yml", dest / "_toc.yml")
    title = (yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")) or {}).get("title", "Book")
    config = {"title": title, "execute": {"execute_notebooks": "cache"}}
    (dest / "_config.yml").write_text(
        "# BASELINE: Jupyter Book 1 defaults (written by bench/builds.py)\n"
        + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for notebook in sorted((dest / "notebooks").glob("*.md")):
        text = notebook.read_text(encoding="utf-8")
        new, count = _ENABLE.subn("", text)
        if count != 1:
            raise BuildFailed(f"{notebook.name}: expected one `charts.enable()` line to remove, found {count}")
        notebook.write_text(new, encoding="utf-8")
    for page in sorted((dest / "book").glob("*.md")):  # prose pages that are notebooks too (the landing page)
        text = page.read_text(encoding="utf-8")
        if _ENABLE.search(text):
            page.write_text(_ENABLE.sub("", text), encoding="utf-8")
    return dest


def run_build(kind: str, root: Path, log: Path) -> BuildRun:
    """Build ``root`` as ``kind`` ("ours" or "baseline"); wall and CPU time, notebooks executed."""
    if kind == "ours":
        command = [sys.executable, "-m", "datastory", "build", "--root", str(root)]
    else:
        command = [jupyter_book_cli(), "build", str(root)]
    env = {k: v for k, v in os.environ.items() if k != "DATASTORY_DATA"}
    env["PYTHONHASHSEED"] = "0"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, cwd=root, stdout=out, stderr=subprocess.STDOUT, env=env, timeout=3600)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = log.read_text(encoding="utf-8", errors="replace")
    if result.returncode != 0:
        raise BuildFailed(f"{kind} build in {root} failed (exit {result.returncode}); log {log}:\n{text[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    times = [float(a or b) for a, b in _EXECUTED.findall(text)]
    workers = _WORKERS.search(text)
    kernels = int(workers.group(1)) if workers else min(1, len(times))
    return BuildRun(wall=wall, cpu=cpu, executed=len(times), exec_seconds=sum(times), kernels=kernels, log=log.name)


def clean(root: Path) -> None:
    shutil.rmtree(root / "_build", ignore_errors=True)


def edit_notebook(root: Path, run: int) -> str:
    """Append one line of prose to one chapter (code unchanged)."""
    path = root / EDITED_NOTEBOOK
    with path.open("a", encoding="utf-8") as out:
        out.write(f"\nA line of prose the benchmark appended to this chapter (edit {run}).\n")
    return EDITED_NOTEBOOK


def edit_csv(root: Path, run: int) -> str:
    """Change one note text in data/trade.csv, keeping the file valid (the note is free text)."""
    path = root / EDITED_CSV
    text = path.read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(text)):
        note = row.get("note") or ""
        if note and '"' not in note and text.count(note) == 1:
            suffix = f" Benchmark edit {run}."
            path.write_text(text.replace(note, note + suffix, 1), encoding="utf-8")
            return f"{EDITED_CSV} ({row.get('row_id', '?')}: note)"
    raise BuildFailed(f"{EDITED_CSV}: no note text that can be edited safely")
