"""The phone profile: every chapter page on an emulated mid-range phone, ours against the baseline.

Chromium through the DevTools protocol: 4x CPU slowdown, slow 4G (150 ms round trip, 1.6 Mbit/s
down, 750 kbit/s up), a 375 x 812 touch screen at 2x; each load in a fresh context (empty cache).
Both sites are served gzipped from one host on 127.0.0.1; the baseline's CDN scripts (vega,
vega-lite, vega-embed, the npm dist files of the versions its pages name) are copied into its
folder and its pages point at them there, so they travel the same throttled link.

Per load, from navigation start:

- charts visible: every chart drawn on screen — ours: the static picture the screen shows (a
  phone's is drawn in the page, so parsed is drawn; a wide one is an image, loaded), not waiting
  for our chart script, or the chart live; baseline: each Altair output holds vega-embed's svg or canvas;
- first chart live: the first chart a reader can interact with. After the charts are visible
  the first chart is scrolled into view, as a reader would. Baseline: its first chart drawn (it
  is live when drawn). Ours on a touch screen goes live at the reader's first touch, so once the
  page has settled (3 s after the charts are visible and the largest paint) the reader taps the
  chart: ``data-state="live"``, and how long after the tap (``tap_ms``);
- total blocking time while the page loads: the sum over long tasks of their time past 50 ms
  (Chrome's long-task entries), to 3 s after all of the above for the baseline, to the tap for
  ours; and, for ours, the same sum over the tasks the tap started (``tap_tbt_ms``), so the
  work moved from load to the first touch is counted too;
- largest contentful paint and cumulative layout shift (shifts after input excluded);
- bytes transferred (encoded, as the network carried them).

``python -m bench.phone`` runs it alone: it builds the baseline and a copy of this repository in
a temporary folder; ``make bench`` runs it as one of its phases.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from datastory.serve import CHROMIUM, CHROMIUM_ARGS, serve, tap

CPU_SLOWDOWN = 4
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
           "uploadThroughput": 750_000 / 8}
VIEWPORT = {"width": 375, "height": 812}
#: After both milestones, how long to keep counting long tasks and shifts.
SETTLE_MS = 3000
#: A page whose charts are not visible by then is reported as never.
GIVE_UP_MS = 60000
CDN_FOLDER = "_cdn"
#: No host but this machine: requests elsewhere fail. Not Playwright's routing, which would turn
#: the browser's cache off (and with it a file fetched ahead of its use).
OFFLINE_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

TARGETS = {
    "visible_vs_baseline": 0.25,  # charts visible <= 25% of the baseline's time (and at or before LCP)
    "tbt_vs_baseline": 0.20,  # total blocking time <= 20% of the baseline's
    "tbt_ms": 200,  # and under 200 ms
    "bytes_vs_baseline": 0.30,  # transfer <= 30% of the baseline's
    "cls": 0.01,
}

_WATCH = """
(() => {
  const KIND = %(kind)r;
  window.__phone = {longtasks: [], lcp: null, cls: 0, visible: null, live: null};
  const p = window.__phone;
  new PerformanceObserver(l => l.getEntries().forEach(e => p.longtasks.push([e.startTime, e.duration])))
    .observe({type: "longtask", buffered: true});
  new PerformanceObserver(l => l.getEntries().forEach(e => { p.lcp = e.startTime; }))
    .observe({type: "largest-contentful-paint", buffered: true});
  new PerformanceObserver(l => l.getEntries().forEach(e => { if (!e.hadRecentInput) p.cls += e.value; }))
    .observe({type: "layout-shift", buffered: true});
  function drawn() {
    const views = Array.from(document.querySelectorAll('div[id^="altair-viz-"]'));
    return views.filter(v => v.querySelector("svg, canvas")).length === views.length && views.length > 0
      ? views.length : 0;
  }
  function check() {
    if (KIND === "ours") {
      const figures = document.querySelectorAll("figure.ds-chart");
      const shown = Array.from(figures).filter(f => {
        const narrow = f.querySelector(".ds-chart__static > svg"), img = f.querySelector(".ds-chart__static img");
        return f.getAttribute("data-rendered") === "true" || (narrow && narrow.getClientRects().length > 0)
          || (img && img.complete && img.naturalWidth > 0 && img.getClientRects().length > 0);
      }).length;
      if (p.visible === null && figures.length && shown === figures.length) { p.visible = performance.now(); }
      if (p.live === null && document.querySelector('figure.ds-chart[data-state="live"]')) {
        p.live = performance.now();
      }
    } else {
      const views = document.querySelectorAll('div[id^="altair-viz-"]');
      const some = Array.from(views).some(v => v.querySelector("svg, canvas"));
      if (p.live === null && some) { p.live = performance.now(); }
      if (p.visible === null && drawn()) { p.visible = performance.now(); }
    }
  }
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true,
                                                  attributeFilter: ["data-rendered", "data-state"]});
  document.addEventListener("load", check, true);  // an image's load event, caught on its way down
})();
"""


@dataclass
class Loads:
    """The loads of one page of one site."""

    kind: str
    page: str
    runs: list = field(default_factory=list)

    def median(self, key: str):
        values = [run[key] for run in self.runs]
        return None if not values or None in values else statistics.median(values)


def baseline_served_locally(site: Path, cdn: dict[str, Path], dest: Path) -> Path:
    """A copy of the baseline site whose pages load the CDN files from the same host."""
    shutil.copytree(site, dest)
    for url, path in cdn.items():
        local = dest / CDN_FOLDER / url.split("://", 1)[1].split("/", 1)[1].split("?", 1)[0]
        local.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, local)
    for page in dest.rglob("*.html"):
        depth = len(page.relative_to(dest).parts) - 1
        text = page.read_text(encoding="utf-8")
        replaced = re.sub(r"https://cdn\.jsdelivr\.net/", "../" * depth + CDN_FOLDER + "/", text)
        if replaced != text:
            page.write_text(replaced, encoding="utf-8")
    return dest


def _load(browser, base: str, page: str, kind: str) -> dict:
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True)
    tab = context.new_page()
    cdp = context.new_cdp_session(tab)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    carried = []
    cdp.on("Network.loadingFinished", lambda event: carried.append(event["encodedDataLength"]))
    foreign = []  # requests to other hosts: the browser cannot resolve them (OFFLINE_HOSTS); counted here
    cdp.on("Network.requestWillBeSent", lambda event: None if event["request"]["url"].startswith((base, "data:"))
           else foreign.append(event["request"]["url"]))
    tab.add_init_script(_WATCH % {"kind": kind})
    tab.goto(f"{base}/{page}", wait_until="load", timeout=GIVE_UP_MS)
    tap_at = None
    try:
        tab.wait_for_function("window.__phone.visible !== null", timeout=GIVE_UP_MS, polling=200)
        first = tab.locator("figure.ds-chart" if kind == "ours" else 'div[id^="altair-viz-"]').first
        first.scroll_into_view_if_needed()
        if kind == "ours" and tab.evaluate("window.__phone.live === null"):
            tap_at = _tap_when_settled(tab, first.locator(".ds-chart__view"))
        tab.wait_for_function("window.__phone.live !== null", timeout=GIVE_UP_MS, polling=200)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: not drawn in time
        pass
    tab.wait_for_timeout(SETTLE_MS)
    data = tab.evaluate("window.__phone")
    context.close()
    end = tap_at if tap_at is not None else \
        max(v for v in (data["visible"], data["live"], data["lcp"], 0) if v is not None) + SETTLE_MS

    def blocking(tasks):
        return sum(max(0.0, d - 50) for start, d in tasks)

    return {
        "visible_ms": data["visible"], "live_ms": data["live"], "lcp_ms": data["lcp"], "cls": round(data["cls"], 4),
        "tbt_ms": blocking(t for t in data["longtasks"] if t[0] <= end),
        "tap_ms": None if tap_at is None or data["live"] is None else data["live"] - tap_at,
        "tap_tbt_ms": None if tap_at is None else blocking(t for t in data["longtasks"] if t[0] > tap_at),
        "bytes": sum(carried), "foreign": len(foreign),
    }


def _tap_when_settled(tab, view) -> float:
    """Wait until the page has settled (3 s after the charts are visible and the largest paint),
    then tap the chart in the middle, as a reader would; the tap's time since navigation."""
    settled = f"Math.max(window.__phone.visible, window.__phone.lcp || 0) + {SETTLE_MS}"
    tab.wait_for_function(f"performance.now() >= {settled}", timeout=GIVE_UP_MS, polling=100)
    view.scroll_into_view_if_needed()
    at = tab.evaluate("performance.now()")
    tap(tab, view)
    return at


