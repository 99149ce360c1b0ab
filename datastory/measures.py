"""Measures that label themselves: chart text for an amount comes from ``data/measures.csv``.

Every amount row names a measure (registered capital, capital raised, capital spending, a
capital-spending plan ...). Notebooks ask this module for the words, so an axis cannot call
money raised "registered capital", and a definition travels into the tooltip with the number.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .data import load

TABLE = "measures"


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
