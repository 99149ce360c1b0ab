"""``check-links``: every internal link and anchor of the built site resolves; source URLs are sound.

Reads the HTML as written; fetches nothing (external pages are the reader's to open).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) is not None and tag in ("a", "link", "script", "img", "source"):
                self.links.append((self.getpos()[0], attrs[key]))


def check_site(site: Path) -> Iterator[str]:
    pages = {}
    for path in sorted(site.rglob("*.html")):
        if path.relative_to(site).parts[0] == "_static":
            continue  # the theme's template fragments, not pages
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = parser
    for path, page in pages.items():
        shown = path.relative_to(site.resolve())
        for line, link in page.links:
            target = urlparse(link)
            if target.scheme or link.startswith("//") or link.startswith("mailto:"):
                continue
            file = path if not target.path else (path.parent / unquote(target.path)).resolve()
            if file.is_dir():
                file = file / "index.html"
            if not file.exists():
                yield f"{shown}:{line}: link {link!r} points to a missing file"
            elif target.fragment and file in pages and target.fragment not in pages[file].ids:
                yield f"{shown}:{line}: link {link!r} points to a missing anchor #{target.fragment}"


def check_source_urls(sources) -> Iterator[str]:
    seen = {}
    for row in sources.itertuples():
        url = urlparse(row.url)
        if url.scheme not in ("http", "https") or not url.netloc or " " in row.url:
            yield f"data/sources.csv: source {row.source_id!r} has a malformed URL {row.url!r}"
        if row.url in seen:
            yield f"data/sources.csv: sources {seen[row.url]!r} and {row.source_id!r} share the URL {row.url}"
        seen[row.url] = row.source_id
