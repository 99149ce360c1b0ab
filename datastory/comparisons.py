"""Comparisons computed from the rows compared, never typed: "nearly four times", "more than doubled".

Each function takes table rows (a DataFrame row or a dict with the value column, ``unit``,
``currency``, a ``measure`` or ``metric``, and ``basis`` where the table has one) and refuses,
with :class:`IncomparableRows`, rows that differ in measure, basis or currency — unless the
currency difference is a stated conversion (``provenance.convert`` adds the ``fx_rate_id``).
Raised in a notebook, that fails the strict build, so a sentence cannot compare registered
capital with money spent, or yuan with dollars, by accident.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from . import jupyter
from .provenance import SCALE

_WORDS = {2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times",
          7: "seven times", 8: "eight times", 9: "nine times", 10: "ten times"}
_VERBS = {2: "doubled", 3: "tripled", 4: "quadrupled"}
#: Within this share of a whole number, a ratio reads as "about" that number.
ABOUT = 0.05


class IncomparableRows(ValueError):
    """Two rows that measure different things, on different bases, or in different currencies."""


@dataclass(frozen=True)
class Quantity:
    """One row's figure in comparable form: scaled to units, with what it measures."""

    value: float
    measure: str
    basis: str | None
    currency: str | None
    name: str


def _get(row, key):
    value = row.get(key) if isinstance(row, Mapping | pd.Series) else getattr(row, key, None)
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def quantity(row, value: str = "amount", *, currency: str | None = None,
             equivalent: Mapping[str, str] | None = None) -> Quantity:
    """Read a row. ``value`` names its figure's column; ``currency`` the currency that column is in,
    when it was converted (then the row must carry the ``fx_rate_id`` of the conversion);
    ``equivalent`` maps a measure to the one it is compared as, a stated equivalence such as
    ``{"charge_expected": "charge"}`` (the warned-of and the booked figure of one write-down)."""
    name = str(_get(row, "row_id") or _get(row, "claim_id") or _get(row, "label") or "a row")
    measure = _get(row, "measure") or _get(row, "metric")
    if measure is None:
        raise IncomparableRows(f"{name} names no measure; compare rows that say what they count (a measure "
                               "column from data/measures.csv)")
    own = _get(row, "currency")
    if currency is not None and currency != own and own is not None and _get(row, "fx_rate_id") is None:
        raise IncomparableRows(f"{name} is in {own}, not {currency}, and states no conversion: convert it with "
                               "datastory.provenance.convert (which records the fx_rate_id) first")
    unit = _get(row, "unit") or "one"
    scale = SCALE.get(unit, 1)
    measure = (equivalent or {}).get(str(measure), str(measure))
    return Quantity(float(_get(row, value)) * scale, measure, _get(row, "basis"), currency or own, name)


def _same_kind(quantities: list[Quantity]) -> None:
    first = quantities[0]
    for other in quantities[1:]:
        for what in ("measure", "basis", "currency"):
            if getattr(first, what) != getattr(other, what):
                raise IncomparableRows(
                    f"cannot compare {first.name} with {other.name}: {what} {getattr(first, what)!r} vs "
                    f"{getattr(other, what)!r}. Compare like with like, or convert and say so "
                    "(for currencies: datastory.provenance.convert, then pass currency=)")


def _quantities(rows: Iterable, value: str, currency: str | None,
                equivalent: Mapping[str, str] | None = None) -> list[Quantity]:
    if isinstance(rows, pd.DataFrame):
        rows = [row for _, row in rows.iterrows()]
    found = [quantity(row, value, currency=currency, equivalent=equivalent) for row in rows]
    if not found:
        raise IncomparableRows("nothing to compare: no rows")
    _same_kind(found)
    return found


def ratio(a, b, value: str = "amount", *, currency: str | None = None,
          equivalent: Mapping[str, str] | None = None) -> float:
    """How many times ``b`` fits in ``a``, for two comparable rows."""
    first, second = _quantities([a, b], value, currency, equivalent)
    return first.value / second.value


def _number_words(n: int) -> str:
    return _WORDS.get(n, f"{n} times")


def times_phrase(r: float) -> str:
    """``3.8`` -> ``nearly four times``; ``4.02`` -> ``about four times``; ``2.3`` -> ``more than twice``."""
    if r < 1.5:
        raise ValueError(f"a ratio of {r:.2f} is not a 'times' comparison; say how much larger in percent")
    n = round(r)
    if abs(r - n) <= ABOUT * n:
        return f"about {_number_words(n)}"
    return f"nearly {_number_words(n)}" if r < n else f"more than {_number_words(n)}"


def times(a, b, value: str = "amount", *, currency: str | None = None) -> str:
    """``a`` as a multiple of ``b`` in words: ``nearly four times``."""
    return times_phrase(ratio(a, b, value, currency=currency))


def change_phrase(r: float) -> str:
    """A change from old to new as a verb: ``more than doubled``, ``more than tripled``, ``rose 45%``."""
    if r >= 2:
        n = min(int(r), max(_VERBS))
        return _VERBS[n] if r == n else f"more than {_VERBS[n]}"
    if r >= 1:
        return f"rose {100 * (r - 1):.0f}%"
    return f"fell {100 * (1 - r):.0f}%"


def change(old, new, value: str = "amount", *, currency: str | None = None) -> str:
    """How ``new`` compares with ``old`` (same measure, basis and currency), as a verb phrase."""
    return change_phrase(ratio(new, old, value, currency=currency))


def largest(rows: pd.DataFrame, value: str = "amount", *, currency: str | None = None) -> pd.Series:
    """The row with the largest figure, once every row is checked to measure the same thing."""
    quantities = _quantities(rows, value, currency)
    return rows.iloc[max(range(len(quantities)), key=lambda i: quantities[i].value)]


def smallest(rows: pd.DataFrame, value: str = "amount", *, currency: str | None = None) -> pd.Series:
    """The row with the smallest figure, once every row is checked to measure the same thing."""
    quantities = _quantities(rows, value, currency)
    return rows.iloc[min(range(len(quantities)), key=lambda i: quantities[i].value)]


def each_larger_than_the_last(rows: pd.DataFrame, value: str = "amount", *, currency: str | None = None) -> bool:
    """True when, in the given order, every comparable row is larger than the one before."""
    quantities = _quantities(rows, value, currency)
    return all(later.value > earlier.value for earlier, later in zip(quantities, quantities[1:], strict=False))


def total(rows: pd.DataFrame, value: str = "amount", *, currency: str | None = None) -> dict:
    """Comparable rows added up, as one row ("ByteDance and Tencent combined")."""
    quantities = _quantities(rows, value, currency)
    first = quantities[0]
    return {"row_id": " + ".join(q.name for q in quantities), value: sum(q.value for q in quantities),
            "unit": "one", "measure": first.measure, "basis": first.basis, "currency": first.currency,
            "fx_rate_id": "stated" if currency else None}


def say(key: str, phrase: str) -> str:
    """Hand a computed phrase to the page's prose (MyST-NB ``glue``; ``{glue:text}`key``` in the text).

    In JupyterLab the rendered Markdown shows the phrase in place of the role; elsewhere outside
    a book build (Colab, a script) the phrase is only returned.
    """
    jupyter.show_phrase(key, phrase)
    try:
        from myst_nb import glue
    except ImportError:
        return phrase
    glue(key, phrase, display=False)
    return phrase
