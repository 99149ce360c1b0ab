"""Refuse to publish a page that still holds text only its author could write.

``new-story`` marks such text ``FILL IN:`` (the chapter's lead, the chart's sentence title, the
unit of its axis). Each marker left in a page's source becomes a warning at its physical line,
and the strict build (warnings are errors) stops there, naming ``file:line``.
"""

from __future__ import annotations

from sphinx.util import logging

from ..scaffold import PLACEHOLDER

logger = logging.getLogger(__name__)


def refuse_placeholders(app, docname: str, source: list[str]) -> None:
    """``source-read`` handler: one located warning per line holding the marker."""
    for number, line in enumerate(source[0].splitlines(), start=1):
        at = line.find(PLACEHOLDER)
        if at >= 0:
            left = line[at:at + 70].strip()
            logger.warning(f"placeholder text left: {left!r}; write it before publishing",
                           location=(docname, number), type="datastory", subtype="placeholder")
