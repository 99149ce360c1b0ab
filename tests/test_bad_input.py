"""Bad input as a forker makes it: each case breaks one thing in a copy of ``data/`` and expects
``python -m datastory validate`` to name it at its file, physical line and column, exit with 2,
and print no traceback. Together with ``test_validation.CASES`` these are the issue's 36 cases
and the ones found while fixing them; ``python tests/test_bad_input.py`` prints the table of all.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_validation import CASES as SCHEMA_CASES
from test_validation import edit_line, set_cell

from datastory.cli import main
from datastory.data import DataError, load

ROOT = Path(__file__).resolve().parent.parent
FX_LAST_LINE = len((ROOT / "data" / "fx_rates.csv").read_text(encoding="utf-8").splitlines())


def rewrite(path: Path, change) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def descriptor(data: Path, change) -> None:
    """Edit the parsed descriptor and write it back as the repository formats it."""
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    change(package)
    (data / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def field(package: dict, table: str, name: str) -> dict:
    res = next(r for r in package["resources"] if r["name"] == table)
    return next(f for f in res["schema"]["fields"] if f["name"] == name)


def drop_column(path: Path, column: str) -> None:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:index] + r[index + 1:] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def header_only(path: Path) -> None:
    rewrite(path, lambda text: text.split("\n", 1)[0] + "\n")


def stray_quote(data: Path) -> None:
    """A quote opened in claims.csv line 5 that a later line's quote closes: two rows would merge."""
    edit_line(data / "claims.csv", 5, lambda line: line.replace(",Big Fund phase III in dollars,",
                                                                ',"Big Fund phase III in dollars,'))


