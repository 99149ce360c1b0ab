"""Who publishes this copy: the fork's identity, read from ``CITATION.cff`` and nowhere else.

A fork changes one file to become itself: ``CITATION.cff`` names the work (``title``, also the
site's name), its ``authors`` (the publisher the byline names), the licences (``license``: the data
licence and, when it differs, the code licence) and, once they exist, the repository
(``repository-code``) and the published site (``url``). The build feeds them into the book's
configuration; the pages read the byline and citation from here; the data package zip carries
the same file.

No address is ever made up: without ``url`` the site's links stay relative (no sitemap, no
absolute page address in a citation or a picture's credit), and the publishing workflow supplies
the real addresses through ``DATASTORY_SITE_URL`` and ``DATASTORY_REPOSITORY_URL`` (for GitHub
Pages, the repository's own Pages address), which take precedence over the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

CITATION = "CITATION.cff"
#: Environment variables the publishing workflow sets to the real addresses (they win over the file).
SITE_URL_ENV, REPOSITORY_URL_ENV = "DATASTORY_SITE_URL", "DATASTORY_REPOSITORY_URL"
#: SPDX ids of licences written for data and creative works rather than software.
DATA_LICENCE_PREFIXES = ("CC-", "CC0", "ODbL", "ODC-", "PDDL", "OGL-", "etalab")


class IdentityError(ValueError):
    """CITATION.cff is missing or lacks a field; the message names the file and the field."""


@dataclass(frozen=True)
class Identity:
    title: str
    authors: list[str]
    repository_url: str
    site_url: str
    licence_code: str
    licence_data: str
    version: str = ""
    date_released: str = ""

    @property
    def byline(self) -> str:
        """'A, B and C': the authors as a sentence names them."""
        if len(self.authors) <= 1:
            return "".join(self.authors)
        return ", ".join(self.authors[:-1]) + " and " + self.authors[-1]


def _author(entry: dict) -> str:
    """A CFF person (given-names, family-names) or entity (name), as a byline writes it."""
    if entry.get("name"):
        return str(entry["name"]).strip()
    parts = [entry.get("name-particle"), entry.get("given-names"), entry.get("family-names"), entry.get("name-suffix")]
    return " ".join(str(p).strip() for p in parts if p)


def _licences(value, where: str) -> tuple[str, str]:
    """(code, data) from CFF ``license``: one SPDX id for both, or a list holding one of each kind."""
    ids = [value] if isinstance(value, str) else list(value or [])
    if not ids or not all(isinstance(i, str) and i.strip() for i in ids):
        raise IdentityError(f"{where}: 'license' must be an SPDX id or a list of them, e.g. "
                            "[CC-BY-4.0, MIT] (data licence and code licence)")
    data = [i for i in ids if i.startswith(DATA_LICENCE_PREFIXES)]
    code = [i for i in ids if not i.startswith(DATA_LICENCE_PREFIXES)]
    return (code or data)[0], (data or code)[0]


def identity(root: Path) -> Identity:
    """The fork's identity from ``root/CITATION.cff``; raises :class:`IdentityError` naming what is missing."""
    path = Path(root) / CITATION
    if not path.is_file():
        raise IdentityError(f"{CITATION} not found in {Path(root).resolve().name}/; it holds the site's title, "
                            "authors, repository URL, site URL and licences")
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{CITATION}:{mark.line + 1}:{mark.column + 1}" if mark else CITATION
        raise IdentityError(f"{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
    if not isinstance(cff, dict):
        raise IdentityError(f"{CITATION}: expected YAML keys (title, authors, ...), found {type(cff).__name__}")
    missing = [key for key in ("title", "authors", "license") if not cff.get(key)]
    if missing:
        raise IdentityError(f"{CITATION}: missing {', '.join(repr(m) for m in missing)}; a fork sets its own "
                            "title, authors and license here (and repository-code and url once they exist)")
    authors = [_author(a) for a in cff["authors"] if isinstance(a, dict)]
    if not authors or not all(authors):
        raise IdentityError(f"{CITATION}: each author needs 'name' or 'given-names'/'family-names'")
    code, data = _licences(cff["license"], CITATION)
    return Identity(
        title=str(cff["title"]).strip(),
        authors=authors,
        repository_url=_address(os.environ.get(REPOSITORY_URL_ENV) or cff.get("repository-code"), ""),
        site_url=_address(os.environ.get(SITE_URL_ENV) or cff.get("url"), "/"),
        licence_code=code,
        licence_data=data,
        version=str(cff.get("version", "")),
        date_released=str(cff.get("date-released", "")),
    )


def _address(value, tail: str) -> str:
    """An http(s) address without its trailing slash, plus ``tail``; "" when none is configured."""
    text = str(value or "").strip().rstrip("/")
    if not text:
        return ""
    if not text.startswith(("https://", "http://")):
        raise IdentityError(f"{CITATION}: {text!r} is not a web address; 'url' and 'repository-code' start with "
                            "https:// (or leave them out until the site and repository exist)")
    return text + tail


#: The ``_config.yml`` keys the build fills from the identity; a copy typed into _config.yml
#: would drift from CITATION.cff, so the build refuses it.
CONFIG_KEYS = (("title",), ("author",), ("repository", "url"), ("html", "baseurl"))


def book_config(config: dict, ident: Identity) -> dict:
    """``_config.yml`` as parsed, with the identity's title, author, repository URL and site URL filled in.

    Raises :class:`IdentityError` when ``_config.yml`` sets one of them itself.
    """
    typed = [".".join(key) for key in CONFIG_KEYS if _get(config, key) is not None]
    if typed:
        raise IdentityError(f"_config.yml sets {', '.join(typed)}; remove it: the build takes the title, authors, "
                            f"repository-code and url from {CITATION}, the one place a fork names itself")
    merged = {**config, "title": ident.title, "author": ident.byline}
    merged["repository"] = {**config.get("repository", {}), "url": ident.repository_url}
    merged["html"] = {**config.get("html", {}), "baseurl": ident.site_url}  # "" when not configured: relative links
    return merged


def _get(config: dict, key: tuple[str, ...]):
    for part in key:
        if not isinstance(config, dict) or part not in config:
            return None
        config = config[part]
    return config
