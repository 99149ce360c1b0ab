"""Every figure means what it says: second checks, measures, computed comparisons, certainty.

Unit tests break one thing in a copy of ``data/`` or in a chart spec; the slow tests build a
copy of the book with a broken chart and a broken comparison and read the built pages.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from conftest import copy_repo, run_build, set_cell

from datastory import charts, comparisons
from datastory.chart_rules import UnmarkedRows
from datastory.data import load, open_package
from datastory.validation import check_package

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


def drop_line(path: Path, starts: str) -> int:
    """Delete the first line starting with ``starts``; return its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(starts))
    del lines[index]
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the second check ------------------------------------------------------------------------


def check_meaning(folder: Path) -> list[str]:
    """Only this module's problems: the package's other checks are tested elsewhere."""
    from datastory.checks import check_meaning

    package = open_package(folder)
    return [str(p) for p in check_meaning(package, {res["name"] for res in package.resources})]


def test_real_package_has_a_current_check_for_every_row():
    assert check_meaning(ROOT / "data") == []


def test_row_without_a_recorded_check_fails_validation_with_located_advice(data):
    drop_line(data / "checks.csv", "state_funds,sf03,")
    line = 2 + pd.read_csv(data / "state_funds.csv", dtype=str).row_id.tolist().index("sf03")
    found = [str(p) for p in check_package(data)]
    assert any(p.startswith(f"data/state_funds.csv:{line}:1: state_funds row 'sf03' has no recorded second check")
               and "add a line to data/checks.csv" in p for p in found), found


def test_check_of_a_removed_row_is_stale(data):
    with (data / "checks.csv").open("a", encoding="utf-8") as f:
        f.write("trade,tr999,2026-11-30,https://example.org/,confirmed,gone\n")
    assert any("no row 'tr999' in trade" in str(p) for p in check_meaning(data))


def test_unverified_claim_must_say_so(data):
    checks = (data / "checks.csv").read_text(encoding="utf-8")
    claims = pd.read_csv(data / "claims.csv", dtype=str).set_index("claim_id")
    claim = next(line.split(",")[1] for line in checks.splitlines()  # the first confirmed claim
                 if line.startswith("claims,") and ",confirmed," in line and line.split(",")[1] in claims.index
                 and claims.loc[line.split(",")[1], "qualifier"] != "unverified")
    lines = [re.sub(r",(confirmed|corrected|re-sourced),", ",unverified,", line)
             if line.startswith(f"claims,{claim},") else line for line in checks.split("\n")]
    (data / "checks.csv").write_text("\n".join(lines), encoding="utf-8")
    assert any(f"claim {claim!r} could not be found again" in str(p) for p in check_meaning(data))


def test_a_copy_is_never_the_publisher(data):
    replace_in(data / "sources.csv", ",Reuters,https://www.marketscreener.com",
               ",Reuters (via MarketScreener),https://www.marketscreener.com")
    found = check_meaning(data)
    assert any("describes a copy; the publisher is who wrote the text" in p for p in found), found


def test_via_needs_both_publisher_and_address(data):
    sources = pd.read_csv(data / "sources.csv", dtype=str)  # not load(): it caches the table per folder
    line = 2 + sources.index[sources.via_publisher == "MarketScreener"][0]
    set_cell(data / "sources.csv", line, "via_url", "")
    found = check_meaning(data)
    assert any("via_url is empty; via_publisher and via_url go together" in p for p in found), found


# -- measures that label themselves ----------------------------------------------------------


def _two_measure_chart(**encoding) -> dict:
    rows = pd.DataFrame({"fund": ["Big Fund I", "Big Fund I"], "measure": ["registered_capital", "capital_raised"],
                         "billions": [98.7, 138.7], "source_id": ["a", "b"]})
    return alt.Chart(rows).mark_bar().encode(
        x="billions:Q", y="fund:N", tooltip=["measure:N"], **encoding,
    ).properties(title="Big Fund I in two measures", description="Test chart").to_dict()


