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

from .data import Problem, load, read_descriptor

TABLE = "checks"
UNVERIFIED = "unverified"
VERDICTS = ("confirmed", "corrected", "re-sourced", UNVERIFIED)
#: Words in a publisher's name that mean the page is a copy: the copy belongs in via_publisher.
_COPY_WORDS = re.compile(r"\(via |\bcopy on\b|\bcopy\)|\bstored copy\b|\bsyndicat", re.IGNORECASE)


def checked_tables(descriptor: dict) -> list[dict]:
    """The tables whose every row needs a second check: each table that quotes a page, and sources."""
    return [res for res in descriptor["resources"]
            if res["name"] == "sources" or any(f["name"] == "quote" for f in res["schema"]["fields"])]


def _key(res: dict) -> str:
    key = res["schema"]["primaryKey"]
    return key if isinstance(key, str) else key[0]


def _column(res: dict, name: str) -> int:
    return [f["name"] for f in res["schema"]["fields"]].index(name) + 1


def check_meaning(folder: Path, descriptor: dict | None = None) -> Iterator[Problem]:
    """Every problem with the second-check record, the sources' via fields and claims' certainty."""
    descriptor = descriptor or read_descriptor(folder)
    yield from _check_coverage(folder, descriptor)
    yield from _check_via(folder)
    yield from _check_unverified_claims(folder)


def _check_coverage(folder: Path, descriptor: dict) -> Iterator[Problem]:
    checks = load(TABLE, folder)
    recorded = set(zip(checks["table"], checks["row_id"], strict=True))
    ids: dict[str, set[str]] = {}
    for res in checked_tables(descriptor):
        key = _key(res)
        rows = load(res["name"], folder)[key]
        ids[res["name"]] = set(rows)
        for line, row_id in enumerate(rows, start=2):
            if (res["name"], row_id) not in recorded:
                yield Problem(
                    f"data/{res['path']}", line, _column(res, key),
                    f"{res['name']} row {row_id!r} has no recorded second check. Find its page again, confirm "
                    f"the quote, value, unit, measure, date and certainty, and add a line to data/checks.csv: "
                    f"{res['name']},{row_id},YYYY-MM-DD,<address of the copy you read>,"
                    "<confirmed|corrected|re-sourced|unverified>,<what the figure counts>")
    for line, row in enumerate(checks.itertuples(), start=2):
        if row.table not in ids:
            yield Problem(f"data/{TABLE}.csv", line, 1,
                          f"table {row.table!r} is not a table of sourced rows; expected one of "
                          f"{', '.join(sorted(ids))}")
        elif row.row_id not in ids[row.table]:
            yield Problem(f"data/{TABLE}.csv", line, 2,
                          f"no row {row.row_id!r} in {row.table}: the check is for a row that was removed or "
                          "renamed; update its row_id or delete the line")


def _check_via(folder: Path) -> Iterator[Problem]:
    sources = load("sources", folder)
    columns = list(sources.columns)
    for line, row in enumerate(sources.itertuples(), start=2):
        where = "data/sources.csv", line
        if _COPY_WORDS.search(row.publisher):
            yield Problem(*where, columns.index("publisher") + 1,
                          f"publisher {row.publisher!r} describes a copy; the publisher is who wrote the text. "
                          "Name the site that was read in via_publisher and its address in via_url")
        if pd.isna(row.via_publisher) != pd.isna(row.via_url):
            missing = "via_url" if pd.isna(row.via_url) else "via_publisher"
            yield Problem(*where, columns.index(missing) + 1,
                          f"{missing} is empty; via_publisher and via_url go together (the copy read, and where)")
        elif not pd.isna(row.via_publisher) and row.via_publisher == row.publisher:
            yield Problem(*where, columns.index("via_publisher") + 1,
                          "via_publisher repeats the publisher; leave via empty when the page was read at the "
                          "original publisher")


def _check_unverified_claims(folder: Path) -> Iterator[Problem]:
    unverified = {row_id for row_id, verdict in verdicts("claims", folder).items() if verdict == UNVERIFIED}
    claims = load("claims", folder)
    column = list(claims.columns).index("qualifier") + 1
    for line, row in enumerate(claims.itertuples(), start=2):
        if row.claim_id in unverified and row.qualifier != UNVERIFIED:
            yield Problem("data/claims.csv", line, column,
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
