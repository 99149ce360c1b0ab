"""A forker's own CSV joins the package: `add-table` infers a full schema, and `new-story --table`
draws the chapter from it. Runs in a copy of the repository's data package and table of contents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from datastory.cli import main
from datastory.data import load
from datastory.scaffold import PLACEHOLDER

ROOT = Path(__file__).resolve().parent.parent
#: SYNTHETIC rows for the tests only (not data): a forker's table of chip imports.
FORKER_CSV = """row_id,country,period_year,imports,unit,currency,on_list,first_seen,source_id,quote
ci01,CN,2024,385,billion,USD,true,2024-01-05,datahub-fred-h10-daily,"imports of 385 billion"
ci02,KR,2024,12.5,billion,USD,false,2024-02-05,datahub-fred-h10-daily,"imports of 12.5 billion"
ci03,CN,2023,349,billion,USD,true,2023-01-05,datahub-fred-h10-daily,"imports of 349 billion"
ci04,KR,2023,40,billion,USD,false,,datahub-fred-h10-daily,"imports of 40 billion"
"""


@pytest.fixture
def fork(tmp_path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    (tmp_path / "chip_imports.csv").write_text(FORKER_CSV, encoding="utf-8")
    return tmp_path


def fields(root: Path, table: str) -> dict[str, dict]:
    descriptor = json.loads((root / "data/datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == table)
    return res, {f["name"]: f for f in res["schema"]["fields"]}


def test_add_table_infers_types_required_fields_enums_and_keys(fork, capsys):
    assert main(["add-table", str(fork / "chip_imports.csv"), "--root", str(fork)]) == 0
    res, spec = fields(fork, "chip_imports")
    assert {name: f["type"] for name, f in spec.items()} == {
        "row_id": "string", "country": "string", "period_year": "year", "imports": "number", "unit": "string",
        "currency": "string", "on_list": "boolean", "first_seen": "date", "source_id": "string", "quote": "string"}
    assert spec["imports"]["constraints"] == {"required": True, "minimum": 0}
    assert "required" not in spec["first_seen"].get("constraints", {})  # one row leaves it empty
    assert spec["country"]["constraints"]["enum"] == ["CN", "KR"]
    assert spec["unit"]["constraints"]["enum"] == ["billion"]
    assert "enum" not in spec["quote"]["constraints"]
    assert res["schema"]["primaryKey"] == ["row_id"]
    assert res["schema"]["foreignKeys"][0]["reference"] == {"resource": "sources", "fields": "source_id"}
    assert res["x-value-field"] == "imports"
    assert (fork / "data/chip_imports.csv").read_text(encoding="utf-8") == FORKER_CSV
    frame = load("chip_imports", fork / "data")  # the loader reads it by the inferred schema
    assert frame["on_list"].tolist() == [True, False, True, False] and frame["imports"].sum() == 786.5
    assert "imports: number, required" in capsys.readouterr().out


@pytest.mark.parametrize("content,words", [
    ("a;b\n1;2\n", "separated by ';', not commas"),
    ('a,b\n1,"two\n', "nothing closes it"),
    ("a,b\n", "header but no rows"),
    ("my col,b\n1,2\n", "column name 'my col'"),
])
def test_add_table_refuses_a_csv_it_cannot_read_and_says_where(fork, capsys, content, words):
    (fork / "bad.csv").write_text(content, encoding="utf-8")
    before = (fork / "data/datapackage.json").read_bytes()
    assert main(["add-table", str(fork / "bad.csv"), "--root", str(fork)]) == 2
    err = capsys.readouterr().err
    assert words in err and (f"{fork / 'bad.csv'}:1" in err or f"{fork / 'bad.csv'}:2" in err), err
    assert (fork / "data/datapackage.json").read_bytes() == before
    assert not (fork / "data/bad.csv").exists()


def test_add_table_refuses_a_taken_or_invalid_name(fork, capsys):
    assert main(["add-table", str(fork / "chip_imports.csv"), "--root", str(fork), "--name", "claims"]) == 2
    assert "already has a table 'claims'" in capsys.readouterr().err
    assert main(["add-table", str(fork / "chip_imports.csv"), "--root", str(fork), "--name", "chip imports"]) == 2
    assert "not a valid table name" in capsys.readouterr().err


def test_new_story_draws_its_chart_from_the_table_it_names(fork):
    assert main(["add-table", str(fork / "chip_imports.csv"), "--root", str(fork)]) == 0
    title = 'China\'s "chip" imports'
    assert main(["new-story", "07-chip-imports", "--title", title, "--table", "chip_imports",
                 "--root", str(fork)]) == 0
    chapter = (fork / "notebooks/07-chip-imports.md").read_text(encoding="utf-8")
    assert f"# {title}\n" in chapter
    assert 'load("chip_imports")' in chapter and "state_funds" not in chapter
    assert 'alt.Y("row_id' not in chapter and 'alt.Y("country:N"' in chapter and 'alt.X("imports:Q"' in chapter
    assert chapter.count(PLACEHOLDER) == 6  # lead, chart title, and the unit in axis, tooltip, subtitle, description


def test_new_story_with_a_new_table_adds_an_empty_sourced_table(fork):
    assert main(["new-story", "07-chip-imports", "--title", "Chips", "--table", "chip_imports2",
                 "--root", str(fork)]) == 0
    assert (fork / "data/chip_imports2.csv").read_text() == "row_id,label,value,unit,source_id,quote\n"
    chapter = (fork / "notebooks/07-chip-imports.md").read_text(encoding="utf-8")
    assert 'load("chip_imports2")' in chapter and 'alt.Y("label:N"' in chapter and 'alt.X("value:Q"' in chapter


def test_new_story_refuses_a_table_name_with_a_space(fork, capsys):
    before = (fork / "data/datapackage.json").read_bytes()
    assert main(["new-story", "07-x", "--title", "X", "--table", "chip imports", "--root", str(fork)]) == 2
    err = capsys.readouterr().err
    assert "not a valid table name" in err and "(e.g. 'chip_imports')" in err
    assert (fork / "data/datapackage.json").read_bytes() == before
    assert not (fork / "notebooks/07-x.md").exists()