#: case -> (breaker(data), expected location, words the message must contain, exact count or None)
CASES = {
    "unpadded date": (lambda d: set_cell(d / "claims.csv", 4, "as_of", "2025-7-1"),
                      "data/claims.csv:4:6", "zero-padded", None),
    "date with slashes": (lambda d: set_cell(d / "sources.csv", 3, "accessed", "22/11/2026"),
                          "data/sources.csv:3:6", "is not a valid date (expected YYYY-MM-DD", None),
    "header-only table": (lambda d: header_only(d / "trade.csv"), "data/trade.csv:1",
                          "the table has a header but no rows", 1),
    "boolean outside the schema's values": (lambda d: set_cell(d / "open_models.csv", 2, "weights_open", "yes"),
                                            "data/open_models.csv:2:9", "'yes' is not a valid boolean", None),
    "stray quote mid-file merges rows": (stray_quote, "data/claims.csv:5:12", "runs on to line", None),
    "unbalanced quote never closed": (lambda d: edit_line(d / "fx_rates.csv", FX_LAST_LINE,
                                                          lambda line: line + ',"oops'),
                                      f"data/fx_rates.csv:{FX_LAST_LINE}:11", "nothing closes it", None),
    "stray quote opens a cell that a later line closes": (lambda d: edit_line(
        d / "claims.csv", 3, lambda line: line + ',"oops'), "data/claims.csv:3:16", "runs on to line 6", None),
    "line break inside a quoted cell": (lambda d: edit_line(d / "claims.csv", 2, lambda line: line.replace(
        "The first phase of the fund", "The first phase\nof the fund", 1)), "data/claims.csv:2:14",
        "runs on to line 3", None),
    "text after a closing quote": (lambda d: edit_line(d / "claims.csv", 2, lambda line: line.replace(
        '204 billion yuan."', '204 billion yuan." (Reuters)', 1)), "data/claims.csv:2:14",
        "follows the closing double quote", None),
    "quote inside an unquoted cell": (lambda d: set_cell(d / "claims.csv", 2, "label", 'Big "Fund" I') or rewrite(
        d / "claims.csv", lambda t: t.replace('"Big ""Fund"" I"', 'Big "Fund" I')), "data/claims.csv:2:12",
        "a double quote inside an unquoted cell", None),
    "malformed datapackage.json": (lambda d: rewrite(d / "datapackage.json", lambda t: t.replace(
        '"name": "sources",', '"name": "sources"', 1)), "data/datapackage.json:23:", "not valid JSON", 1),
    "descriptor without resources": (lambda d: (d / "datapackage.json").write_text("{}\n"),
                                     "data/datapackage.json", "'resources' list", 1),
    "descriptor missing": (lambda d: (d / "datapackage.json").unlink(), "data/datapackage.json",
                           "not found", 1),
    "unknown field type": (lambda d: descriptor(d, lambda p: field(p, "claims", "label").update(type="strin")),
                           "data/datapackage.json:", "resource 'claims', field 'label': type 'strin' is not a "
                           "Table Schema type", None),
    "unsupported field type": (lambda d: descriptor(d, lambda p: field(p, "trade", "period").update(
        type="geopoint")), "data/datapackage.json:", "resource 'trade', field 'period': type 'geopoint' is not "
        "supported", None),
    "table name with a space": (lambda d: descriptor(d, lambda p: p["resources"][-1].update(name="chip imports")),
                                "data/datapackage.json:", "resource 'chip imports': the name must be lower-case",
                                None),
    "foreign key to an unknown table": (lambda d: descriptor(d, lambda p: p["resources"][2]["schema"][
        "foreignKeys"][0]["reference"].update(resource="source")), "data/datapackage.json:",
        "points to table 'source'", None),
    "two tables with one name": (lambda d: descriptor(d, lambda p: p["resources"][2].update(name="trade")),
                                 "data/datapackage.json:", "two tables have this name", None),
    "listed CSV missing": (lambda d: (d / "markets.csv").unlink(), "data/markets.csv",
                           "file not found; the data package lists table 'markets'", 1),
    "missing column named once": (lambda d: drop_column(d / "markets.csv", "currency"), "data/markets.csv:1:9",
                                  "column 'currency' is missing from the header", 1),
    "semicolon-separated file": (lambda d: rewrite(d / "fx_rates.csv", lambda t: "\n".join(
        ";".join(line.split(",")) if i == 0 else line.replace(",", ";") for i, line in enumerate(t.split("\n")))),
        "data/fx_rates.csv:1", "separated by ';', not commas", 1),
    "tab-separated file": (lambda d: rewrite(d / "fx_rates.csv", lambda t: t.replace(",", "\t")),
                           "data/fx_rates.csv:1", "separated by tabs", 1),
    "columns out of order": (lambda d: rewrite(d / "fx_rates.csv", lambda t: t.replace(
        "rate_id,base,quote_currency", "base,rate_id,quote_currency", 1)), "data/fx_rates.csv:1",
        "not in the schema's order", None),
    "column named twice": (lambda d: rewrite(d / "fx_rates.csv", lambda t: t.replace("note\n", "base\n", 1)),
                           "data/fx_rates.csv:1:10", "column 'base' appears twice", None),
    "row with an unquoted comma": (lambda d: edit_line(d / "fx_rates.csv", 3, lambda line: line.replace(
        "FRED/H.10; Big Fund", "FRED/H.10, Big Fund")), "data/fx_rates.csv:3", "this row has 11 cells but the "
        "header has 10", 1),
    "row with a cell missing": (lambda d: edit_line(d / "fx_rates.csv", 3, lambda line: line.replace(",day,", ",")),
                                "data/fx_rates.csv:3", "this row has 9 cells", 1),
    "blank line mid-file": (lambda d: edit_line(d / "fx_rates.csv", 4, lambda line: "\n" + line),
                            "data/fx_rates.csv:4", "empty line", 1),
    "no newline at the end": (lambda d: rewrite(d / "fx_rates.csv", lambda t: t.rstrip("\n")),
                              f"data/fx_rates.csv:{FX_LAST_LINE}", "no newline at its end", 1),
    "number with a thousands separator": (lambda d: set_cell(d / "claims.csv", 2, "value", "1,387"),
                                          "data/claims.csv:2:3", "'1,387' is not a valid number", None),
    "pattern: id in capitals": (lambda d: set_cell(d / "fx_rates.csv", 2, "rate_id", "FX01"),
                                "data/fx_rates.csv:2:1", "does not match the expected pattern", None),
    "quote over 300 characters": (lambda d: set_cell(d / "fx_rates.csv", 2, "quote", "x" * 301),
                                  "data/fx_rates.csv:2:9", "is too long (301 characters)", None),
    "integer-like year in a date column": (lambda d: set_cell(d / "fx_rates.csv", 2, "date", "2014"),
                                           "data/fx_rates.csv:2:5", "is not a valid date", None),
    "trailing space in a value": (lambda d: set_cell(d / "claims.csv", 2, "currency", "CNY "),
                                  "data/claims.csv:2:5", "has a space at its start or end", None),
    "zero-width space in a label": (lambda d: set_cell(d / "claims.csv", 2, "label", "Big Fund\u200b phase I"),
                                    "data/claims.csv:2:12", "invisible character U+200B at position 9", 1),
    "descriptor licence disagrees with CITATION.cff": (lambda d: descriptor(d, lambda p: p["licenses"][0].update(
        name="CC0-1.0")), "data/datapackage.json", "CITATION.cff licenses the data CC-BY-4.0", 1),
}


