"""Byte accounting for one built page: what a browser downloads to show it, raw and gzip -9.

Counted from the built files, not from a browser: the page's HTML; every ``<script src>`` and
``<link rel="preload" as="script">``; on a page with charts, the chart runtime our chart script
loads when a chart goes live (the files its ``data-vega`` and ``data-interpreter`` attributes
name, relative to the script); every ``<link rel="stylesheet">`` and the CSS it
``@import``s; the font each ``@font-face`` would fetch (its first ``src`` url, the woff2 a
current browser picks); and the scripts Altair's default HTML output appends at run time (the
CDN addresses in its inline loader). Chart data is the JSON of the charts inside the HTML: our
``<script type="application/json" class="ds-chart__spec">`` blocks, or the spec object passed
to Altair's inline loader. It is part of the HTML bytes (reported separately, never added twice).

Each file is counted once per page, gzip'd on its own (as a server would send it), with
Python's gzip at level 9 and a fixed mtime. Pure standard library: tests load this file alone.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

KINDS = ("html", "chart_data", "js", "css", "fonts")
CDN_PREFIX = "https://cdn.jsdelivr.net/npm/"
_CDN = re.compile(r"https://cdn\.jsdelivr\.net/npm/((?:@[^/@?]+/)?[^/@?]+)@([^/?#]+)(/[^?#]*)?")
_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)["']?\s*\)?""")
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.S)
_SRC = re.compile(r"""\bsrc\s*:([^;}]*)""", re.S)
_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
#: Altair's inline loader: ``const paths = {...}`` and the libraries it loads without RequireJS.
_ALTAIR_PATHS = re.compile(r"const paths = (\{.*?\});", re.S)
_PAIR = re.compile(r'''["']([\w-]+)["']\s*:\s*["']([^"']+)["']''')
_ALTAIR_LOADS = re.compile(r"""maybeLoadScript\(\s*["']([\w-]+)["']""")
_ALTAIR_SPEC = re.compile(r"\}\)\(\s*(?=\{)")


def gz(data: bytes) -> int:
    """Size after ``gzip -9`` (fixed mtime, so the number is reproducible)."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def cdn_package(url: str) -> tuple[str, str, str | None] | None:
    """``https://cdn.jsdelivr.net/npm/vega@6?noext`` -> ("vega", "6", None); None if not that CDN."""
    match = _CDN.match(url)
    if not match:
        return None
    return match.group(1), match.group(2), (match.group(3) or "").lstrip("/") or None


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        #: (script, file relative to it) our chart script loads once a chart goes live
        self.chart_runtime: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self.inline: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        rel = attrs.get("rel", "").lower().split()
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
                self.chart_runtime += [(attrs["src"], attrs[name]) for name in ("data-vega", "data-interpreter")
                                       if attrs.get(name)]
            else:
                self._open, self._text = attrs, []
        elif tag == "link" and attrs.get("href"):
            if "stylesheet" in rel:
                self.styles.append(attrs["href"])
            elif ("preload" in rel or "modulepreload" in rel) and attrs.get("as", "script") == "script":
                self.scripts.append(attrs["href"])
            elif "preload" in rel and attrs.get("as") == "style":
                self.styles.append(attrs["href"])

    def handle_data(self, data):
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.inline.append((self._open, "".join(self._text)))
            self._open = None


@dataclass
class PageBytes:
    """Raw and gzip bytes of one page by kind, and every file counted (for checking by hand)."""

    page: str
    raw: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    gzip: dict = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    files: dict = field(default_factory=dict)  # kind -> [(url, raw, gzip)]
    charts: int = 0
    missing: list = field(default_factory=list)  # URLs the page asks for that we could not resolve

    def total(self, which: str = "raw") -> int:
        """HTML + JS + CSS + fonts; chart data is inside the HTML and is not added again."""
        sizes = self.raw if which == "raw" else self.gzip
        return sizes["html"] + sizes["js"] + sizes["css"] + sizes["fonts"]

    def as_dict(self) -> dict:
        return {"page": self.page, "charts": self.charts, "raw": self.raw, "gzip": self.gzip,
                "total_raw": self.total("raw"), "total_gzip": self.total("gzip"),
                "files": self.files, "missing": self.missing}


