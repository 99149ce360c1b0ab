"""Shared fixtures: a temporary copy of the repository, and one real build of it per session."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "_build", "__pycache__", "*.egg-info", ".pytest_cache",
                                     "test-output", "node_modules")


def copy_repo(dest: Path, cache_from: Path | None = None) -> Path:
    """A copy of the repository; with ``cache_from`` (a built copy) its execution cache too.

    Tests about the build's checks start warm, so unchanged notebooks are not executed again;
    tests about execution and determinism start cold.
    """
    shutil.copytree(ROOT, dest, ignore=COPY_IGNORE)
    if cache_from is not None:
        shutil.copytree(cache_from / "_build" / ".jupyter_cache", dest / "_build" / ".jupyter_cache")
    return dest


#: The addresses the publishing workflow supplies (a repository's own Pages site); CITATION.cff names none.
PUBLISHED = {"DATASTORY_SITE_URL": "https://owner.github.io/china-ai/",
             "DATASTORY_REPOSITORY_URL": "https://github.com/owner/china-ai"}


def run_build(root: Path, published: bool = True) -> subprocess.CompletedProcess:
    """Build as the publishing workflow does (`make book` with the site's addresses), in ``root``;
    with ``published=False`` exactly as a fresh clone's `make book` (relative links only)."""
    env = {**os.environ, "PYTHONHASHSEED": "0", **(PUBLISHED if published else {})}
    if not published:
        for name in PUBLISHED:
            env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "datastory", "build", "--root", str(root)], cwd=root,
                          capture_output=True, text=True, env=env, timeout=900)


def executed(result: subprocess.CompletedProcess) -> list[str]:
    """Notebooks the build executed (not taken from the cache), read from its one line per notebook."""
    found = re.findall(r"^(\S+)\.md: executed in", result.stdout + result.stderr, re.M)
    return sorted(found)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """One strict build of a copy of the repository, shared by the tests that read its output."""
    root = copy_repo(tmp_path_factory.mktemp("site") / "repo")
    result = run_build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root


@pytest.fixture(scope="session")
def site(built_site) -> Path:
    """The built site's folder."""
    return built_site / "_build" / "html"


@pytest.fixture(scope="session")
def base(site):
    """The built site served on 127.0.0.1, as a static host would."""
    from datastory.serve import serve

    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright, one for the session (never a downloaded browser)."""
    from datastory.serve import CHROMIUM, CHROMIUM_ARGS

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Write ``value`` into one cell of a CSV (``line`` counts the header as 1), as a forker's edit would."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
