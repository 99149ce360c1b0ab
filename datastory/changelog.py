"""The corrections log in ``CHANGELOG.md``, read as entries for the site's "Updates and corrections".

The format is documented at the top of ``CHANGELOG.md``: between ``<!-- corrections:start -->``
and ``<!-- corrections:end -->``, each correction is a ``### YYYY-MM-DD — <what>`` heading
followed by ``- Pages:``, ``- Said:``, ``- Says:`` and ``- Why:`` lines. A chapter shows the
entries whose Pages name its source file; the corrections page lists them all, each with an
anchor the chapters link to. A malformed entry fails loudly, naming its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

START, END = "<!-- corrections:start -->", "<!-- corrections:end -->"
_HEADING = re.compile(r"^###\s+(\d{4}-\d{2}-\d{2})\s+[—-]\s+(.+?)\s*$")
_FIELD = re.compile(r"^-\s+(Pages|Said|Says|Why):\s*(.*)$")


class ChangelogError(ValueError):
    """An entry that does not follow the documented shape; the message names file and line."""


@dataclass(frozen=True)
class Correction:
    day: date
    what: str  # "<table>/<row id>" or "page/<path>"
    pages: tuple[str, ...]  # source files that state it; empty for "data only"
    said: str
    says: str
    why: str
    anchor: str  # stable id on the corrections page


def read_corrections(path: Path) -> list[Correction]:
    """Every correction in the log, in its order (newest first by the log's convention)."""
    path = Path(path)
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    inside, entries, current, seen = False, [], None, {}

    def close():
        if current is None:
            return
        missing = [f for f in ("Pages", "Said", "Says", "Why") if f not in current["fields"]]
        if missing:
            raise ChangelogError(f"{path.name}:{current['line']}: correction '{current['what']}' lacks "
                                 f"{', '.join(missing)} (each entry has Pages, Said, Says and Why lines)")
        fields = current["fields"]
        pages = () if fields["Pages"].strip().lower() == "data only" else tuple(
            p.strip() for p in fields["Pages"].split(",") if p.strip())
        slug = re.sub(r"[^a-z0-9]+", "-", f"{current['day']} {current['what']}".lower()).strip("-")
        seen[slug] = seen.get(slug, 0) + 1
        anchor = f"correction-{slug}" + (f"-{seen[slug]}" if seen[slug] > 1 else "")
        entries.append(Correction(date.fromisoformat(current["day"]), current["what"], pages, fields["Said"],
                                  fields["Says"], fields["Why"], anchor))

    for number, line in enumerate(lines, start=1):
        if line.strip() == START:
            inside = True
            continue
        if line.strip() == END:
            close()
            current, inside = None, False
            continue
        if not inside or not line.strip():
            continue
        if match := _HEADING.match(line):
            close()
            current = {"day": match.group(1), "what": match.group(2), "fields": {}, "line": number}
        elif (match := _FIELD.match(line)) and current is not None:
            current["fields"][match.group(1)] = match.group(2)
        elif current is not None and line.startswith("  ") and current["fields"]:
            last = list(current["fields"])[-1]
            current["fields"][last] += " " + line.strip()
        else:
            raise ChangelogError(f"{path.name}:{number}: expected '### YYYY-MM-DD — <what>' or a '- Pages:', "
                                 f"'- Said:', '- Says:' or '- Why:' line, found {line.strip()[:60]!r}")
    close()
    return entries


def corrections_for(entries: list[Correction], source: str) -> list[Correction]:
    """The corrections that name ``source`` (a path like ``notebooks/01-x.md``) among their pages."""
    return [entry for entry in entries if source in entry.pages]


def published_after_first_edition(entries: list[Correction], root: Path) -> list[Correction]:
    """The corrections a reader would call corrections: those dated after the first edition.

    Entries up to the first edition's date are the provenance log kept while the story was being
    reported (shown on the data changelog page); with no edition yet, none is a correction.
    """
    from .editions import read_editions

    listed = read_editions(root)
    if not listed:
        return []
    first = listed[0].date
    return [entry for entry in entries if entry.day.isoformat() > first]
