"""The data page's record of the second check, and how a claim's certainty reads in a table."""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..checks import TABLE, VERDICTS
from ..claims import marker, meaning
from ..data import load


def certainty(qualifier: str) -> nodes.paragraph:
    """A ledger cell: the qualifier's word, with its meaning on hover."""
    word = marker(qualifier) or "reported"
    return nodes.paragraph("", "", nodes.abbreviation(word, word, explanation=meaning(qualifier),
                                                      classes=[f"claim-qualifier-{qualifier}"]))


class SecondChecks(SphinxDirective):
    """Counts of the second check by verdict, then every row it did not simply confirm."""

    def run(self):
        from .data_pages import _table

        folder = self.config.datastory_data_path
        self.env.note_dependency(str(folder / f"{TABLE}.csv"))
        checks = load(TABLE, folder)
        counts = checks["verdict"].value_counts()
        summary = nodes.paragraph(text=(
            f"{len(checks)} rows re-read at the second check: "
            + ", ".join(f"{counts.get(verdict, 0)} {verdict}" for verdict in VERDICTS) + "."))
        flagged = checks[checks["verdict"] != "confirmed"].sort_values(["verdict", "table", "row_id"])
        rows = [[nodes.paragraph("", "", nodes.literal(text=f"{row.table} {row.row_id}")), row.verdict,
                 row.note, row.checked_on] for row in flagged.itertuples()]
        return [summary, _table(["Row", "Verdict", "What the check found", "Checked on"], rows, "checks")]
