"""How a chart names its sources: short enough to read under a chart on a phone, one tap to each page.

A chart drawn from thirty pages would otherwise carry a thirty-link wall under it, and a publisher
that records the exact version read (``DeepSeek (GitHub deepseek-ai/DeepSeek-R1, commit 00f3…)``)
would print forty hex digits per link. Under a chart a publisher appears once, without the
repository and commit (the data package and the sources page keep them), followed by a numbered
link per page when it gave more than one.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

_GITHUB = re.compile(r" \(GitHub [^)]*\)")


def short_publisher(publisher: str) -> str:
    """The publisher as a credit line prints it: which repository, and the commit it was read at,
    are left to the link (``DeepSeek (GitHub deepseek-ai/DeepSeek-R1, commit 00f3…)`` prints as
    ``DeepSeek (GitHub)``)."""
    return _GITHUB.sub(" (GitHub)", publisher)


def source_rows(source_ids: list[str], folder: Path | None = None) -> list[dict]:
    """The sources.csv rows a chart cites, in its order, as the source line and the metadata use
    them; an id the table lacks is skipped (validation has already named it)."""
    from .data import load

    table = load("sources", folder).set_index("source_id")
    return [{"source_id": sid, **{k: str(table.loc[sid, k]) for k in ("publisher", "title", "url")}}
            for sid in source_ids if sid in table.index]


def by_publisher(sources: list[dict]) -> list[tuple[str, list[dict]]]:
    """Sources grouped under their short publisher name, in order of first appearance."""
    groups: dict[str, list[dict]] = {}
    for source in sources:
        groups.setdefault(short_publisher(source["publisher"]), []).append(source)
    return list(groups.items())


def source_links_html(sources: list[dict], *, new_tab: bool = False) -> str:
    """``Reuters, Meta (GitHub meta-llama/llama-models) 1 2 3``: the page's title shows on hover,
    and a numbered link is read out with its publisher and title, never as a bare "2"."""
    target = ' target="_blank" rel="noopener"' if new_tab else ""

    def link(source: dict, text: str, label: str | None = None) -> str:
        name = f' aria-label="{html.escape(label)}"' if label else ""
        return (f'<a href="{html.escape(source["url"])}" title="{html.escape(source["title"])}"{name}{target}>'
                f"{html.escape(text)}</a>")

    parts = []
    for name, pages in by_publisher(sources):
        if len(pages) == 1:
            parts.append(link(pages[0], name))
        else:
            numbers = "".join(link(page, str(n), f"{n}, {name}: {page['title']}") for n, page in enumerate(pages, 1))
            parts.append(f'{html.escape(name)} <span class="ds-chart__pages">{numbers}</span>')
    return ", ".join(parts)
