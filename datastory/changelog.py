"""The corrections log (``CHANGELOG.md``) read as entries, for each chapter's "Updates and corrections".

The log is Markdown: ``## <version or date>`` headings, each followed by a bullet list; one
bullet is one entry (it may wrap onto indented lines). Prose before the first ``##`` (how to
read the log) is not an entry. A chapter shows the entries that name a table it reads or a
claim it states, and links to the whole log.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

_HEADING = re.compile(r"^##\s+(.+?)\s*$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")


@dataclass(frozen=True)
class Entry:
    heading: str  # the section it was listed under: a version, a date, or both
    text: str  # Markdown, one paragraph

    def names(self, word: str) -> bool:
        """Whether the entry names ``word`` (a table or claim id) as a whole word."""
        return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", self.text) is not None

    def html(self) -> str:
        """The entry as inline HTML: escaped text with `code`, **strong** and *emphasis*."""
        text = html.escape(self.text, quote=False)
        text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
        text = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)
        return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", text)


def read_changelog(path: Path) -> list[Entry]:
    """Entries in the order the log lists them (newest first, by the log's convention)."""
    if not Path(path).is_file():
        return []
    entries, heading, current = [], None, None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if match := _HEADING.match(line):
            heading, current = match.group(1), None
            continue
        if heading is None:
            continue
        if match := _BULLET.match(line):
            current = [match.group(1)]
            entries.append((heading, current))
        elif current is not None and line.startswith(" ") and line.strip():
            current.append(line.strip())
        elif not line.strip():
            current = None
    return [Entry(heading=h, text=" ".join(parts)) for h, parts in entries]


def entries_for(entries: list[Entry], words: list[str]) -> list[Entry]:
    """The entries that name any of ``words`` (the tables a chapter reads, the claims it states)."""
    return [entry for entry in entries if any(entry.names(word) for word in words)]
