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
        server.terminate()  # make lab stops JupyterLab, which stops its kernels
        server.wait(timeout=60)


CHART_TEXTS = ("() => Array.from(document.querySelectorAll('.jp-OutputArea figure.ds-chart svg text'))"
               ".map(t => t.textContent)")


@pytest.mark.browser
def test_make_lab_opens_a_chapter_as_a_notebook_with_live_charts_offline(chromium, lab):
    root, url, home = lab
    chapter = root / "notebooks" / "01-state-venture-capitalist.md"
    original, saved_at = chapter.read_bytes(), chapter.stat().st_mtime_ns
    from datastory.lab import kernel_name

    assert kernel_name(root)[0] in os.listdir(home / "data" / "kernels")  # the project's kernel, registered

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
    assert any("/datastory/static/vendor/vega-6.2.0-slim/vega.min.js" in u for u in served)  # our vega, via our route

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
    # and the phrases the chapter computes for its prose read as words
    assert page.locator(".jp-RenderedMarkdown .ds-glued").count() >= 1
    assert "{glue:text}" not in page.locator(".jp-Notebook").inner_text()

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


def test_what_if_load_takes_an_edited_copy_that_the_strict_checks_refuse(tmp_path, monkeypatch):
    """The README's what-if: DATASTORY_DATA points load() at an edited copy; validation refuses it."""
    import csv

    from datastory.data import load
    from datastory.validation import check_package

    copy = tmp_path / "what-if"
    shutil.copytree(ROOT / "data", copy)
    table = copy / "state_funds.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["amount"] = str(float(rows[0]["amount"]) * 2)
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("DATASTORY_DATA", str(copy))
    funds = load("state_funds")
    assert funds.amount.iloc[0] == float(rows[0]["amount"])
    assert any("does not state" in p.message for p in check_package(copy))
    assert load("state_funds", ROOT / "data").amount.iloc[0] != funds.amount.iloc[0]  # data/ untouched


def _chart_spec() -> dict:
    import altair as alt
    import pandas as pd

    from datastory import charts

    charts.enable()
    frame = pd.DataFrame({"fund": ["A", "B"], "amount": [1.0, 2.0], "source_id": ["s1", "s1"]})
    chart = alt.Chart(frame).mark_bar().encode(x="amount:Q", y="fund:N", tooltip=["amount:Q"])
    return chart.properties(title="B is twice A", description="Bars: A 1, B 2 (synthetic test data)").to_dict()


@pytest.mark.parametrize("env, expected", [
    ({}, None),  # the site's build, nbconvert: the bundle and SVG only
    ({"DATASTORY_JUPYTER": "inline"}, "inline"),  # the project's kernel in anyone's Jupyter
    ({"VSCODE_PID": "1"}, "inline"),
    ({"DATASTORY_JUPYTER_STATIC": "/user/x/datastory/static/"}, "server"),  # make lab, Binder
    ({"DATASTORY_JUPYTER_STATIC": "/datastory/static/", "DATASTORY_JUPYTER": "static"}, None),
])
def test_where_the_chart_runtime_comes_from(monkeypatch, env, expected):
    from datastory import charts, jupyter

    for name in ("DATASTORY_JUPYTER", "DATASTORY_JUPYTER_STATIC", "VSCODE_PID", "VSCODE_CWD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert jupyter.runtime() == expected
    output = charts.render(_chart_spec())
    assert output[charts.MIME_TYPE]["title"] == "B is twice A"  # the site's bundle, whatever the frontend
    if expected is None:
        assert set(output) == {charts.MIME_TYPE, "image/svg+xml", "text/plain"}
        return
    page = output["text/html"]
    assert 'class="ds-chart"' in page and "data:image/svg+xml;base64," in page  # SVG until live
    assert "cdn" not in page.lower() and "https://" not in page.replace('href="https://', "")
    if expected == "server":
        assert '"/user/x/datastory/static/vendor/vega-6.2.0-slim/vega.min.js"' in page
        assert len(page) < 60_000
    else:
        assert "vega" in page and len(page) > 400_000  # the runtime rides along


def test_exported_claims_are_linked_figures_with_their_dollars_escaped():
    from datastory.claims import readings
    from datastory.sphinx_ext.notebooks import resolve_claims

    ledger = readings(ROOT / "data")
    claim_id, reading = next((k, r) for k, r in ledger.items() if r.text.startswith("$"))
    text = resolve_claims(f"Nearly {{claim}}`{claim_id}` in all.", ROOT / "data")
    assert text.startswith("Nearly [\\$") and f"(<{reading.source_url}> \"" in text and "{claim}" not in text
    with pytest.raises(ValueError, match="unknown claim 'no-such-claim'"):
        resolve_claims("{claim}`no-such-claim`", ROOT / "data")


def test_exported_notebooks_write_out_glued_values():
    import nbformat

    from datastory.sphinx_ext.notebooks import standalone

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("It grew {glue:text}`ratio`, to {glue:text}`amount`."),
        nbformat.v4.new_code_cell("glue(...)", outputs=[
            nbformat.v4.new_output("display_data", data={"application/papermill.record/text/plain": repr(name)},
                                   metadata={"scrapbook": {"name": key}})
            for key, name in (("ratio", "about six times"), ("amount", "$8.3 billion"))])])
    setup = nbformat.v4.new_code_cell("# setup")
    out = standalone(notebook, setup, ROOT / "data")
    assert out.cells[0] is setup
    assert out.cells[1].source == "It grew about six times, to \\$8.3 billion."
