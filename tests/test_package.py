"""The data package as an outsider picks it up: the zip under the real `frictionless` CLI, its
README, the SQLite database's keys, and Datasette started for real on a loopback port."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from datastory.data import open_package
from datastory.export import export, write_zip, zip_members
from datastory.identity import identity

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    return export(open_package(ROOT / "data"), ROOT, identity(ROOT), tmp_path_factory.mktemp("package"))


def test_zip_has_the_descriptor_at_its_root_and_everything_an_outsider_needs(exported):
    package = open_package(ROOT / "data")
    with zipfile.ZipFile(exported["zip"]) as archive:
        names = set(archive.namelist())
        assert {"datapackage.json", "README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE-DATA"} <= names
        assert {res["path"] for res in package.resources} <= names
        assert all("/" not in name for name in names)
        assert archive.read("CITATION.cff") == (ROOT / "CITATION.cff").read_bytes()
        # the edition's date on every member, and in the README's citation
        day = identity(ROOT).date_released
        assert {info.date_time[:3] for info in archive.infolist()} == {tuple(int(p) for p in day.split("-"))}
        assert f"edition of {day}" in archive.read("README.md").decode("utf-8")


def test_zip_is_byte_identical_across_exports(exported, tmp_path):
    again = export(open_package(ROOT / "data"), ROOT, identity(ROOT), tmp_path)
    assert again["zip"].read_bytes() == exported["zip"].read_bytes()


def frictionless(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "frictionless"), *args], capture_output=True, text=True, timeout=300)


def test_frictionless_cli_finds_the_zip_valid(exported):
    result = frictionless("validate", str(exported["zip"]))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "claims.csv" in result.stdout and "INVALID" not in result.stdout


def test_frictionless_cli_would_see_a_broken_table_in_the_zip(tmp_path):
    """The check above can fail: the same zip with one impossible date is INVALID."""
    ident, package = identity(ROOT), open_package(ROOT / "data")
    members = [(name, content.replace(b",2014-01-01,", b",2014-02-30,", 1) if name == "claims.csv" else content)
               for name, content in zip_members(package, ROOT, ident)]
    write_zip(tmp_path / "broken.zip", members)
    result = frictionless("validate", str(tmp_path / "broken.zip"))
    assert result.returncode != 0 and "claims" in result.stdout


def test_readme_is_a_codebook_written_from_the_descriptor(exported):
    readme = exported["readme"].read_text(encoding="utf-8")
    package, ident = open_package(ROOT / "data"), identity(ROOT)
    for res in package.resources:
        assert f"(`{res['path']}`)" in readme
        assert f"{len(package.table(res['name']).frame)} rows." in readme
        for spec in res["schema"]["fields"]:
            assert f"| `{spec['name']}` | {spec['type']}" in readme
    for heading in ("## Licence", "## How to cite", "## Report an error", "## Certainty"):
        assert heading in readme
    assert "sources last read on 20" in readme
    assert "Open an issue in the project's repository" in readme and not ident.site_url  # nothing made up
    assert "https://creativecommons.org/licenses/by/4.0/" in readme
    assert "`claims.status` (`reported`, `derived`, `disputed`)" in readme


def test_sqlite_has_the_schemas_keys_and_every_row(exported):
    package = open_package(ROOT / "data")
    with sqlite3.connect(exported["sqlite"]) as db:
        for res in package.resources:
            count = db.execute(f'select count(*) from "{res["name"]}"').fetchone()[0]
            assert count == len(package.table(res["name"]).frame), res["name"]
            pk = [row[1] for row in db.execute(f'pragma table_info("{res["name"]}")') if row[5]]
            assert pk == res["schema"]["primaryKey"], res["name"]
            fks = {(row[2], row[3], row[4]) for row in db.execute(f'pragma foreign_key_list("{res["name"]}")')}
            for fk in res["schema"].get("foreignKeys", []):
                assert (fk["reference"]["resource"], fk["fields"], fk["reference"]["fields"]) in fks
        assert db.execute("pragma foreign_key_check").fetchall() == []
        weights = db.execute("select typeof(weights_open), weights_open from open_models limit 1").fetchone()
        assert weights == ("integer", 1)
        assert db.execute("select typeof(as_of) from claims limit 1").fetchone() == ("text",)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_explore_serves_the_database_in_datasette_with_licence_sources_and_keys(tmp_path):
    """`make explore` runs this command: export, then Datasette on 127.0.0.1, queried here over HTTP."""
    if not (BIN / "datasette").exists():
        pytest.skip("Datasette is installed by requirements-explore.txt (make explore, make test)")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "datastory", "explore", "--root", str(ROOT), "--out",
                               str(tmp_path), "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base, database = f"http://127.0.0.1:{port}", open_package(ROOT / "data").descriptor["name"]
    try:
        for _ in range(300):
            try:
                get(f"{base}/-/versions.json")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                time.sleep(0.2)
        metadata = json.loads(get(f"{base}/-/metadata.json"))
        assert metadata["license"] == "CC-BY-4.0" and "source_url" not in metadata
        home = get(f"{base}/{database}")
        assert 'href="https://creativecommons.org/licenses/by/4.0/"' in home
        rows = json.loads(get(f"{base}/{database}/claims.json?_shape=array&claim_id=big-fund-1-cny"))
        source_id = open_package(ROOT / "data").table("claims").frame.set_index("claim_id").loc["big-fund-1-cny",
                                                                                                "source_id"]
        assert rows[0]["value"] == 138.7 and rows[0]["source_id"] == source_id
        table = get(f"{base}/{database}/claims?claim_id=big-fund-1-cny")
        assert f'href="/{database}/sources/{source_id}"' in table  # the foreign key
        assert "Id of the row in sources" in get(f"{base}/{database}/state_funds")  # column meanings
        found = json.loads(get(f"{base}/{database}/claims.json?_search=Nvidia&_shape=array"))
        assert found and all("nvidia" in (r["quote"] + r["label"] + (r["note"] or "")).lower() for r in found)
    finally:
        server.terminate()
        server.wait(timeout=10)
