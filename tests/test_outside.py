"""The notebooks outside the repository: a downloaded chapter in a Colab-like environment, and Binder.

Each test makes a clean virtual environment (installs come from PyPI through pip's cache; nothing
else leaves this machine): for Colab, one that holds only what Colab has — pandas, altair,
ipykernel, nbclient and nbconvert — for Binder, repo2docker's steps: binder/requirements.txt,
then binder/postBuild.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import venv
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo

from datastory.charts import MIME_TYPE
from datastory.serve import serve

pytestmark = pytest.mark.slow

COLAB_HAS = ["pandas", "altair", "ipykernel", "nbclient", "nbconvert"]
SHOTS = ROOT / "test-output" / "jupyter"


def _pins() -> list[str]:
    """Every exact pin of the requirements files, to constrain a clean environment to our versions."""
    pins = []
    for name in ("requirements.txt", "requirements-lab.txt"):
        pins += [line for line in (ROOT / name).read_text().splitlines() if "==" in line and not line.startswith("#")]
    return pins


def clean_venv(folder: Path, *packages: str, requirements: Path | None = None) -> Path:
    """A new virtual environment from the base interpreter, holding only ``packages`` (pinned as we pin)."""
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / "bin" / "python"
    constraints = folder / "constraints.txt"
    constraints.write_text("\n".join(_pins()) + "\n")
    command = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-c", str(constraints)]
    command += ["-r", str(requirements)] if requirements else list(packages)
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=900)
    return python


def _outside_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's environment: its own home and caches (pip's cache stays shared, for speed)."""
    pip_cache = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "PIP_INDEX_URL", "PIP_FIND_LINKS")}
    return {**keep, "HOME": str(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "home" / ".cache"),
            "PIP_CACHE_DIR": pip_cache, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}


RUN_NOTEBOOKS = """
import sys, nbformat
from nbclient import NotebookClient
for path in sys.argv[1:]:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=900, kernel_name="python3").execute()
    nbformat.write(notebook, path)
"""


def _claim_texts_on_the_site(page: Path) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup
    return [a.get_text() for a in main.select("a.claim")]


def _claim_texts_in_the_notebook(notebook: dict) -> list[str]:
    markdown = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    return [text.replace("\\$", "$") for text in re.findall(r"\[([^\]]+)\]\(<https?://", markdown)]


def _charts(notebook: dict) -> list[dict]:
    return [out["data"] for cell in notebook["cells"] if cell["cell_type"] == "code"
            for out in cell.get("outputs", []) if MIME_TYPE in out.get("data", {})]


@pytest.mark.browser
def test_a_downloaded_notebook_runs_on_its_own_where_colab_would(built_site, chromium, tmp_path):
    site = built_site / "_build" / "html"
    exported = sorted((site / "_sources" / "notebooks").glob("*.ipynb"))
    assert exported, "the build exported no notebooks"
    python = clean_venv(tmp_path / "colab", *COLAB_HAS)
    missing = subprocess.run([str(python), "-c", "import datastory"], cwd=tmp_path, capture_output=True, text=True)
    assert missing.returncode != 0  # the environment starts without our package

    work = tmp_path / "content"  # like Colab's /content: no repository around it
    work.mkdir()
    copies = []
    for path in exported:
        copies.append(work / path.name)
        copies[-1].write_bytes(path.read_bytes())
    with serve(site) as base:
        # Colab has no Jupyter server for our route: the kernel carries vega inline, as it does in Colab
        env = _outside_env(tmp_path, DATASTORY_SITE_URL=base + "/", DATASTORY_JUPYTER="inline")
        result = subprocess.run([str(python), "-c", RUN_NOTEBOOKS, *map(str, copies)], cwd=work, env=env,
                                capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert list((tmp_path / "home" / ".cache" / "datastory").glob("*/datapackage.json"))  # fetched, cached

    html_outputs = []
    for copy in copies:
        notebook = json.loads(copy.read_text(encoding="utf-8"))
        setup = notebook["cells"][0]
        assert "Ready: newsroom-datastory" in "".join("".join(o.get("text", "")) for o in setup["outputs"])
        chapter = copy.stem
        # the same charts, drawing exactly the rows the site's charts draw
        charts = _charts(notebook)
        on_page = re.findall(r'<figure class="ds-chart[^"]*" id="chart-([a-z0-9-]+)"',
                             (site / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8"))
        assert [data[MIME_TYPE]["name"] for data in charts] == on_page and on_page
        for data in charts:
            site_csv = site / "_charts" / f"{data[MIME_TYPE]['name']}.csv"
            assert data[MIME_TYPE]["csv"] == site_csv.read_text(encoding="utf-8"), site_csv.name
            html = data["text/html"]
            html_outputs.append("".join(html) if isinstance(html, list) else html)  # nbformat may split lines
        # the same figures in the prose, each linked to its source
        on_site = _claim_texts_on_the_site(site / "notebooks" / f"{chapter}.html")
        assert _claim_texts_in_the_notebook(notebook) == on_site and on_site
        assert not any("{claim}" in "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")

    # Colab shows each output in its own frame: one chart output alone must draw itself, offline
    frames = tmp_path / "frames"
    frames.mkdir()
    (frames / "chart.html").write_text("<!doctype html><meta charset='utf-8'><body>" + html_outputs[0], "utf-8")
    with serve(frames) as base:
        context = chromium.new_context(viewport={"width": 800, "height": 700})
        page = context.new_page()
        foreign = []
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base)
                   else (foreign.append(r.request.url), r.abort()))
        page.goto(base + "/chart.html")
        page.locator("figure.ds-chart[data-rendered=true]").wait_for(timeout=30_000)
        page.locator("input[type=radio][value='US dollars']").check()
        page.wait_for_function("() => Array.from(document.querySelectorAll('svg text'))"
                               ".some(t => t.textContent.endsWith('billion US dollars'))", timeout=5000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "colab-output-frame.png"))
        fonts = page.evaluate("() => [...document.querySelectorAll('figure.ds-chart label, figure.ds-chart a')]"
                              ".map(el => getComputedStyle(el).fontFamily)")
        context.close()
    assert fonts and all(f.startswith("system-ui") for f in fonts), fonts  # the chart's sans, not the frame's serif
    assert foreign == []


def test_binder_postbuild_installs_the_package_and_opens_chapters_as_notebooks(tmp_path):
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    repo = copy_repo(tmp_path / "repo")
    # repo2docker: its own JupyterLab, then binder/requirements.txt, then binder/postBuild from the root
    python = clean_venv(tmp_path / "binder", "jupyterlab")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-c", str(tmp_path / "binder" / "constraints.txt"),
                    "-r", str(repo / "binder" / "requirements.txt")], check=True, capture_output=True, timeout=900)
    env = {**_outside_env(tmp_path), "PATH": f"{python.parent}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", str(repo / "binder" / "postBuild")], cwd=repo, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    prefix = python.parent.parent
    overrides = json.loads((prefix / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Jupytext Notebook"
    extensions = subprocess.run([str(python.parent / "jupyter"), "server", "extension", "list"], env=env,
                                capture_output=True, text=True)
    assert re.search(r"datastory\.lab\s.*enabled", extensions.stdout + extensions.stderr)
    assert re.search(r"jupyterlab_jupytext\s.*enabled", extensions.stdout + extensions.stderr)
    # the package is installed (not just importable from the checkout) and its chapters' imports work
    imported = subprocess.run([str(python), "-c", "import datastory.charts, datastory.lab; print(datastory.__file__)"],
                              cwd=tmp_path, env=env, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    assert str(prefix) in imported.stdout
