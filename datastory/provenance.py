"""Provenance checks: every figure appears in its verbatim quote, and currency pairs agree with FX.

News copy writes one amount many ways ("US$8.5bil", "$8.5 billion", "8.5bn", "RM424.99bil",
"700 billion yuan", "45 per cent"). :func:`amounts_in` reads them all into absolute numbers so a
table value can be found in its quote whatever the house style of the page it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from .data import Package, Problem, load

#: Relative tolerance for "X (Y)" currency pairs: a rounded "nearly $100 billion" still agrees,
#: a slipped digit ("600 billion yuan ($8.5 billion)") does not.
FX_TOLERANCE = 0.02
#: How far from the quote's date an exchange rate may be and still be used for the check.
FX_MAX_GAP = timedelta(days=31)

SCALE = {"one": 1, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_MAGNITUDES = [
    (r"trillion|tril|tn", 1e12),
    (r"billion|bil|bn|b", 1e9),
    (r"million|mil|mn|m", 1e6),
    (r"thousand|k", 1e3),
    (r"per\s?cent|percent|%", "percent"),
    (r"[亿億]元?", 1e8),
    (r"[万萬]元?", 1e4),
]
_PREFIX_CURRENCY = {"US$": "USD", "HK$": "HKD", "S$": "SGD", "RMB": "CNY", "RM": "MYR", "CNY": "CNY",
                    "USD": "USD", "EUR": "EUR", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "CNY", "$": "USD",
                    "人民币": "CNY", "人民幣": "CNY", "新台幣": "TWD", "新台币": "TWD"}
_PREFIX = re.compile("(" + "|".join(re.escape(k) for k in _PREFIX_CURRENCY) + r")\s?$")
_SUFFIX_CURRENCY = [(r"yuan|renminbi|rmb", "CNY"), (r"ringgit", "MYR"), (r"euros?", "EUR"),
                    (r"yen", "JPY"), (r"(?:us )?dollars?", "USD"), (r"rupees?", "INR")]

_NUMBER = re.compile(r"(?<![0-9.])(\d{1,3}(?:[, ]\d{3})+(?![0-9])(?:\.\d+)?|\d+(?:\.\d+)?)")
_MAGNITUDE_WORDS = "|".join(p for p, _ in _MAGNITUDES)
_MAGNITUDE = re.compile(r"[\s-]?(" + _MAGNITUDE_WORDS + r")(?![a-zA-Z])", re.IGNORECASE)
_CHINESE_YUAN = re.compile(r"[亿億万萬]元$")
_SUFFIX = re.compile(r"[\s-]?(" + "|".join(p for p, _ in _SUFFIX_CURRENCY) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Amount:
    """A number as a page states it, scaled to units (8.5bn -> 8.5e9) or marked as a percentage."""

    value: float
    percent: bool
    bare: float | None
    currency: str | None
    start: int
    end: int


_RANGE = re.compile(r"(?=\s*(?:or|to|-|–)\s*\$?\d+(?:\.\d+)?[\s-]?(" + _MAGNITUDE_WORDS + r")(?![a-zA-Z]))",
                    re.IGNORECASE)


def _range_magnitude(text: str, end: int):
    """'10 or 15%', '$64-72 billion': the first number of a range takes the second's magnitude."""
    return _RANGE.match(text, end)


def amounts_in(text: str) -> list[Amount]:
    """Every number in ``text`` with its magnitude word and currency, in order."""
    found = []
    for match in _NUMBER.finditer(text):
        value = float(match.group(1).replace(",", "").replace(" ", ""))
        end, percent, currency = match.end(), False, None
        magnitude = _MAGNITUDE.match(text, end) or _range_magnitude(text, end)
        if magnitude:
            word = magnitude.group(1).lower().replace(" ", "")
            for pattern, scale in _MAGNITUDES:
                if re.fullmatch(pattern, word):
                    percent = scale == "percent"
                    value = value if percent else value * scale
                    break
            end = magnitude.end()
        if magnitude and _CHINESE_YUAN.search(magnitude.group(1)):
            currency = "CNY"
        start = match.start()
        prefix = _PREFIX.search(text[max(0, start - 5): start])  # a named currency beats 元
        if prefix:
            currency, start = _PREFIX_CURRENCY[prefix.group(1)], start - len(prefix.group(0))
        suffix = _SUFFIX.match(text, end)
        if currency is None and suffix:
            word = suffix.group(1).lower()
            currency = next(code for pattern, code in _SUFFIX_CURRENCY if re.fullmatch(pattern, word))
            end = suffix.end()
        found.append(Amount(value, percent, None if magnitude else value, currency, start, end))
    return found


def expected_amount(value: float, unit: str) -> tuple[float, bool]:
    """A table value in the units :func:`amounts_in` returns."""
    if unit in ("percent", "percentage_point"):
        return abs(value), True
    return abs(value) * SCALE[unit], False