def physical_lines_after_a_bad_line(data: Path) -> None:
    """A line break in claims line 2 shifts every record; the type error on the next row keeps its line."""
    edit_line(data / "claims.csv", 2, lambda line: line.replace("The first phase of", "The first phase\nof", 1))
    set_cell_text(data / "claims.csv", 4, "value", "abc")


def set_cell_text(path: Path, line: int, column: str, value: str) -> None:
    """Set a cell on a physical line of a file that no longer parses as CSV as a whole."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


CASES["line numbers are physical lines"] = (physical_lines_after_a_bad_line, "data/claims.csv:4:3",
                                            "'abc' is not a valid number", None)
CASES["schema error does not hide provenance"] = (
    lambda d: (set_cell(d / "trade.csv", 2, "value", "abc"), set_cell(d / "claims.csv", 2, "value", "123.45")),
    "data/claims.csv:2:14", "the quote does not state 123.45", None)

CASES["claim measured otherwise than its row"] = (
    lambda d: set_cell(d / "claims.csv", 2, "measure", "registered_capital"), "data/claims.csv:2:2",
    "has measure 'registered_capital' but its note says it comes from state_funds row 'sf01', whose measure is "
    "'capital_raised' (Capital raised); a claim counts what its row counts, so set measure to 'capital_raised'", 1)

ALL = {**{name: (breaker, f"data/{where}", words, None) for name, (_, breaker, where, words) in SCHEMA_CASES.items()},
       **CASES}


@pytest.fixture
def data(tmp_path) -> Path:
    shutil.copy(ROOT / "CITATION.cff", tmp_path / "CITATION.cff")
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


def validate(data: Path, capsys) -> tuple[int, list[str]]:
    code = main(["validate", "--data", str(data)])
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


@pytest.mark.parametrize("case", ALL, ids=list(ALL))
def test_cli_names_each_bad_input_at_its_place_and_exits_2(data, capsys, case):
    breaker, where, words, count = ALL[case]
    breaker(data)
    code, lines = validate(data, capsys)
    assert code == 2, lines
    problems, summary = lines[:-1], lines[-1]
    assert re.fullmatch(r"\d+ problem\(s\) in .*", summary)
    assert int(summary.split()[0]) == len(problems)
    assert all(re.match(r"data/[\w.-]+(:\d+)?(:\d+)?: \S", p) for p in problems), problems
    matching = [p for p in problems if p.startswith(where) and words in p]
    assert matching, problems
    if count is not None:
        assert len(problems) == count, problems


def test_excel_true_is_a_boolean_for_loader_and_validator_alike(data, capsys):
    set_cell(data / "open_models.csv", 2, "weights_open", "TRUE")
    assert validate(data, capsys)[0] == 0
    assert load("open_models", data)["weights_open"].iloc[0] == True  # noqa: E712 (a pandas boolean)


def test_schema_true_values_are_obeyed(data, capsys):
    descriptor(data, lambda p: field(p, "open_models", "weights_open").update(trueValues=["yes"], falseValues=["no"]))
    set_cell(data / "open_models.csv", 2, "weights_open", "yes")
    code, lines = validate(data, capsys)
    assert any("data/open_models.csv:3:9" in line and "'true' is not a valid boolean; the schema allows 'yes'" in line
               for line in lines), lines
    assert not any("open_models.csv:2:" in line for line in lines)


def test_loader_refuses_what_the_validator_refuses(data):
    set_cell(data / "claims.csv", 4, "as_of", "2025-7-1")
    with pytest.raises(DataError, match=r"data/claims.csv:4:6: column 'as_of': '2025-7-1' is not a valid date"):
        load("claims", data)


def test_missing_folder_is_a_user_error(tmp_path, capsys):
    assert main(["validate", "--data", str(tmp_path / "nowhere")]) == 2
    assert "no folder" in capsys.readouterr().err


def test_real_cli_prints_no_traceback(data):
    (data / "datapackage.json").write_text('{"resources": [', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "datastory", "validate", "--data", str(data)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("data/datapackage.json:1:")


if __name__ == "__main__":  # the table of bad inputs tried: case | exit code | first message
    import io
    import tempfile
    from contextlib import redirect_stderr

    print("| case | exit | message |\n|---|---|---|")
    for name, (breaker, where, words, _) in ALL.items():
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(ROOT / "CITATION.cff", Path(tmp) / "CITATION.cff")
            folder = Path(shutil.copytree(ROOT / "data", Path(tmp) / "data"))
            breaker(folder)
            err = io.StringIO()
            with redirect_stderr(err):
                code = main(["validate", "--data", str(folder)])
            lines = err.getvalue().splitlines()
            shown = next((line for line in lines if line.startswith(where) and words in line), lines[0])
            print(f"| {name} | {code} | {shown.replace('|', '/')[:230]} |")
