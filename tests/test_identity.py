"""The fork's identity lives in CITATION.cff alone; the build takes it from there and refuses copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from datastory.build import BuildError, _config_with_identity
from datastory.identity import IdentityError, book_config, identity

ROOT = Path(__file__).resolve().parent.parent


def test_identity_of_this_repository():
    ident = identity(ROOT)
    assert ident.title == "China's bet on AI"
    assert ident.authors == ["Datastory Newsroom"]
    # no made-up address: the file names none until the site exists; the publishing workflow supplies it
    assert "example" not in (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert ident.date_released[:4] >= "2026"


def test_addresses_come_from_the_publishing_environment(tmp_path, monkeypatch):
    root = fork(tmp_path, url=None, **{"repository-code": None})
    assert (identity(root).site_url, identity(root).repository_url) == ("", "")
    config = book_config({}, identity(root))
    assert config["html"]["baseurl"] == ""  # relative links, no sitemap
    monkeypatch.setenv("DATASTORY_SITE_URL", "https://owner.github.io/repo")
    monkeypatch.setenv("DATASTORY_REPOSITORY_URL", "https://github.com/owner/repo/")
    ident = identity(root)
    assert (ident.site_url, ident.repository_url) == ("https://owner.github.io/repo/", "https://github.com/owner/repo")
    monkeypatch.setenv("DATASTORY_SITE_URL", "owner.github.io/repo")
    with pytest.raises(IdentityError, match="not a web address"):
        identity(root)
    assert (ident.licence_data, ident.licence_code) == ("CC-BY-4.0", "MIT")


def fork(tmp_path: Path, **changes) -> Path:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            cff.pop(key, None)
        else:
            cff[key] = value
    (tmp_path / "CITATION.cff").write_text(yaml.safe_dump(cff, allow_unicode=True), encoding="utf-8")
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    return tmp_path


def test_a_fork_changes_one_file_and_the_book_config_follows(tmp_path):
    root = fork(tmp_path, title='The "chip" story', url="https://example.org/chips",
                **{"repository-code": "https://github.com/someone/chips/",
                   "authors": [{"given-names": "Ada", "family-names": "Lovelace"}, {"name": "Desk"}],
                   "license": "CC0-1.0"})
    ident = identity(root)
    assert ident.byline == "Ada Lovelace and Desk"
    assert ident.licence_code == ident.licence_data == "CC0-1.0"
    config = yaml.safe_load(_config_with_identity(root, tmp_path / "_build").read_text(encoding="utf-8"))
    assert config["title"] == 'The "chip" story'
    assert config["author"] == "Ada Lovelace and Desk"
    assert config["repository"] == {"url": "https://github.com/someone/chips", "branch": "main"}
    assert config["html"]["baseurl"] == "https://example.org/chips/"


@pytest.mark.parametrize("missing", ["title", "authors", "license"])
def test_missing_identity_field_is_named(tmp_path, missing):
    with pytest.raises(IdentityError, match=f"CITATION.cff: missing '{missing}'"):
        identity(fork(tmp_path, **{missing: None}))


def test_malformed_citation_is_located(tmp_path):
    (tmp_path / "CITATION.cff").write_text("title: x\nauthors: [\n", encoding="utf-8")
    with pytest.raises(IdentityError, match=r"CITATION.cff:3:1: not valid YAML"):
        identity(tmp_path)


@pytest.mark.parametrize("key,value", [(("author",), "Someone"), (("html", "baseurl"), "https://x.org/"),
                                       (("repository", "url"), "https://github.com/x/y")])
def test_a_second_copy_in_config_fails_the_build(tmp_path, key, value):
    root = fork(tmp_path)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    if len(key) == 2:
        config.setdefault(key[0], {})[key[1]] = value
    else:
        config[key[0]] = value
    (root / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(BuildError, match=f"_config.yml sets {'.'.join(key)}; remove it"):
        _config_with_identity(root, tmp_path / "_build")
    with pytest.raises(IdentityError):
        book_config(config, identity(root))