def quote_states(quote: str, value: float, unit: str) -> bool:
    """Does the quote contain this value, in any of the forms the coverage uses?"""
    target, percent = expected_amount(value, unit)
    for amount in amounts_in(quote):
        if amount.percent == percent and _same(amount.value, target):
            return True
        if amount.bare is not None and _same(amount.bare, abs(value)):
            return True  # a table cell under a "in millions" header, a yield "to 4.484"
    return False


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def describe(value: float, unit: str, currency: str | None) -> str:
    number = f"{value:,.10g}"
    if unit in ("percent", "percentage_point"):
        return f"{number}%" if unit == "percent" else f"{number} percentage points"
    words = "" if unit == "one" else f" {unit}"
    return f"{number}{words}{'' if pd.isna(currency) else f' {currency}'}"


@dataclass(frozen=True)
class CurrencyPair:
    """One amount stated in two currencies: "700 billion yuan ($96 billion)"."""

    first: Amount
    second: Amount
    text: str


def currency_pairs(text: str) -> Iterator[CurrencyPair]:
    amounts = amounts_in(text)
    for first, second in zip(amounts, amounts[1:], strict=False):
        between = text[first.end: second.start]
        if (first.currency and second.currency and first.currency != second.currency
                and re.fullmatch(r"\s*\(\s*", between)):
            yield CurrencyPair(first, second, text[first.start: second.end + 1])


class FxTable:
    """Exchange rates from ``fx_rates``: the nearest rate for a currency pair and a day."""

    def __init__(self, rates: pd.DataFrame):
        self.rates = rates

    def rate(self, base: str, quote: str, day: date) -> tuple[float, str] | None:
        """Units of ``quote`` per one ``base`` near ``day``, and the rate's id; None when none is close."""
        best = None
        for row in self.rates.itertuples():
            if (row.base, row.quote_currency) == (base, quote):
                value = row.rate
            elif (row.base, row.quote_currency) == (quote, base):
                value = 1 / row.rate
            else:
                continue
            gap = abs(row.date.date() - day)
            if gap <= FX_MAX_GAP and (best is None or gap < best[0]):
                best = (gap, value, row.rate_id)
        return None if best is None else (best[1], best[2])


def check_pair(pair: CurrencyPair, day: date, fx: FxTable) -> str | None:
    """None when the pair agrees with fx_rates, else what is wrong in plain words."""
    base, quote = pair.first.currency, pair.second.currency
    found = fx.rate(base, quote, day)
    if found is None:
        return (f"no exchange rate {base}->{quote} within {FX_MAX_GAP.days} days of {day}; "
                "add one to data/fx_rates.csv with its source")
    rate, rate_id = found
    implied = pair.second.value / pair.first.value
    if abs(implied / rate - 1) <= FX_TOLERANCE:
        return None
    right = pair.first.value * rate
    return (f"{pair.text!r} implies {implied:.4g} {quote} per {base}, but fx rate {rate_id} is {rate:.4g} "
            f"(tolerance {FX_TOLERANCE:.0%}); at that rate the second amount would be {right:,.4g} {quote}")


def _pair_states(pair: CurrencyPair, row, value_field: str) -> bool:
    target, percent = expected_amount(float(row[value_field]), row.get("unit", "one"))
    return not percent and any(_same(side.value, target) for side in (pair.first, pair.second))


def _rows_with_quotes(package: Package, sound: set) -> Iterator[tuple[dict, str]]:
    for res in package.resources:
        names = {f["name"] for f in res["schema"]["fields"]}
        if "quote" in names and res["name"] in sound:
            yield res, res.get("x-value-field")


