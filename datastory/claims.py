"""Numbers in prose come from ``data/claims.csv``: how a claimed figure reads, wherever it is read.

Writing ``{claim}`ai-fund-usd``` in a chapter renders the formatted value with what it counts
(its measure's label), its source and the verbatim quote on hover: on the site through the ``{claim}`` role
(:mod:`datastory.sphinx_ext.claim_role`), in the exported notebooks as a Markdown link, and in
JupyterLab through :mod:`datastory.jupyter`. All three read a claim through :func:`readings`.
An unknown id fails the build, so a figure cannot be typed into prose by accident and survive
review. This module needs neither Sphinx nor docutils, so it works in a notebook kernel anywhere.

Certainty travels with the number: a claim that is not simply *reported* (an estimate, a
forecast, a plan, a pledge, a disputed or an unverified figure) is followed by a visible
marker, "$11 billion (estimate)", whose meaning is in its tooltip.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .data import data_dir, load

_PREFIX = {"USD": "$", "EUR": "€", "GBP": "£", "MYR": "RM", "HKD": "HK$", "INR": "₹"}
_SUFFIX = {"CNY": " yuan", "JPY": " yen", "KRW": " won", "TWD": " Taiwan dollars"}

#: qualifier -> (marker shown after the figure, what it means). A reported figure has no marker.
QUALIFIERS = {
    "reported": ("", "Stated as fact by the source."),
    "estimate": ("estimate", "An estimate by analysts, brokers or researchers, not a figure the company or "
                 "government reported."),
    "forecast": ("forecast", "An expectation or projection for a period not yet over, not an outcome."),
    "plan": ("plan", "A budget or plan: money set aside or intended, not money spent."),
    "promised": ("pledge", "A pledge or stated intention, not money spent or granted."),
    "disputed": ("disputed", "Denied by its subject or contradicted by another source; see the data page."),
    "unverified": ("unverified", "Our second check could not find this figure's page again; treat it with care."),
}


def marker(qualifier: str) -> str:
    """The word shown after a figure for its certainty: ``estimate``; empty for a reported figure."""
    return QUALIFIERS[qualifier][0]


def meaning(qualifier: str) -> str:
    """What a qualifier means, in a sentence (for tooltips and the data page)."""
    return QUALIFIERS[qualifier][1]


def format_value(value: float, unit: str, currency: str | None = None) -> str:
    """How a figure reads in prose: ``$8.5 billion``, ``60.06 billion yuan``, ``45%``, ``127,311``."""
    number = f"{abs(value):,.6f}".rstrip("0").rstrip(".")  # as precise as the source stated it
    sign = "\u2212" if value < 0 else ""
    if unit == "percent":
        return f"{sign}{number}%"
    if unit == "percentage_point":
        return f"{sign}{number} percentage points"
    words = "" if unit == "one" else f" {unit}"
    currency = currency or ""
    return f"{sign}{_PREFIX.get(currency, '')}{number}{words}{_SUFFIX.get(currency, '')}" + (
        f" {currency}" if currency and currency not in _PREFIX and currency not in _SUFFIX else ""
    )


@dataclass(frozen=True)
class Reading:
    """One claim as a reader meets it: the figure, its certainty and its source."""

    claim_id: str
    text: str
    measure: str
    measure_label: str
    status: str
    qualifier: str
    source_id: str
    source_url: str
    publisher: str
    quote: str

    @property
    def marker(self) -> str:
        return marker(self.qualifier)

    @property
    def hover(self) -> str:
        """What the figure counts, what its certainty marker means (if any), the verbatim quote and its publisher."""
        quoted = f"\u201c{self.quote}\u201d \u2014 {self.publisher}"
        certainty = f"{self.marker.capitalize()}: {meaning(self.qualifier)} " if self.marker else ""
        return f"{self.measure_label}. {certainty}{quoted}"

    @property
    def prose(self) -> str:
        """The figure as plain text reads it: ``$11 billion (estimate)``."""
        return f"{self.text}\u00a0({self.marker})" if self.marker else self.text


def _shown(value: float, status: str) -> float:
    """A derived figure (a conversion) at two significant figures: a day's rate supports no more."""
    return float(f"{value:.2g}") if status == "derived" else value


def readings(folder: Path | None = None) -> dict[str, Reading]:
    """Every claim of the data package by id, as prose reads it (computed once per process, like :func:`load`)."""
    return _readings(str(folder or data_dir()))


@functools.cache
def _readings(folder: str) -> dict[str, Reading]:
    claims = load("claims", Path(folder))
    sources = load("sources", Path(folder)).set_index("source_id")
    labels = load("measures", Path(folder)).set_index("id")["label"]
    out = {}
    for claim in claims.itertuples(index=False):
        source = sources.loc[claim.source_id]
        currency = None if pd.isna(claim.currency) else claim.currency
        out[claim.claim_id] = Reading(
            claim_id=claim.claim_id, text=format_value(_shown(claim.value, claim.status), claim.unit, currency),
            measure=claim.measure, measure_label=labels[claim.measure], status=claim.status,
            qualifier=claim.qualifier, source_id=claim.source_id, source_url=source["url"],
            publisher=source["publisher"], quote=claim.quote)
    return out


def unknown(claim_id: str) -> str:
    """The error for a claim id that is not in the ledger, with what to do about it."""
    return f"unknown claim {claim_id!r}: add it to data/claims.csv (with source and quote) or fix the id"