def profile(sites: dict[str, Path], pages: list[str], runs: int, log=print) -> dict:
    """Load every page of both sites ``runs`` times, interleaved; medians per page and site."""
    from playwright.sync_api import sync_playwright

    results = {kind: {page: Loads(kind, page) for page in pages} for kind in sites}
    with serve(sites["ours"], gzip=True) as ours, serve(sites["baseline"], gzip=True) as baseline, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, OFFLINE_HOSTS])
        bases = {"ours": ours, "baseline": baseline}
        for run in range(runs):
            for page in pages:
                for kind in sites:
                    result = _load(browser, bases[kind], page, kind)
                    results[kind][page].runs.append(result)
                    log(f"phone {kind} {Path(page).stem} {run + 1}/{runs}: visible {_ms(result['visible_ms'])}, "
                        f"first live {_ms(result['live_ms'])}{_tap(result)}, TBT {result['tbt_ms']:.0f} ms, "
                        f"LCP {_ms(result['lcp_ms'])}, CLS {result['cls']:.3f}, {result['bytes'] / 1000:.0f} kB")
        browser.close()
    keys = ("visible_ms", "live_ms", "tap_ms", "tbt_ms", "tap_tbt_ms", "lcp_ms", "cls", "bytes")
    return {"runs": runs, "pages": {page: {kind: {**{k: results[kind][page].median(k) for k in keys},
                                                  "loads": results[kind][page].runs}
                                           for kind in sites} for page in pages}}


