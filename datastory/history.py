"""When a page was first published and last updated, from the repository's git history.

A chapter's dates are facts of the history, not typed: first published is the first commit of
its file; last updated is the latest commit of its file or of any data file it reads. Commit
dates (not the clock) make two builds of one commit byte-identical. Without git, or in a
shallow clone whose history starts late, the dates are missing and :attr:`History.note` says
why, so the page and the build log can say so instead of printing a wrong date.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class PageDates:
    first_published: date | None
    last_updated: date | None


@dataclass
class History:
    """Commit dates per file of one repository, read once with a single ``git log``."""

    root: Path
    dates: dict[str, list[date]] = field(default_factory=dict)  # path -> commit dates, newest first
    note: str = ""  # why dates are missing or partial; empty when the history is complete
    head: str = ""  # the commit the dates describe (part of the build's fingerprint)

    def page(self, source: Path, reads: list[Path] = ()) -> PageDates:
        """Dates of a page from its own file and the files it reads (paths anywhere under root)."""
        own = self.dates.get(self._key(source), [])
        every = own + [d for path in reads for d in self.dates.get(self._key(path), [])]
        first = None if self.note.startswith("shallow") else (min(own) if own else None)
        return PageDates(first_published=first, last_updated=max(every) if every else None)

    def _key(self, path: Path) -> str:
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return ""


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                          timeout=60).stdout


def head_commit(root: Path) -> str:
    """The commit checked out at ``root`` ('' without git): the dates change only when it does."""
    if shutil.which("git") is None:
        return ""
    try:
        return _git(Path(root), "rev-parse", "HEAD").strip()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return ""


def read_history(root: Path) -> History:
    """Every file's commit dates under ``root`` (author dates, in the commit's own time zone)."""
    root = Path(root).resolve()
    history = History(root=root)
    if shutil.which("git") is None:
        history.note = "git is not installed, so pages carry no publication dates"
        return history
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").strip()).resolve()
        history.head = _git(root, "rev-parse", "HEAD").strip()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        history.note = "this copy has no git history, so pages carry no publication dates"
        return history
    if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
        history.note = ("shallow clone: first-published dates are unknown (run `git fetch --unshallow` "
                        "for the full history)")
    log = _git(root, "log", "--format=%x00%as", "--name-only", "--no-renames", "--", ".")
    for block in log.split("\0")[1:]:
        lines = block.strip().splitlines()
        if not lines:
            continue
        day = date.fromisoformat(lines[0])
        for name in lines[1:]:
            path = (top / name).resolve()
            if path.is_relative_to(root):
                history.dates.setdefault(path.relative_to(root).as_posix(), []).append(day)
    return history
