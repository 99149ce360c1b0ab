"""The book builds strictly, offline and incrementally, in a temporary copy of the repository."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import copy_repo, executed, run_build

from datastory.scaffold import JUPYTEXT_HEADER

pytestmark = pytest.mark.slow


class _Resources(HTMLParser):
    """Every URL a page makes the browser fetch by itself (not links the reader clicks)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or "") + (attrs.get("as") or ""):
            self.urls.append(attrs["href"])
        if tag == "link" and attrs.get("rel") in ("preload", "modulepreload", "icon"):
            self.urls.append(attrs.get("href", ""))
        if tag in ("img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.urls.append(attrs["src"])


def test_every_page_loads_only_same_site_resources(built_site):
    site = built_site / "_build" / "html"
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 4
    offenders = []
    for page in pages:
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.name}: {u}" for u in parser.urls if re.match(r"(https?:)?//", u)]
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        external = re.findall(r"""(?:@import\s+|url\()\s*["']?((?:https?:)?//[^"')\s]+)""", text)
        offenders += [f"{css.name}: {u}" for u in external]
    assert offenders == []


def test_chart_page_has_chart_data_and_fallback(built_site):
    site = built_site / "_build" / "html"
    page = (site / "notebooks" / "01-state-venture-capitalist.html").read_text(encoding="utf-8")
    assert 'id="chart-big-fund-phases"' in page
    assert 'type="application/json" class="ds-chart__spec"' in page
    assert "cdn.jsdelivr" not in page and "vega-embed" not in page
    assert (site / "_charts" / "big-fund-phases.csv").read_text().startswith("label,")
    for picture in ("big-fund-phases.svg", "big-fund-phases.w640.svg"):
        assert (site / "_charts" / picture).read_text().startswith("<svg")
    # the phone's picture is drawn in the page; its clip paths are the chart's own
    narrow = re.search(r'<svg class="ds-chart__narrow marks" aria-hidden="true"[^>]*>.*?</svg>', page, re.S).group(0)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert all(i.startswith("big-fund-phases-") for i in re.findall(r'id="([^"]+)"', narrow))
    assert all(ref[1:] in ids for ref in re.findall(r'url\((#[^)]+)\)', narrow))
    assert (site / "_charts" / "big-fund-phases.png").read_bytes().startswith(b"\x89PNG")
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", page, re.S)
    assert not any("ds-chart" in block or "vega" in block for block in inline)
    assert not (site / "reports").exists()


def test_a_kernel_that_will_not_start_is_tried_again_then_named(tmp_path, monkeypatch):
    from jupyter_cache.executors import utils

    from datastory import execute

    starts = []

    def dies(*args, **kwargs):
        starts.append(1)
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(utils, "single_nb_execution", dies)
    (tmp_path / "notebooks").mkdir()
    source = tmp_path / "notebooks" / "chapter.md"
    source.write_text(JUPYTEXT_HEADER + "\n# A chapter\n\n```{code-cell} ipython3\n1 + 1\n```\n", encoding="utf-8")
    with pytest.raises(execute.ExecutionFailed) as failed:
        execute.run(execute.Chapter(tmp_path, source, tmp_path / "cache"), timeout=5)
    assert len(starts) == execute.KERNEL_STARTS == 2
    assert str(failed.value).startswith("notebooks/chapter.md: the Python kernel did not start (Kernel died")
    assert "the notebook itself never ran" in str(failed.value)
    assert str(failed.value).endswith("(what the kernel printed: kernels.log).")


def test_what_kernels_print_to_stderr_goes_to_a_log_not_into_the_builds_messages(tmp_path, built_site):
    """A kernel's shutdown can log a library traceback on the process's own stderr; the build's
    messages must stay the build's (a CI run once showed a tornado traceback under a data error)."""
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    add_test_chapter(root, "97-test-stderr", JUPYTEXT_HEADER + "\n# Noise\n\n```{code-cell} ipython3\n"
                     "import os\nos.write(2, b'Traceback (from the kernel process itself)\\n')\n```\n")
    result = run_build(root)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "Traceback (from the kernel process itself)" in (root / "_build" / "kernels.log").read_text()