def _ms(value) -> str:
    return "never" if value is None else f"{value:,.0f} ms"


def _tap(row: dict) -> str:
    """How the first touch went, for ours: time from the tap to live, and the tap's blocking time."""
    if row.get("tap_tbt_ms") is None:
        return ""
    return f" ({_ms(row['tap_ms'])} after a tap that blocked {row['tap_tbt_ms']:,.0f} ms)"


def heaviest(result: dict) -> str:
    return max(result["pages"], key=lambda p: result["pages"][p]["ours"]["bytes"] or 0)


def targets(result: dict) -> list[tuple[str, str, str]]:
    page = heaviest(result)
    o, b = result["pages"][page]["ours"], result["pages"][page]["baseline"]
    rows = []

    def ratio(key):
        return o[key] / b[key] if o[key] is not None and b[key] else None

    visible = ratio("visible_ms")
    ok = visible is not None and visible <= TARGETS["visible_vs_baseline"] and o["lcp_ms"] is not None \
        and o["visible_ms"] <= o["lcp_ms"] + 1
    rows.append(("charts visible at or before LCP and <= 25% of the baseline's time",
                 f"{_ms(o['visible_ms'])} vs {_ms(b['visible_ms'])} ({visible or 0:.0%}); LCP {_ms(o['lcp_ms'])}",
                 "met" if ok else "NOT met"))
    tbt = ratio("tbt_ms")
    ok = tbt is not None and tbt <= TARGETS["tbt_vs_baseline"] and o["tbt_ms"] < TARGETS["tbt_ms"]
    rows.append(("total blocking time while loading <= 20% of the baseline's and under 200 ms",
                 f"{o['tbt_ms']:.0f} ms vs {b['tbt_ms']:.0f} ms ({tbt or 0:.0%})", "met" if ok else "NOT met"))
    sent = ratio("bytes")
    rows.append(("bytes transferred <= 30% of the baseline's",
                 f"{o['bytes'] / 1000:,.0f} kB vs {b['bytes'] / 1000:,.0f} kB ({sent or 0:.0%})",
                 "met" if sent is not None and sent <= TARGETS["bytes_vs_baseline"] else "NOT met"))
    rows.append(("layout shift <= 0.01", f"{o['cls']:.3f}", "met" if o["cls"] <= TARGETS["cls"] else "NOT met"))
    return [(f"{page}: {a}", m, v) for a, m, v in rows]