def test_chart_mixing_two_measures_unmarked_is_refused():
    charts.enable()
    with pytest.raises(UnmarkedRows, match=r"chart 'Big Fund I in two measures' draws rows of 2 measures "
                                           r"\(capital_raised, registered_capital\)"):
        charts.bundle(_two_measure_chart())
    assert charts.bundle(_two_measure_chart(color="measure:N"))["title"] == "Big Fund I in two measures"


def test_unverified_row_must_be_marked_on_the_chart():
    charts.enable()
    rows = pd.DataFrame({"row_id": ["sf01", "sf02"], "fund": ["A", "B"], "billions": [1.0, 2.0],
                         "second_check": ["confirmed", "unverified"], "source_id": ["a", "b"]})
    unmarked = alt.Chart(rows).mark_bar().encode(x="billions:Q", y="fund:N").properties(
        title="Two funds", description="Test chart")
    with pytest.raises(UnmarkedRows, match=r"chart 'Two funds' draws 1 row\(s\) whose page could not be found "
                                           r"again \(sf02\)"):
        charts.bundle(unmarked.to_dict())
    marked = unmarked.encode(opacity="second_check:N", tooltip=["second_check:N"])
    assert charts.bundle(marked.to_dict())


def test_measure_words_come_from_the_vocabulary():
    from datastory import measures

    assert measures.label("capital_raised") == "Capital raised"
    assert measures.axis_title("registered_capital", "billion yuan") == "Registered capital (billion yuan)"
    with pytest.raises(KeyError, match="unknown measure 'spent'"):
        measures.label("spent")


def test_every_amount_table_names_its_measure_from_the_vocabulary(data):
    replace_in(data / "company_figures.csv", "cf022,Tencent,capex,", "cf022,Tencent,capital_spend,")
    found = [str(p) for p in check_package(data)]
    assert any(p.startswith("data/company_figures.csv:") and "capital_spend" in p for p in found), found


def claim_line(data: Path, claim_id: str) -> int:
    lines = (data / "claims.csv").read_text(encoding="utf-8").split("\n")
    return next(number for number, line in enumerate(lines, 1) if line.startswith(f"{claim_id},"))


def test_every_claim_names_what_it_counts():
    claims = load("claims", ROOT / "data")
    assert claims["measure"].notna().all()
    assert set(claims["measure"]) <= set(load("measures", ROOT / "data")["id"])


def test_claim_measured_otherwise_than_the_row_it_comes_from_fails(data):
    """big-fund-1-cny is state_funds row sf01: the fund's total size, capital raised, not registered capital."""
    line = claim_line(data, "big-fund-1-cny")
    set_cell(data / "claims.csv", line, "measure", "registered_capital")
    found = [str(p) for p in check_package(data)]
    assert found == [f"data/claims.csv:{line}:2: claim 'big-fund-1-cny' has measure 'registered_capital' but its "
                     "note says it comes from state_funds row 'sf01', whose measure is 'capital_raised' (Capital "
                     "raised); a claim counts what its row counts, so set measure to 'capital_raised', or correct "
                     "the row if it is the row that is wrong"], found


def test_row_measured_otherwise_than_its_claim_fails_too(data):
    """Correcting the row and not the claim (or the reverse) is caught from either side."""
    replace_in(data / "company_figures.csv", "cf015,ByteDance,capex,", "cf015,ByteDance,capex_plan,")
    found = [str(p) for p in check_package(data)]
    line = claim_line(data, "bytedance-capex-2024")
    assert any(p.startswith(f"data/claims.csv:{line}:2: ") and "whose metric is 'capex_plan'" in p
               for p in found), found


def test_conversion_keeps_the_measure_of_the_claim_it_converts(data):
    line = claim_line(data, "compute-alibaba-pledge-usd-derived")
    set_cell(data / "claims.csv", line, "measure", "capex")
    found = [str(p) for p in check_package(data)]
    assert found == [f"data/claims.csv:{line}:2: claim 'compute-alibaba-pledge-usd-derived' has measure 'capex' "
                     "but converts claim 'alibaba-ai-pledge-cny' (derived_from), whose measure is 'capex_plan'; a "
                     "conversion counts the same thing, so set measure to 'capex_plan'"], found