def _chart_json(parser: _PageParser) -> tuple[list[str], list[str]]:
    """(JSON texts of the page's charts, CDN script URLs Altair's inline loaders append)."""
    charts, cdn = [], []
    for attrs, text in parser.inline:
        if attrs.get("type") == "application/json" and "ds-chart__spec" in attrs.get("class", ""):
            charts.append(text)
            continue
        paths = _ALTAIR_PATHS.search(text)
        if not paths:
            continue
        table = dict(_PAIR.findall(paths.group(1)))  # a JS object literal (trailing comma), not JSON
        cdn += [table[name] for name in _ALTAIR_LOADS.findall(text) if name in table]
        calls = list(_ALTAIR_SPEC.finditer(text))  # the last "})(" starts the arguments: (spec, embedOpt)
        if calls:
            start = calls[-1].end()
            _, end = json.JSONDecoder().raw_decode(text, start)
            charts.append(text[start:end])
    return charts, cdn


class Resolver:
    """Maps a URL the page fetches to the bytes it would get: site files, or npm dist files for the CDN."""

    def __init__(self, site: Path, cdn_files: dict[str, Path] | None = None):
        self.site = site.resolve()
        self.cdn_files = cdn_files or {}

    def read(self, url: str) -> bytes | None:
        if url.startswith(CDN_PREFIX):
            path = self.cdn_files.get(url)
            return path.read_bytes() if path else None
        if not url.startswith("file://"):
            return None
        path = Path(unquote(urlsplit(url).path))
        try:
            path.resolve().relative_to(self.site)
        except ValueError:
            return None
        return path.read_bytes() if path.is_file() else None


def _css_tree(url: str, resolver: Resolver, seen: set) -> list[tuple[str, bytes, list[str]]]:
    """A stylesheet and what it @imports: (url, bytes, font urls of its @font-face rules)."""
    if url in seen:
        return []
    seen.add(url)
    data = resolver.read(url)
    if data is None:
        return [(url, None, [])]
    text = data.decode("utf-8", errors="replace")
    fonts = []
    for face in _FONT_FACE.findall(text):
        src = _SRC.search(face)
        first = _URL.search(src.group(1)) if src else None
        if first and not first.group(1).startswith("data:"):
            fonts.append(urljoin(url, first.group(1)))
    out = [(url, data, fonts)]
    for imported in _IMPORT.findall(text):
        out += _css_tree(urljoin(url, imported), resolver, seen)
    return out


def _clean(url: str) -> str:
    """A file URL without query or fragment (``?v=...`` digests); CDN URLs are kept whole."""
    if url.startswith(CDN_PREFIX):
        return url
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl()


def account(page: Path, site: Path, cdn_files: dict[str, Path] | None = None) -> PageBytes:
    """Everything ``page`` makes the browser download, by kind, raw and gzip."""
    page = page.resolve()
    resolver = Resolver(site, cdn_files)
    html = page.read_bytes()
    parser = _PageParser()
    parser.feed(html.decode("utf-8", errors="replace"))
    base = page.as_uri()
    result = PageBytes(page=PurePosixPath(page.relative_to(site.resolve()).as_posix()).as_posix())
    result.files = {kind: [] for kind in KINDS}

    def add(kind: str, url: str, data: bytes | None) -> None:
        if data is None:
            result.missing.append(url)
            return
        raw, packed = len(data), gz(data)
        result.raw[kind] += raw
        result.gzip[kind] += packed
        result.files[kind].append((url, raw, packed))

    add("html", page.name, html)
    charts, cdn = _chart_json(parser)
    result.charts = len(charts)
    if charts:
        blob = "\n".join(charts).encode("utf-8")
        result.raw["chart_data"], result.gzip["chart_data"] = len(blob), gz(blob)
        result.files["chart_data"].append((f"{len(charts)} chart spec(s) inside the HTML", len(blob), gz(blob)))

    seen: set[str] = set()
    runtime = [urljoin(urljoin(base, script), name) for script, name in parser.chart_runtime] if charts else []
    for src in [*parser.scripts, *runtime, *cdn]:
        url = _clean(urljoin(base, src))
        if url not in seen:
            seen.add(url)
            add("js", url, resolver.read(url))
    css_seen: set[str] = set()
    fonts: list[str] = []
    for href in parser.styles:
        for url, data, font_urls in _css_tree(_clean(urljoin(base, href)), resolver, css_seen):
            add("css", url, data)
            fonts += font_urls
    for url in dict.fromkeys(_clean(u) for u in fonts):
        add("fonts", url, resolver.read(url))
    return result


def short(url: str, site: Path) -> str:
    """A file URL as a path inside the site, for tables."""
    if url.startswith("file://"):
        try:
            return Path(unquote(urlsplit(url).path)).relative_to(site.resolve()).as_posix()
        except ValueError:
            return url
    return url
