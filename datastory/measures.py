"""Measures that label themselves: chart text for an amount comes from ``data/measures.csv``.

Every amount row names a measure (registered capital, capital raised, capital spending, a
capital-spending plan ...). Notebooks ask this module for the words, so an axis cannot call
money raised "registered capital", and a definition travels into the tooltip with the number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from .data import Package, Problem, Table, load

TABLE = "measures"
CLAIMS = "claims"
#: How a claim's note names the row of another table its figure comes from: "From trade row tr001".
FROM_ROW = re.compile(r"\bFrom ([a-z0-9_]+) rows? ([a-z0-9][a-z0-9._-]*[a-z0-9])")


def vocabulary(folder: Path | None = None) -> pd.DataFrame:
    """The measures table, indexed by id."""
    return load(TABLE, folder).set_index("id")


def _entry(measure: str, folder: Path | None) -> pd.Series:
    words = vocabulary(folder)
    if measure not in words.index:
        raise KeyError(f"unknown measure {measure!r}; add it to data/{TABLE}.csv with a label and definition, "
                       f"or use one of: {', '.join(words.index)}")
    return words.loc[measure]


def label(measure: str, folder: Path | None = None) -> str:
    """How a measure reads on a chart: ``capex_plan`` -> ``Capital-spending plan``."""
    return str(_entry(measure, folder)["label"])


def definition(measure: str, folder: Path | None = None) -> str:
    return str(_entry(measure, folder)["definition"])


def axis_title(measures: str | Iterable[str], unit: str, folder: Path | None = None) -> str:
    """An axis title naming the measure(s) drawn and the unit: ``Registered capital (billion yuan)``."""
    ids = [measures] if isinstance(measures, str) else list(dict.fromkeys(measures))
    return f"{' or '.join(label(m, folder) for m in ids)} ({unit})"


def labelled(frame: pd.DataFrame, column: str = "measure", folder: Path | None = None) -> pd.DataFrame:
    """``frame`` with ``measure_label`` and ``measure_definition`` beside its measure column."""
    out = frame.copy()
    out["measure_label"] = out[column].map(lambda m: label(m, folder)).astype("string")
    out["measure_definition"] = out[column].map(lambda m: definition(m, folder)).astype("string")
    return out


def measure_field(resource: dict) -> str | None:
    """The column of a table that names its measure: the one whose foreign key points at the vocabulary."""
    for fk in resource["schema"].get("foreignKeys", []):
        if fk.get("reference", {}).get("resource") == TABLE and isinstance(fk.get("fields"), str):
            return fk["fields"]
    return None


def check_claim_measures(package: Package, sound: set) -> Iterator[Problem]:
    """A claim counts what the row or claim it comes from counts: the same measure.

    A claim's note names the row it was taken from ("From state_funds row sf01"); a derived
    claim names the claim it converts in ``derived_from``. Runs when claims and the vocabulary
    passed their schema checks (an unknown measure id is already reported by the foreign key).
    """
    if not {CLAIMS, TABLE} <= sound:
        return
    claims = package.table(CLAIMS)
    frame = claims.frame
    column = claims.columns["measure"] + 1
    by_id = dict(zip(frame["claim_id"], frame["measure"], strict=True))
    for line, row in zip(claims.lines, frame.itertuples(index=False), strict=True):
        if not pd.isna(row.derived_from) and row.derived_from in by_id:
            wanted = by_id[row.derived_from]
            if row.measure != wanted:
                yield Problem(claims.shown, line, column,
                              f"claim {row.claim_id!r} has measure {row.measure!r} but converts claim "
                              f"{row.derived_from!r} (derived_from), whose measure is {wanted!r}; a conversion "
                              f"counts the same thing, so set measure to {wanted!r}")
        found = FROM_ROW.search("" if pd.isna(row.note) else row.note)
        if found:
            yield from _against_row(package, sound, claims, line, column, row, *found.groups())


def _against_row(package: Package, sound: set, claims: Table, line: int, column: int, claim,
                 table_name: str, row_id: str) -> Iterator[Problem]:
    where = f"its note says it comes from {table_name} row {row_id!r}"
    try:
        resource = package.resource(table_name)
    except KeyError:
        yield Problem(claims.shown, line, claims.columns["note"] + 1,
                      f"claim {claim.claim_id!r}: {where}, but the package has no table {table_name!r}; "
                      "name the table and row the figure comes from, or drop the reference")
        return
    if table_name not in sound:
        return  # its own problems come first
    table = package.table(table_name)
    key = resource["schema"]["primaryKey"]
    key = key if isinstance(key, str) else key[0]
    rows = table.frame[table.frame[key] == row_id]
    if rows.empty:
        yield Problem(claims.shown, line, claims.columns["note"] + 1,
                      f"claim {claim.claim_id!r}: {where}, but {table.shown} has no row {row_id!r}; "
                      "name the row the figure comes from, or drop the reference")
        return
    field = measure_field(resource)
    if field is None:
        return  # a table without measures (models, exchange rates): the claim's own measure stands
    wanted = rows.iloc[0][field]
    if claim.measure != wanted:
        yield Problem(claims.shown, line, column,
                      f"claim {claim.claim_id!r} has measure {claim.measure!r} but {where}, whose {field} is "
                      f"{wanted!r} ({label_of(package, wanted)}); a claim counts what its row counts, so set "
                      f"measure to {wanted!r}, or correct the row if it is the row that is wrong")


def label_of(package: Package, measure: str) -> str:
    """A measure's label from the opened package (the validator does not read through :func:`load`)."""
    words = package.table(TABLE).frame.set_index("id")["label"]
    return str(words.get(measure, measure))