def test_note_naming_a_row_that_does_not_exist_fails(data):
    replace_in(data / "claims.csv", "From trade row tr015.", "From trade row tr915.")
    found = [str(p) for p in check_package(data)]
    line = claim_line(data, "ev-duty-byd")
    assert found == [f"data/claims.csv:{line}:15: claim 'ev-duty-byd': its note says it comes from trade row "
                     "'tr915', but data/trade.csv has no row 'tr915'; name the row the figure comes from, or drop "
                     "the reference"], found


def test_claim_hover_names_what_the_figure_counts():
    from datastory.claims import readings

    raised = readings(ROOT / "data")["big-fund-1-cny"]  # its page was not found again by the second check
    assert raised.measure_label == "Capital raised"
    assert raised.hover.startswith("Capital raised. Unverified: ") and "\u201cThe first phase" in raised.hover
    estimate = readings(ROOT / "data")["bytedance-infra-2024-nyt"]
    assert estimate.hover.startswith("Capital spending. Estimate: ")


# -- comparisons computed, not typed ---------------------------------------------------------


def row(row_id, amount, measure="capex", currency="USD", unit="billion", **more):
    return {"row_id": row_id, "amount": amount, "measure": measure, "currency": currency, "unit": unit, **more}


@pytest.mark.parametrize("ratio,words", [(3.77, "nearly four times"), (4.02, "about four times"),
                                         (2.3, "more than twice"), (12.4, "about 12 times")])
def test_times_phrases(ratio, words):
    assert comparisons.times_phrase(ratio) == words


@pytest.mark.parametrize("ratio,words", [(2.0, "doubled"), (2.3, "more than doubled"), (3.15, "more than tripled"),
                                         (1.45, "rose 45%"), (0.8, "fell 20%")])
def test_change_phrases(ratio, words):
    assert comparisons.change_phrase(ratio) == words


def test_comparison_reads_scale_from_the_unit():
    assert comparisons.times(row("a", 83, unit="billion"), row("b", 22000, unit="million")) == "nearly four times"


def test_comparison_across_measures_fails():
    with pytest.raises(comparisons.IncomparableRows, match="measure 'registered_capital' vs 'cumulative_spend'"):
        comparisons.ratio(row("sf12", 344, "registered_capital", "CNY"), row("sf16", 100, "cumulative_spend", "CNY"))


def test_comparison_across_currencies_needs_a_stated_conversion():
    yuan = row("cf024", 76.8, currency="CNY")
    with pytest.raises(comparisons.IncomparableRows, match="currency 'CNY' vs 'USD'"):
        comparisons.ratio(yuan, row("cf033", 83))
    with pytest.raises(comparisons.IncomparableRows, match="states no conversion"):
        comparisons.ratio({**yuan, "amount_usd": 10.7}, row("cf033", 83, amount_usd=83), "amount_usd", currency="USD")
    converted = {**yuan, "amount_usd": 10.7, "fx_rate_id": "fx01"}
    found = comparisons.ratio(row("cf033", 83, amount_usd=83), converted, "amount_usd", currency="USD")
    assert found == pytest.approx(83 / 10.7)


def test_comparison_across_bases_fails():
    with pytest.raises(comparisons.IncomparableRows, match="basis 'y_y' vs 'unstated'"):
        comparisons.largest(pd.DataFrame([row("tr001", -45, "value", None, "percent", basis="y_y"),
                                          row("tr002", -71, "value", None, "percent", basis="unstated")]))


# -- the built site --------------------------------------------------------------------------


ESTIMATE_MARKER = re.compile(r'<a [^>]*class="[^"]*claim-estimate[^"]*"[^>]*>([^<]+)</a>\u00a0'
                             r'<abbr class="claim-qualifier claim-qualifier-estimate" title="([^"]+)">'
                             r'\(estimate\)</abbr>')


