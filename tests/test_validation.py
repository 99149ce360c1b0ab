"""The validator on the real package, and on broken copies of it: one defect each, each named.

Each case copies ``data/`` to a temporary folder, breaks one thing, and expects a problem at
that file, line (and column where there is one) with words that say what was expected.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import set_cell

from datastory.validation import check_package

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


def edit_line(path: Path, line: int, change) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line - 1] = change(lines[line - 1])
    path.write_text("\n".join(lines), encoding="utf-8")


def problems_at(data: Path, file: str) -> list[str]:
    return [str(p) for p in check_package(data) if p.path == f"data/{file}"]


def test_real_package_is_valid():
    assert [str(p) for p in check_package(ROOT / "data")] == []


def test_real_package_has_enough_sourced_claims():
    from datastory.data import load

    claims = load("claims", ROOT / "data")
    assert len(claims) >= 60
    assert (claims.status == "disputed").sum() >= 2


CASES = {
    "wrong type": ("claims.csv", lambda d: set_cell(d / "claims.csv", 2, "value", "abc"),
                   "claims.csv:2:3", "'abc' is not a valid number"),
    "missing required value": ("claims.csv", lambda d: set_cell(d / "claims.csv", 3, "label", ""),
                               "claims.csv:3:12", "is empty, but this column is required"),
    "impossible date": ("claims.csv", lambda d: set_cell(d / "claims.csv", 4, "as_of", "2025-02-30"),
                        "claims.csv:4:6", "is not a valid date (expected YYYY-MM-DD)"),
    "unknown source id": ("claims.csv", lambda d: set_cell(d / "claims.csv", 2, "source_id", "no-such-source"),
                          "claims.csv:2", "unknown reference"),
    "unknown currency": ("claims.csv", lambda d: set_cell(d / "claims.csv", 2, "currency", "XYZ"),
                         "claims.csv:2:5", "is not one of the allowed values"),
    "negative amount": ("state_funds.csv", lambda d: set_cell(d / "state_funds.csv", 2, "amount", "-5"),
                        "state_funds.csv:2:8", "is below the minimum allowed"),
    "quote lacks the value": ("claims.csv", lambda d: set_cell(d / "claims.csv", 2, "value", "123.45"),
                              "claims.csv:2:14", "the quote does not state 123.45"),
    "FX-inconsistent pair": ("claims.csv", lambda d: set_cell(d / "fx_rates.csv", 21, "rate", "5.5"),
                             "claims.csv:", "implies"),
    "duplicate primary key": ("claims.csv", lambda d: edit_line(d / "claims.csv", 3, lambda _: (
        d / "claims.csv").read_text(encoding="utf-8").split("\n")[1]), "claims.csv:3", "duplicate primary key"),
    "BOM": ("claims.csv", lambda d: (d / "claims.csv").write_bytes(b"\xef\xbb\xbf" + (d / "claims.csv").read_bytes()),
            "claims.csv:1:1", "byte-order mark"),
    "CRLF": ("claims.csv", lambda d: (d / "claims.csv").write_bytes((d / "claims.csv").read_bytes().replace(
        b"\n", b"\r\n")), "claims.csv:1", "CRLF"),
    "non-UTF-8 bytes": ("claims.csv", lambda d: (d / "claims.csv").write_bytes(
        (d / "claims.csv").read_bytes().replace(b"Big Fund phase I", b"Big Fund phase \xff", 1)),
        "claims.csv:", "is not valid UTF-8"),
    "extra column": ("claims.csv", lambda d: (d / "claims.csv").write_text("\n".join(
        line + ",x" if line else line for line in (d / "claims.csv").read_text(encoding="utf-8").split("\n")),
        encoding="utf-8"), "claims.csv:1:16", "unexpected extra column"),
    "missing column": ("markets.csv", lambda d: (d / "markets.csv").write_text("\n".join(
        line.rsplit(",", 1)[0] if line else line for line in (d / "markets.csv").read_text(encoding="utf-8").split(
            "\n")), encoding="utf-8"), "markets.csv:1:12", "missing from the header"),
    "empty file": ("trade.csv", lambda d: (d / "trade.csv").write_text("", encoding="utf-8"),
                   "trade.csv:1:1", "the file is empty"),
    "claim without a measure": ("claims.csv", lambda d: set_cell(d / "claims.csv", 3, "measure", ""),
                                "claims.csv:3:2", "is empty, but this column is required; write one of the id "
                                "values of data/measures.csv (What the figure counts)"),
    "claim with an unknown measure": ("claims.csv", lambda d: set_cell(d / "claims.csv", 3, "measure", "spent"),
                                      "claims.csv:3:2", "unknown reference: measure 'spent' is not a id in "
                                      "data/measures.csv"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_defect_gets_its_own_located_message(data, case):
    file, breaker, where, words = CASES[case]
    before = sorted(p.name for p in data.iterdir())
    breaker(data)
    found = problems_at(data, file)
    assert any(where in p and words in p for p in found), found
    assert sorted(p.name for p in data.iterdir()) == before  # the validator writes nothing


def test_cli_exits_nonzero_and_names_the_problem(data):
    set_cell(data / "claims.csv", 2, "value", "abc")
    result = subprocess.run([sys.executable, "-m", "datastory", "validate", "--data", str(data)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "data/claims.csv:2:3" in result.stderr and "1 problem(s)" in result.stderr


def test_data_layer_never_imports_the_checks():
    """One direction only: the checks take the opened package; loading a table runs none of them."""
    code = ("import sys; from datastory.data import load; load('claims'); "
            "print(sorted(m for m in sys.modules if m.startswith('datastory.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = result.stdout
    assert "datastory.data" in loaded
    for checks in ("datastory.validation", "datastory.provenance", "datastory.checks"):
        assert f"'{checks}'" not in loaded, loaded
