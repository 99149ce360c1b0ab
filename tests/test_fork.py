"""A forker's first hour: scaffold a story in a fresh copy, build strictly, find it published."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_repo, run_build

from datastory.scaffold import PLACEHOLDER

pytestmark = pytest.mark.slow


def new_story(root, *args):
    return subprocess.run([sys.executable, "-m", "datastory", "new-story", *args, "--root", str(root)],
                          capture_output=True, text=True, cwd=root)


def test_scaffolded_story_fails_on_its_placeholders_then_builds_with_its_chart(tmp_path, built_site):
    root = copy_repo(tmp_path / "fork", cache_from=built_site)
    title = 'China\'s "chip" imports'
    venv = Path(sys.executable).parent.parent
    made = subprocess.run(["make", "-s", "-o", f"{venv}/.runtime", "new-story", "SLUG=07-chip-imports",
                           f"TITLE={title}", f"VENV={venv}"], capture_output=True, text=True, cwd=root)
    assert made.returncode == 0, made.stderr
    assert "- file: notebooks/07-chip-imports" in (root / "_toc.yml").read_text()
    chapter = root / "notebooks/07-chip-imports.md"
    text = chapter.read_text(encoding="utf-8")
    assert f"# {title}\n" in text  # the title keeps its quotes through make and the shell
    result = run_build(root)
    assert result.returncode != 0
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if PLACEHOLDER in line:
            assert f"07-chip-imports.md:{number}: WARNING: placeholder text left" in result.stderr, number
    assert not (root / "_build/html/notebooks/07-chip-imports.html").exists()
    chapter.write_text(text.replace(f"**{PLACEHOLDER} one sentence that states what the reader will learn.**",
                                    "**The state's chip fund is the biggest of its kind.**")
                       .replace(f"{PLACEHOLDER} a sentence that states the takeaway",
                                "Big Fund III is the largest phase"), encoding="utf-8")
    result = run_build(root)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    page = (root / "_build/html/notebooks/07-chip-imports.html").read_text(encoding="utf-8")
    assert 'China\'s "chip" imports' in html.unescape(page)  # the title as typed, however it is escaped
    assert 'id="chart-07-chip-imports-lead"' in page
    assert 'href="../_charts/07-chip-imports-lead.csv"' in page
    assert (root / "_build/html/_charts/07-chip-imports-lead.csv").read_text().startswith("fund,amount,source_id")
    assert 'class="reference external claim' in page or "claim claim-reported" in page


def test_story_on_a_new_empty_table_fails_validation_naming_the_table(tmp_path):
    root = copy_repo(tmp_path / "fork")
    made = new_story(root, "07-chip-imports", "--title", "Chips", "--table", "chip_imports")
    assert made.returncode == 0, made.stderr
    result = run_build(root)
    assert result.returncode == 2
    assert "data/chip_imports.csv:1: the table has a header but no rows" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("slug,words", [("Bad Slug", "not a valid slug"), ("01-state-venture-capitalist",
                                                                           "already exists")])
def test_new_story_refuses_bad_or_taken_slugs(tmp_path, slug, words):
    root = copy_repo(tmp_path / "fork")
    before = (root / "_toc.yml").read_text()
    made = new_story(root, slug, "--title", "x")
    assert made.returncode == 2 and words in made.stderr
    assert (root / "_toc.yml").read_text() == before


def test_data_package_downloads_as_one_zip_a_database_and_per_table(built_site):
    import json
    import zipfile

    out = built_site / "_build/html/_data"
    descriptor = json.loads((built_site / "data/datapackage.json").read_text())
    name = descriptor["name"]
    with zipfile.ZipFile(out / f"{name}.zip") as archive:
        names = set(archive.namelist())
        for res in descriptor["resources"]:
            assert res["path"] in names
            assert (out / res["path"]).read_bytes() == (built_site / "data" / res["path"]).read_bytes()
        assert {"datapackage.json", "LICENSE-DATA", "README.md", "CITATION.cff", "CHANGELOG.md"} <= names
        assert archive.read("README.md").startswith(f"# {descriptor['title']}".encode())
    assert (out / f"{name}.db").read_bytes()[:16] == b"SQLite format 3\x00"
    page = (built_site / "_build/html/book/data.html").read_text()
    assert f'href="../_data/{name}.zip"' in page and f'href="../_data/{name}.db"' in page and "How to cite" in page


def test_chapters_ship_as_executed_notebooks_for_download_and_colab(built_site):
    import json

    site = built_site / "_build/html"
    for md in sorted((built_site / "notebooks").glob("*.md")):
        ipynb = site / "_sources" / "notebooks" / f"{md.stem}.ipynb"
        notebook = json.loads(ipynb.read_text())
        outputs = [o for cell in notebook["cells"] if cell["cell_type"] == "code" for o in cell["outputs"]]
        assert any("application/vnd.datastory.chart+json" in o.get("data", {}) for o in outputs), md.name
        assert not any("Build inputs of this notebook" in "".join(c["source"]) for c in notebook["cells"])
        # the chapter ends with one link to its re-run and reuse page, which offers the notebook and Colab
        page = (site / "notebooks" / f"{md.stem}.html").read_text()
        assert f'href="../reuse/{md.stem}.html"' in page, md.name
        offered = (site / "reuse" / f"{md.stem}.html").read_text()
        assert f'href="../_sources/notebooks/{md.stem}.ipynb"' in offered, md.name  # resolves to ipynb above
        assert "colab.research.google.com/github/" in offered
        assert f"/blob/gh-pages/_sources/notebooks/{md.stem}.ipynb" in offered
