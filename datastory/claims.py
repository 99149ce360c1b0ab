"""Numbers in prose come from ``data/claims.csv``: the ``{claim}`` role and how a value reads.

Writing ``{claim}`ai-fund-usd``` in a page renders the formatted value, linked to its source's
entry on the data page, with the verbatim quote on hover. An unknown id fails the build, so a
figure cannot be typed into prose by accident and survive review.

Certainty travels with the number: a claim that is not simply *reported* (an estimate, a
forecast, a plan, a pledge, a disputed or an unverified figure) is followed by a visible
marker, "$11 billion (estimate)", whose meaning is in its tooltip.
"""

from __future__ import annotations

import pandas as pd
from docutils import nodes
from sphinx.util.docutils import SphinxRole

from .data import load

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


class ClaimRole(SphinxRole):
    """``{claim}`id``` → the claim's value, linked to its source entry, and its certainty marker."""

    def run(self):
        folder = self.env.app.config.datastory_data_path
        claims = load("claims", folder).set_index("claim_id")
        sources = load("sources", folder).set_index("source_id")
        self.env.note_dependency(str(folder / "claims.csv"))
        self.env.note_dependency(str(folder / "sources.csv"))
        claim_id = self.text.strip()
        if claim_id not in claims.index:
            message = self.inliner.reporter.error(
                f"unknown claim {claim_id!r}: add it to data/claims.csv (with source and quote) "
                "or fix the id", line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        claim = claims.loc[claim_id]
        source = sources.loc[claim["source_id"]]
        page = self.env.app.config.datastory_sources_page
        uri = self.env.app.builder.get_relative_uri(self.env.docname, page) + f"#source-{claim['source_id']}"
        text = format_value(claim["value"], claim["unit"], None if pd.isna(claim["currency"]) else claim["currency"])
        qualifier = claim["qualifier"]
        hover = f"\u201c{claim['quote']}\u201d \u2014 {source['publisher']}"
        if marker(qualifier):
            hover = f"{marker(qualifier).capitalize()}: {meaning(qualifier)} {hover}"
        classes = ["claim", f"claim-{claim['status']}", f"claim-{qualifier}"]
        node = nodes.reference(self.rawtext, text, refuri=uri, reftitle=hover, classes=classes)
        node["claim_id"] = claim_id
        if not marker(qualifier):
            return [node], []
        shown = f"({marker(qualifier)})"
        note = nodes.abbreviation(shown, shown, explanation=meaning(qualifier),
                                  classes=["claim-qualifier", f"claim-qualifier-{qualifier}"])
        return [node, nodes.Text("\u00a0"), note], []
