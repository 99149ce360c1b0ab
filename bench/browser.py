"""Time from navigation start to every chart drawn, in headless Debian Chromium on 127.0.0.1.

Each load is a fresh browser context (empty cache), so it is a reader's first visit. Every
request not to 127.0.0.1 is aborted, except in the "CDN served locally" variant, where requests
to cdn.jsdelivr.net for the npm dist files we hold are answered from disk via ``page.route``
(zero network latency: the best case a CDN could give). An init script watches the DOM with a
MutationObserver and stamps ``performance.now()`` (milliseconds since navigation start) the
moment the last chart is drawn:

- ours: every ``figure.ds-chart`` has ``data-rendered="true"`` (its picture is on screen: the static
  SVG drawn at build time, or the live view);
- baseline: every Altair output ``div[id^="altair-viz-"]`` contains vega-embed's svg or canvas.

It also stamps the first chart drawn, and reads DOMContentLoaded and the load event from the
navigation timing entry, to show where the time goes.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from datastory.serve import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: How long to wait for charts after the load event before calling them never drawn.
NEVER_AFTER_MS = 8000

_WATCH = """
(() => {
  const N = %(n)d, KIND = %(kind)r;
  function count() {
    if (KIND === "ours") {
      return document.querySelectorAll('figure.ds-chart[data-rendered="true"]').length;
    }
    const views = document.querySelectorAll('div[id^="altair-viz-"]');
    return Array.prototype.filter.call(views, v => v.querySelector("svg, canvas")).length;
  }
  let observer = null;
  function check() {
    const done = count();
    if (window.__benchFirstAt === undefined && done > 0) { window.__benchFirstAt = performance.now(); }
    if (window.__benchDrawnAt === undefined && done === N) {
      window.__benchDrawnAt = performance.now();
      if (observer) { observer.disconnect(); }
    }
  }
  observer = new MutationObserver(check);
  observer.observe(document, {subtree: true, childList: true, attributes: true,
                              attributeFilter: ["data-rendered"]});
  check();
})();
"""


@dataclass
class Variant:
    """One way of loading one page: whose site, how many charts to wait for, what the CDN does."""

    name: str
    site: Path
    page: str
    kind: str  # "ours" or "baseline": which charts to wait for
    charts: int
    runs: int
    cdn_files: dict[str, Path] | None = None  # None: every request to another host is aborted
    ms: list = field(default_factory=list)
    first: list = field(default_factory=list)
    dcl: list = field(default_factory=list)
    load: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    blocked: set = field(default_factory=set)
    errors: set = field(default_factory=set)
    fetched: dict = field(default_factory=dict)  # bytes of the files the last load fetched, by kind

    def summary(self) -> dict:
        def median(values):
            return statistics.median(values) if values and None not in values else None

        return {"page": self.page, "kind": self.kind, "charts": self.charts, "runs": self.runs, "ms": self.ms,
                "median_ms": median(self.ms), "first_chart_median_ms": median(self.first),
                "dcl_median_ms": median(self.dcl), "load_event_median_ms": median(self.load),
                "requests_median": median(self.requests), "fetched": self.fetched, "blocked": sorted(self.blocked),
                "page_errors": sorted(self.errors)[:5]}


def _load_once(browser, base: str, variant: Variant) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    urls: list[str] = []

    def route(r):
        url = r.request.url
        if variant.cdn_files and url in variant.cdn_files:
            r.fulfill(status=200, body=variant.cdn_files[url].read_bytes(),
                      headers={"content-type": "application/javascript; charset=utf-8",
                               "access-control-allow-origin": "*"})
        else:
            variant.blocked.add(url)
            r.abort()

    # Only requests to other hosts are intercepted (the pattern is matched in the browser
    # driver), so same-site requests never wait on this Python process.
    tab.route(re.compile(rf"^(?!{re.escape(base)}/)"), route)
    tab.on("request", lambda request: urls.append(request.url))
    tab.on("pageerror", lambda error: variant.errors.add(str(error)))
    tab.add_init_script(_WATCH % {"n": variant.charts, "kind": variant.kind})
    tab.goto(f"{base}/{variant.page}", wait_until="load")
    try:
        tab.wait_for_function("window.__benchDrawnAt !== undefined", timeout=NEVER_AFTER_MS)
        drawn = tab.evaluate("window.__benchDrawnAt")
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the charts never drew
        drawn = None
    timing = tab.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                first: window.__benchFirstAt === undefined ? null : window.__benchFirstAt};
    }""")
    context.close()
    variant.ms.append(drawn)
    variant.first.append(timing["first"])
    variant.dcl.append(timing["dcl"])
    variant.load.append(timing["load"])
    variant.requests.append(len(urls))
    variant.fetched = _fetched_bytes(urls, base, variant)


def _kind(path: str) -> str:
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return {"js": "js", "css": "css", "woff2": "fonts", "woff": "fonts", "ttf": "fonts", "otf": "fonts",
            "html": "html"}.get(suffix, "other")


def _fetched_bytes(urls: list[str], base: str, variant: Variant) -> dict:
    """What Chromium actually requested, sized from the files served (a check on the static count)."""
    out = {"js": 0, "css": 0, "fonts": 0, "html": 0, "other": 0, "files": 0}
    for url in dict.fromkeys(urls):
        if variant.cdn_files and url in variant.cdn_files:
            path, kind = variant.cdn_files[url], "js"
        elif url.startswith(base + "/"):
            path = variant.site / unquote(urlsplit(url).path).lstrip("/")
            kind = _kind(path.name)
        else:
            continue  # aborted
        if path.is_file():
            out[kind] += path.stat().st_size
            out["files"] += 1
    out["total"] = sum(out[k] for k in ("js", "css", "fonts", "html", "other"))
    return out


def time_charts(variants: list[Variant], log=print) -> dict[str, dict]:
    """Load every variant's page ``runs`` times, the variants interleaved (so drift hits all alike)."""
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        bases = {}
        for site in dict.fromkeys(v.site for v in variants):
            bases[site] = stack.enter_context(serve(site))
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        stack.callback(browser.close)
        _load_once(browser, bases[variants[0].site], replace(variants[0], ms=[], first=[], dcl=[], load=[],
                                                             requests=[], blocked=set(), errors=set()))  # warm-up
        for run in range(max(v.runs for v in variants)):
            for variant in variants:
                if run >= variant.runs:
                    continue
                _load_once(browser, bases[variant.site], variant)
                drawn = variant.ms[-1]
                log(f"{variant.name} load {run + 1}/{variant.runs}: all {variant.charts} charts drawn "
                    f"{'never' if drawn is None else f'{drawn:.0f} ms'} (first {variant.first[-1] or 0:.0f} ms, "
                    f"DOMContentLoaded {variant.dcl[-1]:.0f} ms, load event {variant.load[-1]:.0f} ms, "
                    f"{variant.requests[-1]} requests)")
    return {v.name: v.summary() for v in variants}


def chromium_version() -> str:
    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "unknown"
