"""Chapters in Jupyter: `make lab` in a real browser, live charts offline, and saving leaves them unchanged.

Screenshots go to test-output/jupyter/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo

SHOTS = ROOT / "test-output" / "jupyter"

#: The kernelspec JupyterLab writes into a notebook's metadata once its kernel has started.
LAB_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _open_and_save(root: Path, relative: str) -> None:
    """What JupyterLab does to a chapter: read it through jupytext's contents manager, start its
    kernel (which rewrites the kernelspec), and save it back."""
    contents = pytest.importorskip("jupytext.sync_contentsmanager")
    manager = contents.TextFileContentsManager(root_dir=str(root))
    model = manager.get(relative, type="notebook")
    model["content"]["metadata"]["kernelspec"] = dict(LAB_KERNELSPEC)
    manager.save({"type": "notebook", "format": "json", "content": model["content"]}, relative)


@pytest.mark.parametrize("chapter", sorted(p.name for p in (ROOT / "notebooks").glob("*.md")))
def test_saving_a_chapter_from_jupyterlab_changes_nothing(tmp_path, chapter):
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")  # jupytext reads its config there
    (tmp_path / "notebooks").mkdir()
    original = (ROOT / "notebooks" / chapter).read_bytes()
    (tmp_path / "notebooks" / chapter).write_bytes(original)
    _open_and_save(tmp_path, f"notebooks/{chapter}")
    assert (tmp_path / "notebooks" / chapter).read_bytes() == original


def test_a_new_story_is_saved_unchanged_too(tmp_path):
    from datastory.scaffold import new_story

    root = copy_repo(tmp_path / "repo")
    path = new_story(root, "07-new-story", "A new story")
    original = path.read_bytes()
    _open_and_save(root, "notebooks/07-new-story.md")
    assert path.read_bytes() == original


def _fake_python(folder: Path, version: str) -> Path:
    """An interpreter that reports ``version`` and fails any script, as an old python3 would fail the check."""
    path = folder / "python-old"
    path.write_text(f'#!/bin/sh\n[ "$1" = --version ] && {{ echo "Python {version}"; exit 0; }}\nexit 1\n')
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("python", ["old", "missing"])
def test_make_says_which_python_it_needs_and_leaves_no_half_made_venv(tmp_path, python):
    import subprocess

    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    interpreter = _fake_python(tmp_path, "3.10.12") if python == "old" else tmp_path / "no-such-python"
    result = subprocess.run(["make", "book", f"PYTHON={interpreter}"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stdout
    assert ("Python 3.10.12" if python == "old" else "missing") in result.stdout
    assert "make book PYTHON=python3.11" in result.stdout
    assert not (tmp_path / ".venv").exists()


def test_make_distclean_leaves_a_fresh_clone(tmp_path):
    import subprocess

    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    made = [".venv/bin", "_build/html", ".pytest_cache", ".ruff_cache", "bench/.cache", "build/lib",
            "notebooks/.ipynb_checkpoints", "datastory/__pycache__", "datastory.egg-info"]
    for folder in made:
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "notebooks" / "01-a.md").write_text("kept\n")
    subprocess.run(["make", "distclean"], cwd=tmp_path, check=True, capture_output=True)
    assert [f for f in made if (tmp_path / f).exists()] == []
    assert (tmp_path / "notebooks" / "01-a.md").is_file()


@pytest.fixture
def lab(tmp_path):
    """`make lab`'s command on a copy of the repository: (root, URL printed with its token, log lines)."""
    from datastory.serve import free_port

    root = copy_repo(tmp_path / "repo")
    home = tmp_path / "jupyter"  # the kernel it registers for the user goes here, not in ~
    env = {**os.environ, "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    server = subprocess.Popen([sys.executable, "-m", "datastory.lab", "--root", str(root), "--port",
                               str(free_port()), "--no-browser"], cwd=root, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    lines, url = [], None
    deadline = time.monotonic() + 120
    while url is None and time.monotonic() < deadline and server.poll() is None:
        line = server.stdout.readline()
        lines.append(line)
        found = re.search(r"(http://127\.0\.0\.1:\d+/lab/tree/\S+\?token=\w+)", line)
        url = found.group(1) if found else None
    try:
        assert url, "make lab printed no URL with a token:\n" + "".join(lines)
        yield root, url, home
    finally:
        server.terminate()
        server.wait(timeout=30)


CHART_TEXTS = ("() => Array.from(document.querySelectorAll('.jp-OutputArea figure.ds-chart svg text'))"
               ".map(t => t.textContent)")


@pytest.mark.browser
def test_make_lab_opens_a_chapter_as_a_notebook_with_live_charts_offline(chromium, lab):
    root, url, home = lab
    chapter = root / "notebooks" / "01-state-venture-capitalist.md"
    original, saved_at = chapter.read_bytes(), chapter.stat().st_mtime_ns
    assert "china-ai-explainer" in os.listdir(home / "data" / "kernels")  # the project's kernel, registered

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    foreign, served = [], []

    def only_this_machine(route):
        if route.request.url.startswith("http://127.0.0.1:"):
            served.append(route.request.url)
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_machine)
    page.goto(url)
    # jupytext's notebook viewer by default: cells, not a text editor
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    assert page.locator(".jp-FileEditor").count() == 0
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

    figure = page.locator(".jp-OutputArea figure.ds-chart[data-rendered=true]").first
    figure.wait_for(timeout=120_000)
    figure.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "jupyterlab-chapter-1.png"))
    assert any("/datastory/static/vendor/vega-6.2.0/vega.min.js" in u for u in served)  # our vega, via our route

    # the control works: the chart switches to dollars
    assert any(t.endswith("billion yuan") for t in page.evaluate(CHART_TEXTS))
    figure.locator("input[type=radio][value='US dollars']").check()
    page.wait_for_function(f"({CHART_TEXTS})().some(t => t.endsWith('billion US dollars'))", timeout=5000)
    # and marks have tooltips
    figure.locator(".role-mark path").first.hover()
    tip = page.locator(".ds-tooltip.ds-tooltip--visible")
    tip.wait_for(timeout=5000)
    assert re.search(r"\d", tip.inner_text())

    # {claim} figures read as figures, linked to their sources
    claims = page.locator(".jp-RenderedMarkdown a.claim")
    assert claims.count() >= 5
    assert re.search(r"\d", claims.first.inner_text()) and claims.first.get_attribute("href").startswith("http")
    assert "{claim}" not in page.locator(".jp-Notebook").inner_text()

    # saving the chapter from JupyterLab leaves it byte for byte as it was
    with page.expect_response(lambda r: r.request.method == "PUT" and "/api/contents/notebooks/" in r.url,
                              timeout=15_000) as saved:
        page.locator(".jp-NotebookPanel-toolbar [data-command='docmanager:save']").click()
    assert saved.value.status == 200
    assert chapter.stat().st_mtime_ns != saved_at, "JupyterLab did not save the chapter"
    assert chapter.read_bytes() == original
    assert not list((root / "notebooks").glob("*.ipynb"))
    assert foreign == []
    context.close()