def check_provenance(package: Package, sound: set) -> Iterator[Problem]:
    """Value-in-quote for every sourced row; FX agreement for every currency pair in a quote.

    Runs on the tables in ``sound`` (their schema checks passed), so one run reports every
    defect: a type error in one table does not hide a misquoted figure in another.
    """
    if not {"sources", "fx_rates"} <= sound:
        return  # the figures cannot be dated or converted; the schema problems come first
    sources = package.table("sources").frame.set_index("source_id")
    fx = FxTable(package.table("fx_rates").frame)
    for res, value_field in _rows_with_quotes(package, sound):
        table = package.table(res["name"])
        shown = table.shown
        columns = [f["name"] for f in res["schema"]["fields"]]
        for line, (_, row) in zip(table.lines, table.frame.iterrows(), strict=True):
            quote = row["quote"]
            status = row.get("status", "reported")
            if value_field and status != "derived" and not pd.isna(row[value_field]):
                unit = "billion" if value_field.endswith("_b") else row.get("unit", "one")
                if not quote_states(quote, float(row[value_field]), unit):
                    yield Problem(shown, line, columns.index("quote") + 1,
                                  f"the quote does not state {describe(row[value_field], unit, row.get('currency'))} "
                                  f"(column {value_field!r}); quote a passage that contains the figure: {quote!r}")
            published = sources.loc[row["source_id"], "published"]
            day = published
            for column in ("as_of", "date", "release_date", "period_end"):
                if pd.isna(day) and column in row:
                    day = row[column]
            for pair in currency_pairs(quote):
                if value_field and not pd.isna(row[value_field]) and not _pair_states(pair, row, value_field):
                    continue  # this pair belongs to another figure quoted in the same passage
                if pd.isna(day):
                    yield Problem(shown, line, columns.index("quote") + 1,
                                  f"{pair.text!r} pairs two currencies but neither the source nor the row has a date")
                    continue
                wrong = check_pair(pair, day.date(), fx)
                if wrong and status != "disputed":
                    yield Problem(shown, line, columns.index("quote") + 1,
                                  f"{wrong}. Mark the claim 'disputed' with a note giving the right figure, "
                                  "or fix the row")
    if "claims" in sound:
        yield from _check_derived(package.table("claims"), package.table("fx_rates").frame)


def _check_derived(table, rates: pd.DataFrame) -> Iterator[Problem]:
    """Derived claims are conversions of another claim; recompute them from fx_rates."""
    claims, columns = table.frame.set_index("claim_id"), list(table.frame.columns)
    rates = rates.set_index("rate_id")
    for line, (claim_id, claim) in zip(table.lines, claims.iterrows(), strict=True):
        if claim["status"] != "derived":
            continue
        where = (table.shown, line)
        if pd.isna(claim["derived_from"]) or pd.isna(claim["fx_rate_id"]):
            yield Problem(*where, columns.index("derived_from") + 1,
                          f"derived claim {claim_id!r} must name derived_from (a claim) and fx_rate_id (a rate)")
            continue
        if claim["derived_from"] not in claims.index:
            yield Problem(*where, columns.index("derived_from") + 1,
                          f"derived_from {claim['derived_from']!r} is not a claim id")
            continue
        if claim["fx_rate_id"] not in rates.index:
            yield Problem(*where, columns.index("fx_rate_id") + 1,
                          f"fx_rate_id {claim['fx_rate_id']!r} is not in data/fx_rates.csv")
            continue
        origin, rate = claims.loc[claim["derived_from"]], rates.loc[claim["fx_rate_id"]]
        if (origin["currency"], claim["currency"]) == (rate["base"], rate["quote_currency"]):
            factor = rate["rate"]
        elif (origin["currency"], claim["currency"]) == (rate["quote_currency"], rate["base"]):
            factor = 1 / rate["rate"]
        else:
            yield Problem(*where, columns.index("fx_rate_id") + 1,
                          f"rate {claim['fx_rate_id']!r} converts {rate['base']}/{rate['quote_currency']}, "
                          f"not {origin['currency']} to {claim['currency']}")
            continue
        expected = origin["value"] * SCALE[origin["unit"]] * factor / SCALE[claim["unit"]]
        if abs(claim["value"] / expected - 1) > 0.005:
            yield Problem(*where, columns.index("value") + 1,
                          f"{claim_id!r} is {claim['value']:g} but {claim['derived_from']} x {claim['fx_rate_id']} "
                          f"gives {expected:.4g}; round the computed value, do not type another")


def convert(frame: pd.DataFrame, *, to: str, value: str = "amount", currency: str = "currency",
            date: str = "date", folder: Path | None = None) -> pd.DataFrame:
    """Add ``{value}_{to}``, ``fx_rate_id`` and ``fx_source_id``: every conversion goes through fx_rates.

    Each row is converted at the rate nearest its own date (within :data:`FX_MAX_GAP`); a row with
    no such rate raises, naming the row, rather than being converted at a guess.
    """
    fx = FxTable(load("fx_rates", folder))
    sources = load("fx_rates", folder).set_index("rate_id")["source_id"]
    converted, rate_ids = [], []
    for index, row in frame.iterrows():
        if row[currency] == to:
            converted.append(row[value])
            rate_ids.append(pd.NA)
            continue
        found = fx.rate(row[currency], to, row[date].date())
        if found is None:
            raise ValueError(f"row {index}: no {row[currency]}->{to} rate within {FX_MAX_GAP.days} days of "
                             f"{row[date].date()} in data/fx_rates.csv; add one with its source")
        converted.append(row[value] * found[0])
        rate_ids.append(found[1])
    out = frame.copy()
    out[f"{value}_{to.lower()}"] = converted
    out["fx_rate_id"] = pd.array(rate_ids, dtype="string")
    out["fx_source_id"] = out["fx_rate_id"].map(sources).astype("string")
    return out