@pytest.mark.slow
def test_estimate_renders_its_qualifier_in_the_html(built_site):
    from datastory.claims import meaning

    claims = load("claims", built_site / "data").set_index("claim_id")
    assert claims.loc["bytedance-infra-2024-nyt", "qualifier"] == "estimate"
    html = (built_site / "_build" / "html" / "notebooks" / "04-compute.html").read_text(encoding="utf-8")
    assert ("$11 billion", meaning("estimate")) in ESTIMATE_MARKER.findall(html)


@pytest.mark.slow
def test_data_page_and_prose_name_the_measure_of_a_claim(built_site):
    """The ledger row of big-fund-1-cny says "Capital raised"; the chapter's figure says it on hover."""
    html = (built_site / "_build" / "html" / "book" / "data.html").read_text(encoding="utf-8")
    header = re.search(r'<table class="[^"]*ds-rows-claims.*?</thead>', html, re.S).group(0)
    assert re.findall(r"<th[^>]*><p>([^<]+)</p>", header) == ["Figure", "Measure", "What it is", "Certainty",
                                                                "Status", "Source"]
    row = re.search(r'<tr[^>]* id="claim-big-fund-1-cny">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    assert re.search(r'<abbr class="ds-measure" title="Money a fund has raised[^"]*">Capital raised</abbr>',
                     cells[1]), cells[1]
    chapter = (built_site / "_build" / "html" / "notebooks" / "01-state-venture-capitalist.html").read_text(
        encoding="utf-8")
    link = re.search(r'<a class="[^"]*claim-reported[^"]*" href="[^"]*#claim-big-fund-1-cny"[^>]*>', chapter)
    assert link and 'title="Capital raised. ' in link.group(0), link


@pytest.mark.slow
def test_landing_page_numbers_carry_their_certainty(built_site):
    """Every figure on the landing page that is not simply reported shows its qualifier's marker."""
    claims = load("claims", built_site / "data").set_index("claim_id")
    source = (built_site / "book" / "index.md").read_text(encoding="utf-8")
    used = set(re.findall(r"\{claim\}`([^`]+)`", source)) | set(re.findall(r"^([a-z0-9-]+) \| ", source, re.M))
    qualified = {claims.loc[c, "qualifier"] for c in used} - {"reported"}
    html = (built_site / "_build" / "html" / "book" / "index.html").read_text(encoding="utf-8")
    assert qualified, "the landing page should state at least one estimate, plan or disputed figure"
    for qualifier in qualified:
        assert f'<abbr class="claim-qualifier claim-qualifier-{qualifier}"' in html, qualifier


@pytest.mark.slow
def test_chart_mixing_two_measures_unmarked_fails_the_build(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    chapter_1 = root / "notebooks" / "01-state-venture-capitalist.md"
    # chapter 1's guidance-fund chart draws registered capital and announced sizes, told apart by colour
    replace_in(chapter_1, 'colour = alt.Color("measure_label:N", title=None, scale=MEASURES)',
               'colour = alt.value("#0072B2")')
    replace_in(chapter_1, 'stroke = alt.Stroke("measure_label:N", title=None, scale=MEASURES)',
               'stroke = alt.value("#0072B2")')
    result = run_build(root)
    assert result.returncode != 0
    assert "UnmarkedRows" in result.stderr and "draws rows of 2 measures" in result.stderr
    assert "Each regional fund registered less" in result.stderr
    assert not (root / "_build" / "html").exists()


@pytest.mark.slow
def test_mixed_measures_and_a_comparison_across_measures_fail_the_build(tmp_path, built_site):
    root = copy_repo(tmp_path / "repo", cache_from=built_site)
    chapter_1 = root / "notebooks" / "01-state-venture-capitalist.md"
    replace_in(chapter_1, 'funds = load("state_funds")', 'funds = load("state_funds")\n'
               'from datastory import comparisons\n'
               'comparisons.times(funds.set_index("row_id").loc["sf12"], funds.set_index("row_id").loc["sf16"])')
    result = run_build(root)
    assert result.returncode != 0
    assert "IncomparableRows" in result.stderr and "measure 'registered_capital' vs 'cumulative_spend'" in result.stderr
    assert not (root / "_build" / "html").exists()
