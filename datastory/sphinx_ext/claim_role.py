"""The ``{claim}`id``` role: a figure from ``data/claims.csv``, linked to its row in the ledger.

How the figure reads is :func:`datastory.claims.readings`; this module makes it a link to the
claim's row in the claims ledger on the data page (its measure, quote, certainty and source), with
what it counts (the measure's label) and the verbatim quote on hover, followed by its certainty
marker ("(estimate)") when it is not simply reported.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxRole

from ..claims import meaning, readings, unknown


class ClaimRole(SphinxRole):
    """``{claim}`id``` → the claim's value, linked to its ledger row, and its certainty marker."""

    def run(self):
        folder = self.env.app.config.datastory_data_path
        self.env.note_dependency(str(folder / "claims.csv"))
        self.env.note_dependency(str(folder / "sources.csv"))
        self.env.note_dependency(str(folder / "measures.csv"))
        claim_id = self.text.strip()
        reading = readings(folder).get(claim_id)
        if reading is None:
            message = self.inliner.reporter.error(unknown(claim_id), line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, message)], [message]
        page = self.env.app.config.datastory_sources_page
        uri = self.env.app.builder.get_relative_uri(self.env.docname, page) + f"#claim-{claim_id}"
        classes = ["claim", f"claim-{reading.status}", f"claim-{reading.qualifier}"]
        node = nodes.reference(self.rawtext, reading.text, refuri=uri, reftitle=reading.hover, classes=classes)
        node["claim_id"] = claim_id
        seen = self.env.temp_data.setdefault("datastory_claims_cited", set())
        if claim_id not in seen:  # the first sentence citing it is where a figure's permalink points
            seen.add(claim_id)
            node["ids"] = [f"cited-{claim_id}"]
        if not reading.marker:
            return [node], []
        shown = f"({reading.marker})"
        note = nodes.abbreviation(shown, shown, explanation=meaning(reading.qualifier),
                                  classes=["claim-qualifier", f"claim-qualifier-{reading.qualifier}"])
        return [node, nodes.Text("\u00a0"), note], []
