"""Cards on the landing page: key numbers (each a claim with its certainty and its chapter) and chapters.

``datastory-key-numbers`` takes one card a line, ``claim-id | what the number is | /docname``: the
figure comes from ``claims.csv`` through the ``{claim}`` role, its certainty is spelled out from the
claim's qualifier, and the link is a ``{doc}`` reference, so a renamed chapter fails the build.

``datastory-chapter-cards`` takes one docname a line and shows each chapter's title, its standfirst
(the bold first paragraph) and, as a thumbnail, the static image of its lead chart (its first chart,
which the chart writer saves as ``_charts/<chart id>.svg``). Titles and standfirsts are only known once
every page is read, so the directive leaves a placeholder that is filled in at ``doctree-resolved``.
"""

from __future__ import annotations

import html

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..claims import QUALIFIERS
from ..data import load
from .chart_nodes import CHART_DIR, chart

logger = logging.getLogger(__name__)


class KeyNumbers(SphinxDirective):
    """A row of cards, one per key number: ``claim-id | label | /docname`` a line."""

    has_content = True

    def run(self):
        claims = load("claims", self.config.datastory_data_path).set_index("claim_id")
        self.env.note_dependency(str(self.config.datastory_data_path / "claims.csv"))
        lines: list[str] = []
        for offset, line in enumerate(self.content):
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not all(parts):
                raise self.error(f"line {offset + 1} of {self.name}: expected 'claim-id | what the number is | "
                                 f"/docname of the chapter that explains it', got {line!r}")
            claim_id, label, docname = parts
            if claim_id not in claims.index:
                raise self.error(f"unknown claim {claim_id!r} in {self.name}: add it to data/claims.csv or fix the id")
            qualifier = claims.loc[claim_id, "qualifier"]
            certainty = QUALIFIERS[qualifier][0] or qualifier
            lines += [
                "::::{container} ds-card ds-number-card",
                ":::{container} ds-card-figure",
                f"{{claim}}`{claim_id}`",
                ":::",
                f":::{{container}} ds-card-label\n{label}\n:::",
                f":::{{container}} ds-card-certainty ds-certainty-{qualifier}\n"
                f"Certainty: {certainty}. {QUALIFIERS[qualifier][1]}\n:::",
                f":::{{container}} ds-card-link\n{{doc}}`{docname}` \u2192\n:::",
                "::::",
            ]
        cards = nodes.container(classes=["ds-cards", "ds-number-cards"])
        self.state.nested_parse(StringList(lines, source=self.get_source_info()[0]), self.content_offset, cards)
        return [cards]


class chapter_cards(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """Placeholder for the chapter cards; holds the docnames until every page has been read."""


class ChapterCards(SphinxDirective):
    """Cards for the chapters listed, one docname (``/notebooks/01-...``) a line."""

    has_content = True

    def run(self):
        docnames = [line.strip().lstrip("/") for line in self.content if line.strip()]
        if not docnames:
            raise self.error(f"{self.name} lists no chapters; give one docname a line, e.g. /notebooks/01-funds")
        if not hasattr(self.env, "datastory_card_pages"):
            self.env.datastory_card_pages = set()
        self.env.datastory_card_pages.add(self.env.docname)
        node = chapter_cards(docnames=docnames)
        self.set_source_info(node)
        return [node]


def _standfirst(doctree: nodes.document) -> str:
    """The chapter's standfirst: its first paragraph when that paragraph is all bold."""
    for paragraph in doctree.findall(nodes.paragraph):
        children = [c for c in paragraph.children if not (isinstance(c, nodes.Text) and not c.strip())]
        if len(children) == 1 and isinstance(children[0], nodes.strong):
            return " ".join(paragraph.astext().split())
        return ""
    return ""


def record_chapter(app, doctree) -> None:
    """``doctree-read``: keep each page's standfirst and its lead chart's id (for its card)."""
    env = app.env
    if not hasattr(env, "datastory_chapters"):
        env.datastory_chapters = {}
    lead = next(iter(doctree.findall(chart)), None)  # ids are assigned by chart_nodes.assign_chart_ids first
    env.datastory_chapters[env.docname] = {"standfirst": _standfirst(doctree),
                                           "lead_chart": lead["chart_id"] if lead is not None else None}


def purge_chapter(app, env, docname) -> None:
    getattr(env, "datastory_chapters", {}).pop(docname, None)
    getattr(env, "datastory_card_pages", set()).discard(docname)


def merge_chapters(app, env, docnames, other) -> None:
    if not hasattr(env, "datastory_chapters"):
        env.datastory_chapters = {}
    env.datastory_chapters.update({d: v for d, v in getattr(other, "datastory_chapters", {}).items() if d in docnames})


def refresh_card_pages(app, env, added, changed, removed) -> list[str]:
    """``env-get-outdated``: a page of chapter cards is rewritten whenever any page changed."""
    pages = getattr(env, "datastory_card_pages", set())
    return sorted(pages) if (added or changed or removed) else []


def fill_chapter_cards(app, doctree, fromdocname) -> None:
    """``doctree-resolved``: each placeholder becomes a list of linked cards with thumbnails."""
    env, builder = app.env, app.builder
    known = getattr(env, "datastory_chapters", {})
    for placeholder in list(doctree.findall(chapter_cards)):
        if builder.format != "html":
            placeholder.replace_self([])
            continue
        root = "../" * fromdocname.count("/")
        items = []
        for docname in placeholder["docnames"]:
            if docname not in env.titles:
                logger.warning(f"chapter card for unknown page {docname!r}: list it in _toc.yml or fix the name",
                               location=placeholder)
                continue
            info = known.get(docname, {"standfirst": "", "lead_chart": None})
            title = html.escape(env.titles[docname].astext())
            thumbnail = ""
            if info["lead_chart"]:
                image = f"{root}{CHART_DIR}/{info['lead_chart']}.svg"
                thumbnail = f'<img class="ds-card-thumb" src="{html.escape(image)}" alt="" loading="lazy">'
            text = f'<span class="ds-card-text">{html.escape(info["standfirst"])}</span>' if info["standfirst"] else ""
            href = html.escape(builder.get_relative_uri(fromdocname, docname))
            items.append(f'<li><a class="ds-card ds-chapter-card" href="{href}">{thumbnail}'
                         f'<span class="ds-card-title">{title}</span>{text}</a></li>')
        markup = f'<ul class="ds-cards ds-chapter-cards">{"".join(items)}</ul>'
        placeholder.replace_self(nodes.raw("", markup, format="html"))


def setup_cards(app) -> None:
    app.add_node(chapter_cards)
    app.add_directive("datastory-key-numbers", KeyNumbers)
    app.add_directive("datastory-chapter-cards", ChapterCards)
    app.connect("doctree-read", record_chapter)
    app.connect("env-purge-doc", purge_chapter)
    app.connect("env-get-outdated", refresh_card_pages)
    app.connect("env-merge-info", merge_chapters)
    app.connect("doctree-resolved", fill_chapter_cards)