def test_failing_cell_fails_the_build_and_names_notebook_and_cell(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    notebook = root / "notebooks" / "01-state-venture-capitalist.md"
    text, count = re.subn(r'^(funds = load\("state_funds"\).*)$', r'\1\nraise RuntimeError("deliberate failure")',
                          notebook.read_text(), count=1, flags=re.M)
    assert count == 1
    notebook.write_text(text)
    result = run_build(root)
    assert result.returncode != 0
    lines = notebook.read_text().splitlines()
    line = lines.index('raise RuntimeError("deliberate failure")') + 1
    cell = sum(text.startswith("```{code-cell}") for text in lines[:line])
    assert (f"notebooks/01-state-venture-capitalist.md:{line}: code cell {cell} raised RuntimeError: "
            "deliberate failure" in result.stderr)
    assert "deliberate failure" in result.stderr
    assert not (root / "_build" / "html").exists()


def test_broken_cross_reference_fails(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    page = root / "book" / "methodology.md"
    page.write_text(page.read_text() + "\nSee {ref}`no-such-label`.\n")
    result = run_build(root)
    assert result.returncode != 0
    assert "no-such-label" in result.stdout + result.stderr


def test_unknown_config_key_fails_before_building(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    config = root / "_config.yml"
    config.write_text(config.read_text().replace("only_build_toc_files:", "only_build_toc_file:"))
    result = run_build(root)
    assert result.returncode != 0
    assert "unknown key 'only_build_toc_file' (did you mean only_build_toc_files?)" in result.stderr


def test_unknown_claim_fails(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    page = root / "book" / "methodology.md"
    page.write_text(page.read_text() + "\nA figure: {claim}`no-such-claim`.\n")
    result = run_build(root)
    assert result.returncode != 0
    assert "unknown claim 'no-such-claim'" in result.stdout + result.stderr


def test_failed_build_leaves_previous_site_intact(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    assert run_build(root).returncode == 0
    site = root / "_build" / "html"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    page = root / "book" / "methodology.md"
    page.write_text(page.read_text() + "\n{claim}`no-such-claim`\n")
    assert run_build(root).returncode != 0
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


SHAPES_MODULE = '''"""Synthetic helper module for the build tests: one test chapter imports it."""


def counted(frame):
    return len(frame)
'''

SECOND = JUPYTEXT_HEADER + """
# Test chapter (made by the test suite)

```{code-cell} ipython3
from datastory import load
from datastory.shapes_for_test import counted
counted(load("trade"))
```
"""


def add_test_chapter(root: Path, name: str, text: str) -> None:
    (root / "notebooks" / f"{name}.md").write_text(text)
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text().replace(
        "      - file: notebooks/01-state-venture-capitalist\n",
        f"      - file: notebooks/01-state-venture-capitalist\n      - file: notebooks/{name}\n"))


def chapters_whose_code(root: Path, pattern: str) -> list[str]:
    """Executable pages (chapters, and book pages with a kernel such as the landing page) whose code
    matches ``pattern``: the test's own oracle, independent of the build's."""
    pages = [*(root / "notebooks").glob("*.md"), *(root / "book").glob("*.md")]
    return sorted(p.relative_to(root).with_suffix("").as_posix() for p in pages
                  if "kernelspec:" in (text := p.read_text(encoding="utf-8")) and re.search(pattern, text))


def test_incremental_rebuilds_reexecute_exactly_what_changed(tmp_path):
    root = copy_repo(tmp_path / "repo")
    (root / "datastory" / "shapes_for_test.py").write_text(SHAPES_MODULE)
    add_test_chapter(root, "99-test-trade", SECOND)
    notebooks = chapters_whose_code(root, "")
    loads_trade = chapters_whose_code(root, r'load\("trade"\)')
    converts = chapters_whose_code(root, r"\bconvert\(")
    assert "notebooks/99-test-trade" in loads_trade and len(loads_trade) < len(notebooks)
    assert converts and len(converts) < len(notebooks)
    first = run_build(root)
    assert first.returncode == 0, first.stderr[-2000:]
    assert executed(first) == notebooks

    noop = run_build(root)
    assert noop.returncode == 0 and executed(noop) == []

    edit_note(root / "data" / "trade.csv")
    csv_edit = run_build(root)
    assert csv_edit.returncode == 0, csv_edit.stderr[-2000:]
    assert executed(csv_edit) == loads_trade

    # a rate no chapter's code names: only the chapters that converted currency read it
    chart = root / "_build/html/_charts/big-fund-phases.csv"
    spec_before, chart_before = chart_spec(root, "01-state-venture-capitalist"), chart.read_text()
    rates = root / "data" / "fx_rates.csv"
    assert rates.read_text().count("7.0761") == 2  # the rate and its quote
    rates.write_text(rates.read_text().replace("7.0761", "7.0861"))
    fx_edit = run_build(root)
    assert fx_edit.returncode == 0, fx_edit.stderr[-2000:]
    assert executed(fx_edit) == converts
    assert chart_spec(root, "01-state-venture-capitalist") != spec_before
    assert chart.read_text() != chart_before  # its data download too

    helper = root / "tests" / "conftest.py"
    helper.write_text(helper.read_text() + "\n# edited by a test\n")
    helper_edit = run_build(root)
    assert helper_edit.returncode == 0 and executed(helper_edit) == []

    module = root / "datastory" / "shapes_for_test.py"
    module.write_text(module.read_text().replace("return len(frame)", "return int(len(frame))"))
    module_edit = run_build(root)
    assert module_edit.returncode == 0, module_edit.stderr[-2000:]
    assert executed(module_edit) == ["notebooks/99-test-trade"]

    chapter = root / "notebooks" / "01-state-venture-capitalist.md"
    heading = re.search(r"^## (.+)$", chapter.read_text(), re.M).group(0)
    chapter.write_text(chapter.read_text().replace(heading, heading + ", edited by a test"))
    prose_edit = run_build(root)
    assert prose_edit.returncode == 0
    assert set(executed(prose_edit)) <= {"notebooks/01-state-venture-capitalist"}
    assert "edited by a test" in (root / "_build/html/notebooks/01-state-venture-capitalist.html").read_text()


def chart_spec(root: Path, chapter: str) -> list[str]:
    page = (root / "_build" / "html" / "notebooks" / f"{chapter}.html").read_text(encoding="utf-8")
    return re.findall(r'class="ds-chart__spec">(.*?)</script>', page, re.S)


def edit_note(path: Path) -> None:
    """Change the free-text note of the last row: content changes, validity does not."""
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines[-1] = lines[-1] + " (checked)" if not lines[-1].endswith('"') else lines[-1][:-1] + ' (checked)"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_two_clean_builds_are_byte_identical(tmp_path):
    """Chart ids and specs, and every other file of the site, in two folders of different names."""
    pages, trees = [], []
    for name in ("a", "bb"):
        root = copy_repo(tmp_path / name)
        assert run_build(root).returncode == 0
        site = root / "_build" / "html"
        pages.append((site / "notebooks/01-state-venture-capitalist.html").read_text())
        trees.append({p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()})
    assert sorted(trees[0]) == sorted(trees[1])
    assert [name for name in trees[0] if trees[0][name] != trees[1][name]] == []
    ids = [re.findall(r'<figure class="ds-chart" id="([^"]+)"', page) for page in pages]
    specs = [re.findall(r'class="ds-chart__spec">(.*?)</script>', page, re.S) for page in pages]
    assert ids[0] == ids[1] and ids[0]
    assert specs[0] == specs[1]


def _chart_cell(title: str) -> str:
    return f"""
```{{code-cell}} ipython3
:tags: [remove-input]
alt.Chart(funds).mark_bar().encode(y="fund:N", x=alt.X("amount:Q", title="Billion yuan")).properties(
    title="{title}", description="{title}: registered capital by fund, billion yuan.")
```
"""


CHARTS = JUPYTEXT_HEADER + """
# Test chapter with two charts (made by the test suite)

```{code-cell} ipython3
:tags: [remove-cell]
import altair as alt

from datastory import charts, load

charts.enable()
funds = load("state_funds")
funds = funds[funds.currency == "CNY"].drop_duplicates("fund")[["fund", "amount", "source_id"]]
```
""" + _chart_cell("The first test chart draws every fund") + _chart_cell("The second test chart draws them again")


def test_removed_chart_chapter_and_static_file_leave_no_file_behind(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    add_test_chapter(root, "98-test-charts", CHARTS)
    retired = root / "datastory" / "static" / "vendor" / "retired-lib-0.1" / "retired.min.js"  # a replaced library
    retired.parent.mkdir(parents=True)
    retired.write_text("window.retired = 1;\n")
    site = root / "_build" / "html"

    def published() -> list[str]:
        return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                      if "98-test-charts" in p.name or "test-chart" in p.name or "retired" in p.name)

    result = run_build(root)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    first, second = "the-first-test-chart-draws-every-fund", "the-second-test-chart-draws-them-again"
    assert {f"_charts/{first}.csv", f"_charts/{second}.png", f"_charts/{second}.html",
            "_static/vendor/retired-lib-0.1/retired.min.js"} <= set(published())
    retired.unlink()
    retired.parent.rmdir()

    chapter = root / "notebooks" / "98-test-charts.md"
    chapter.write_text(chapter.read_text().replace(_chart_cell("The second test chart draws them again"), ""))
    result = run_build(root)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert f"_charts/{first}.csv" in published()
    assert [name for name in published() if second in name or "retired" in name] == []

    chapter.unlink()
    toc = root / "_toc.yml"
    toc.write_text(toc.read_text().replace("      - file: notebooks/98-test-charts\n", ""))
    result = run_build(root)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert published() == []
    assert [p.name for p in site.rglob("*.html") if "98-test-charts" in p.read_text(encoding="utf-8")] == []


def test_one_chapter_builds_alone_and_paired_notebooks_are_ignored_quietly(tmp_path, built_site):
    import nbformat

    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    chapters = chapters_whose_code(root, "")
    name = "notebooks/02-local-subsidies"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), root / f"{name}.ipynb")
    chapter = root / f"{name}.md"
    chapter.write_text(chapter.read_text() + "\n```{code-cell} ipython3\n:tags: [remove-cell]\n1 + 1\n```\n")

    whole = run_build(root)
    assert whole.returncode == 0, whole.stdout[-2000:] + whole.stderr[-2000:]
    log = whole.stdout + whole.stderr
    assert f"{name}.ipynb: ignored (a paired copy; the .md beside it is the chapter)" in log
    assert executed(whole) == [name]  # so a kernel did start, and said nothing
    for quiet in ("Kernel is running over TCP", "MdParserConfig(", "NbParserConfig(", "reading sources"):
        assert quiet not in log
    assert sorted(re.findall(r"^((?:notebooks|book)/\S+)\.md: ", log, re.M)) == chapters  # one line per notebook

    one = subprocess.run([sys.executable, "-m", "datastory", "build", "--only",
                          "notebooks/01-state-venture-capitalist.md"], cwd=root, capture_output=True, text=True,
                         timeout=600)
    assert one.returncode == 0, one.stdout[-2000:] + one.stderr[-2000:]
    page = root / "_build/_page/01-state-venture-capitalist/html/notebooks/01-state-venture-capitalist.html"
    assert 'id="chart-big-fund-phases"' in page.read_text(encoding="utf-8")
    assert not (page.parent / "02-local-subsidies.html").exists()
    assert re.findall(r"^(notebooks/\S+)\.md: ", one.stdout, re.M) == ["notebooks/01-state-venture-capitalist"]

    wrong = subprocess.run([sys.executable, "-m", "datastory", "build", "--only", "notebooks/01.md"],
                           cwd=root, capture_output=True, text=True, timeout=600)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "notebooks/01.md: no such file in the book; --only takes a chapter's .md file" in wrong.stderr


def test_a_citation_licence_edit_after_a_good_validation_is_validated_again(tmp_path):
    """The "validated" stamp covers everything validation reads: CITATION.cff and every module."""
    from datastory.build import BuildError, _prepare

    root = copy_repo(tmp_path / "repo")
    _prepare(root, root / "_build")  # a good validation leaves its stamp
    cff = root / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace("  - CC-BY-4.0\n", "  - CC0-1.0\n"), encoding="utf-8")
    with pytest.raises(BuildError, match="CITATION.cff"):
        _prepare(root, root / "_build")


def test_the_validation_stamp_covers_every_module_of_the_package():
    """An edit to any module validation may import (checks, measures, claims ...) re-validates."""
    from datastory.build import _validation_digest

    package = Path(__file__).resolve().parent.parent / "datastory"
    import datastory.build as build

    digests = []
    for name in ("checks.py", "measures.py", "claims.py"):
        module = package / name
        original = module.read_bytes()
        before = _validation_digest(package.parent)
        try:
            module.write_bytes(original + b"\n# touched\n")
            digests.append(before != build._validation_digest(package.parent))
        finally:
            module.write_bytes(original)
    assert digests == [True, True, True]


@pytest.mark.slow
def test_every_failing_chapter_is_named_when_several_fail(tmp_path):
    """A failure does not cancel the chapters still queued (which used to surface as a bare CancelledError)."""
    root = copy_repo(tmp_path / "repo")  # cold: every chapter is stale, more chapters than workers
    chapters = sorted((root / "notebooks").glob("*.md"))
    broken = [chapters[0], chapters[-1]]
    for number, notebook in enumerate(broken):
        notebook.write_text(notebook.read_text(encoding="utf-8") + "\n```{code-cell} ipython3\n"
                            f'raise RuntimeError("deliberate failure {number}")\n```\n', encoding="utf-8")
    result = run_build(root)
    assert result.returncode != 0
    assert "CancelledError" not in result.stderr
    for number, notebook in enumerate(broken):
        assert f"notebooks/{notebook.name}:" in result.stderr and f"deliberate failure {number}" in result.stderr
