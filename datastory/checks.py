"""The second check: every sourced row has a recorded, separate re-reading of its page.

``data/checks.csv`` holds one line per row of every table that carries a quote, per claim and
per source: who re-read the page (which copy), when, and the verdict. This module checks that
the record is complete and current, that a source read on a copy names the copy as ``via``
rather than as the author, and that a claim whose page could not be found again says so; and
it gives notebooks the verdict of each row so charts can show an unverified one as unverified.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .data import Package, Problem, Table, load

TABLE = "checks"
UNVERIFIED = "unverified"
VERDICTS = ("confirmed", "corrected", "re-sourced", UNVERIFIED)
#: Words in a publisher's name that mean the page is a copy: the copy belongs in via_publisher.
_COPY_WORDS = re.compile(r"\(via |\bcopy on\b|\bcopy\)|\bstored copy\b|\bsyndicat", re.IGNORECASE)


def checked_tables(package: Package) -> list[dict]:
    """The tables whose every row needs a second check: each table that quotes a page, and sources."""
    return [res for res in package.resources
            if res["name"] == "sources" or any(f["name"] == "quote" for f in res["schema"]["fields"])]


def _key(res: dict) -> str:
    key = res["schema"]["primaryKey"]
    return key if isinstance(key, str) else key[0]


def _column(table: Table, name: str) -> int | None:
    index = table.columns.get(name)
    return None if index is None else index + 1


def check_meaning(package: Package, sound: set) -> Iterator[Problem]:
    """Every problem with the second-check record, the sources' via fields and claims' certainty.

    Runs on the tables in ``sound`` (their schema checks passed), like the provenance checks.
    """
    if TABLE in sound:
        yield from _check_coverage(package, sound)
    if "sources" in sound:
        yield from _check_via(package.table("sources"))
    if {TABLE, "claims"} <= sound:
        yield from _check_unverified_claims(package)


def _check_coverage(package: Package, sound: set) -> Iterator[Problem]:
    checks = package.table(TABLE)
    recorded = set(zip(checks.frame["table"], checks.frame["row_id"], strict=True))
    ids: dict[str, set[str]] = {}
    for res in checked_tables(package):
        if res["name"] not in sound:
            continue
        table, key = package.table(res["name"]), _key(res)
        ids[res["name"]] = set(table.frame[key])
        for line, row_id in zip(table.lines, table.frame[key], strict=True):
            if (res["name"], row_id) not in recorded:
                yield Problem(
                    table.shown, line, _column(table, key),
                    f"{res['name']} row {row_id!r} has no recorded second check. Find its page again, confirm "
                    f"the quote, value, unit, measure, date and certainty, and add a line to data/checks.csv: "
                    f"{res['name']},{row_id},YYYY-MM-DD,<address of the copy you read>,"
                    "<confirmed|corrected|re-sourced|unverified>,<what the figure counts>")
    names = {res["name"] for res in checked_tables(package)}
    for line, name, row_id in zip(checks.lines, checks.frame["table"], checks.frame["row_id"], strict=True):
        if name not in names:
            yield Problem(checks.shown, line, 1, f"table {name!r} is not a table of sourced rows; expected one of "
                          f"{', '.join(sorted(names))}")
        elif name in ids and row_id not in ids[name]:
            yield Problem(checks.shown, line, 2, f"no row {row_id!r} in {name}: the check is for a row that was "
                          "removed or renamed; update its row_id or delete the line")


def _check_via(sources: Table) -> Iterator[Problem]:
    frame = sources.frame
    for line, row in zip(sources.lines, frame.itertuples(), strict=True):
        if _COPY_WORDS.search(row.publisher):
            yield Problem(sources.shown, line, _column(sources, "publisher"),
                          f"publisher {row.publisher!r} describes a copy; the publisher is who wrote the text. "
                          "Name the site that was read in via_publisher and its address in via_url")
        if pd.isna(row.via_publisher) != pd.isna(row.via_url):
            missing = "via_url" if pd.isna(row.via_url) else "via_publisher"
            yield Problem(sources.shown, line, _column(sources, missing),
                          f"{missing} is empty; via_publisher and via_url go together (the copy read, and where)")
        elif not pd.isna(row.via_publisher) and row.via_publisher == row.publisher:
            yield Problem(sources.shown, line, _column(sources, "via_publisher"),
                          "via_publisher repeats the publisher; leave via empty when the page was read at the "
                          "original publisher")


def _check_unverified_claims(package: Package) -> Iterator[Problem]:
    checks = package.table(TABLE).frame
    unverified = set(checks.loc[(checks["table"] == "claims") & (checks["verdict"] == UNVERIFIED), "row_id"])
    claims = package.table("claims")
    for line, row in zip(claims.lines, claims.frame.itertuples(), strict=True):
        if row.claim_id in unverified and row.qualifier != UNVERIFIED:
            yield Problem(claims.shown, line, _column(claims, "qualifier"),
                          f"claim {row.claim_id!r} could not be found again at the second check (data/checks.csv) "
                          f"but its qualifier is {row.qualifier!r}; set it to 'unverified' so every page that "
                          "states it says so, or re-source it")


def verdicts(table: str, folder: Path | None = None) -> dict[str, str]:
    """Row id -> second-check verdict for one table."""
    checks = load(TABLE, folder)
    mine = checks[checks["table"] == table]
    return dict(zip(mine["row_id"], mine["verdict"], strict=True))


def flag(frame: pd.DataFrame, table: str, *, id_column: str = "row_id", folder: Path | None = None) -> pd.DataFrame:
    """``frame`` plus ``second_check``: each row's verdict, so a chart can mark the unverified ones.

    The chart renderer refuses a chart whose rows include an unverified one unless
    ``second_check`` is drawn visibly (see :mod:`datastory.chart_rules`).
    """
    found = verdicts(table, folder)
    out = frame.copy()
    out["second_check"] = out[id_column].map(found).fillna("not checked").astype("string")
    return out