def render(result: dict, baseline_label: str) -> list[str]:
    lines = [f"## Phone profile: every chapter page (4x CPU slowdown, slow 4G 150 ms / 1.6 Mbit/s, gzip, "
             f"375 x 812 at 2x; median of {result['runs']} load(s))", "",
             f"Ours / {baseline_label} (CDN files served from the same host). Visible = every chart drawn on "
             "screen (ours: the static picture); first live = the first chart interactive, after scrolling to "
             "it once the charts are visible; ours goes live at the first touch, so the reader taps it once the "
             "page has settled, and the first tap's cost is given after the tap time: how long until the chart "
             "was live and the blocking time of the work the tap started. TBT counts the load (ours: to the "
             "tap).", "",
             "| page | charts visible | first chart live | TBT | LCP | CLS | transferred |",
             "|---|---|---|---|---|---|---|"]
    for page, row in result["pages"].items():
        o, b = row["ours"], row["baseline"]
        mark = " **heaviest**" if page == heaviest(result) else ""
        lines.append(
            f"| {Path(page).stem}{mark} | {_ms(o['visible_ms'])} / {_ms(b['visible_ms'])} | "
            f"{_ms(o['live_ms'])}{_tap(o)} / {_ms(b['live_ms'])} | {o['tbt_ms']:,.0f} / {b['tbt_ms']:,.0f} ms | "
            f"{_ms(o['lcp_ms'])} / {_ms(b['lcp_ms'])} | {o['cls']:.3f} / {b['cls']:.3f} | "
            f"{o['bytes'] / 1000:,.0f} / {b['bytes'] / 1000:,.0f} kB |")
    lines += ["", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {a} | {m} | {v if v == 'met' else '**' + v + '**'} |" for a, m, v in targets(result)]
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    from . import builds, npm_dist, pagebytes
    from .run import BASELINE_LABEL, chapter_pages

    parser = argparse.ArgumentParser(prog="python -m bench.phone", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="loads per page and site (default 3)")
    parser.add_argument("--out", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="datastory-phone-"))
    try:
        sites = {"ours": builds.copy_ours(work / "ours"), "baseline": builds.make_baseline(work / "baseline")}
        for kind, root in sites.items():
            builds.run_build(kind, root, work / f"{kind}.log")
        pages = chapter_pages()
        html = {kind: root / "_build" / "html" for kind, root in sites.items()}
        urls = sorted({u for p in pages for u in pagebytes.account(html["baseline"] / p, html["baseline"]).missing
                       if u.startswith(pagebytes.CDN_PREFIX)})
        cdn = {url: Path(info["path"]) for url, info in npm_dist.dist_files(urls).items()}
        html["baseline"] = baseline_served_locally(html["baseline"], cdn, work / "baseline-local")
        result = profile(html, pages, max(1, args.runs))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = render(result, BASELINE_LABEL)
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
