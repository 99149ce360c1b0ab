"""Editions on the site: the editions page, each edition's "what changed", a permalink per figure,
the frozen copies of earlier editions, the banner on a frozen copy, and the Atom feed.

The computing is :mod:`datastory.editions` (no Sphinx); this module puts it on pages.
"""

from __future__ import annotations

import html
import json
import os
import re
from datetime import date
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .. import editions as ed
from ..theme.furniture import LICENCE_NAMES
from .chart_nodes import LICENCE_URLS

CLAIM_DIR = "claims"
CHANGES_DIR = ed.CHANGES  # the CSV and JSON sit beside each what-changed page


class pending_changes(nodes.General, nodes.Element):
    """Filled at doctree-resolved, when every page's data dependencies are known."""


class pending_editions(nodes.General, nodes.Element):
    pass


class WhatChanged(SphinxDirective):
    """``{what-changed} YYYY-MM-DD``: every figure that changed in that edition, before and after."""

    required_arguments = 1

    def run(self):
        self.env.note_dependency(str(Path(self.env.srcdir) / ed.FOLDER / ed.LIST))
        node = pending_changes()
        node["edition"] = self.arguments[0]
        return [node]


class EditionsList(SphinxDirective):
    """``{datastory-editions}``: the editions, newest first, each with its frozen copy and what changed."""

    option_spec = {"class": directives.class_option}

    def run(self):
        self.env.note_dependency(str(Path(self.env.srcdir) / ed.FOLDER / ed.LIST))
        return [pending_editions()]


def _live(up: str) -> str:
    """The live site's root from a page ``up`` below its own root: a frozen copy sits two folders down."""
    return up + ("../../" if os.environ.get(ed.FROZEN_ENV) else "")


def _edition(root: Path, day: str) -> tuple[ed.Edition | None, ed.Edition | None]:
    """(the edition, the one before it)."""
    listed = ed.read_editions(root)
    for number, edition in enumerate(listed):
        if edition.date == day:
            return edition, (listed[number - 1] if number else None)
    return None, None


def changes_for(app, day: str) -> list[ed.Change] | None:
    """The changes an edition made, with reasons and pages; None for the first edition."""
    root = Path(app.srcdir)
    cache = getattr(app, "_datastory_changes", {})
    if day in cache:
        return cache[day]
    edition, before = _edition(root, day)
    if edition is None or before is None:
        cache[day] = None
        app._datastory_changes = cache
        return None
    old = ed.figures(root / ed.FOLDER / before.date / "data")
    new = ed.figures(root / ed.FOLDER / edition.date / "data")
    from ..changelog import read_corrections

    changes = ed.with_reasons(ed.diff(old, new), read_corrections(root / "CHANGELOG.md"), before.date, edition.date)
    sources, tables = {}, {}
    for doc in app.env.found_docs:
        path = Path(app.env.doc2path(doc))
        if path.is_file():
            sources[doc] = path.read_text(encoding="utf-8")
        tables[doc] = sorted({Path(dep).stem for dep in app.env.dependencies.get(doc, ())
                              if Path(dep).suffix == ".csv"} - {"claims", "sources", "measures", "checks"})
    story = [doc for doc in sources if doc.startswith("notebooks/") or doc in ("book/index", "book/ending")]
    changes = ed.with_pages(changes, root, {d: sources[d] for d in story}, {d: tables[d] for d in story})
    changes = ed.with_charts(changes, _charts(app, story), old, new)
    cache[day] = changes
    app._datastory_changes = cache
    return changes


def _charts(app, docs: list[str]) -> list[dict]:
    """Each chart of these pages with the row ids and source ids of its own rows."""
    import csv
    import io

    from .chart_nodes import chart

    found = []
    for doc in sorted(docs):
        try:
            doctree = app.env.get_doctree(doc)
        except Exception:  # a page not (yet) pickled: it has no chart to name
            continue
        ids = iter(getattr(app.env, "datastory_chart_ids", {}).get(doc, []))
        for node in doctree.findall(chart):
            rows = list(csv.DictReader(io.StringIO(node["bundle"].get("csv", ""))))
            found.append({"doc": doc, "id": node.get("chart_id") or next(ids, ""), "title": node["bundle"]["title"],
                          "row_ids": {r["row_id"] for r in rows if r.get("row_id")},
                          "source_ids": {r["source_id"] for r in rows if r.get("source_id")}})
    return found


def _link(app, fromdoc: str, todoc: str) -> str:
    title = app.env.titles[todoc].astext() if todoc in app.env.titles else todoc
    return f'<a href="{html.escape(app.builder.get_relative_uri(fromdoc, todoc))}">{html.escape(title)}</a>'


def fill(app, doctree, docname: str) -> None:
    """``doctree-resolved``: the editions list and the what-changed tables, as HTML."""
    root = Path(app.srcdir)
    for node in list(doctree.findall(pending_editions)):
        node.replace_self(nodes.raw("", _editions_html(app, docname, root), format="html"))
    for node in list(doctree.findall(pending_changes)):
        node.replace_self(nodes.raw("", _changes_html(app, docname, node["edition"]), format="html"))


def _editions_html(app, docname: str, root: Path) -> str:
    listed = ed.read_editions(root)
    if not listed:
        return "<p>No edition has been published yet.</p>"
    up = "../" * docname.count("/")
    rows = []
    for number, edition in enumerate(reversed(listed)):
        latest = number == 0
        changes = changes_for(app, edition.date)
        page = f"{ed.CHANGES}/{edition.date}"
        if changes is None:
            counted = "the first edition"
        else:
            kinds = {k: len({c.key for c in changes if c.kind == k}) for k in ed.KINDS}
            top = [f"{n} {ed.PHRASES[k] if n != 1 else ed.PHRASE_ONE[k]}"
                   for k, n in sorted(kinds.items(), key=lambda i: -i[1]) if n][:2]
            lost = ed.lost_verification(changes)
            counted = " and ".join(top) + (f"; {len(lost)} published figure{'s' if len(lost) != 1 else ''} now marked "
                                           "unverified" if lost else "") + (
                "; no published figure changed its value" if not kinds["revised"] and not kinds["recomputed"] else "")
        what = _link(app, docname, page) if page in app.env.found_docs else ""
        rows.append(
            f'<li class="ds-edition" id="edition-{edition.date}"><p class="ds-edition__date">'
            f'{_ordinal(len(listed) - number)} edition · <time datetime="{edition.date}">{ed.long_date(edition.day)}'
            f'</time>{" · the latest" if latest else ""}</p>'
            f'<p class="ds-edition__count">{html.escape(counted[:1].upper() + counted[1:])}.</p>'
            f"<p>{html.escape(edition.summary)}</p>"
            f'<p class="ds-edition__links"><a href="{_live(up)}{ed.SITE_FOLDER}/{edition.date}/index.html">'
            f"Read this edition as published</a>{' · ' + what if what else ''}</p></li>")
    return f'<ol class="ds-editions" reversed>{"".join(rows)}</ol>'


#: The order of a chapter's rows: changed values and new figures first, then how existing figures changed.
ROW_ORDER = ["revised", "recomputed", "retired", "qualifier", "checked", "dated", "re-sourced", "quote", "detail",
             "new"]


def _ordinal(n: int) -> str:
    words = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth"]
    return words[n - 1] if n <= len(words) else f"{n}th"


def _changes_html(app, docname: str, day: str) -> str:
    edition, before = _edition(Path(app.srcdir), day)
    if edition is None:
        return f"<p>No edition of {html.escape(day)} is recorded in {ed.FOLDER}/{ed.LIST}.</p>"
    up = "../" * docname.count("/")
    if before is None:
        count = len(ed.figures(Path(app.srcdir) / ed.FOLDER / day / "data"))
        return (f"<p>The first edition: {count} sourced figures and rows published. "
                f'<a href="{_live(up)}{ed.SITE_FOLDER}/{day}/index.html">Read it as published</a>.</p>')
    e = html.escape
    changes = changes_for(app, day) or []
    root = Path(app.srcdir)
    sources = {}
    for folder in (root / ed.FOLDER / before.date / "data", root / ed.FOLDER / day / "data"):
        sources.update({row["source_id"]: row for row in ed._rows(folder / "sources.csv")})
    after = ed.figures(root / ed.FOLDER / day / "data")

    def by(source_id: str) -> str:  # a source as a reader knows it: publisher and date
        row = sources.get(source_id)
        if not row:
            return source_id
        return (row["publisher"] + (f", {ed.dated(row['published'])}" if row.get("published") else "")
                + (f"; read in a copy by {row['via_publisher']}" if row.get("via_publisher") else ""))


    def shown(change, text: str) -> str:
        if change.kind == "re-sourced":
            return by(text)
        if change.kind == "qualifier":
            return _certainty_word(text)
        if change.kind == "dated":
            return ", ".join(ed.dated(part.strip()) for part in text.split(","))
        if change.kind == "checked":
            return ed.CHECK_WORDS.get(text, text)
        return text

    def why(change) -> str:
        if change.kind == "new":
            return change.reason
        if change.kind == "checked":
            return change.reason
        return change.reason

    order = {doc: n for n, doc in enumerate(_reading_order(app))}
    figures: dict[str, list] = {}
    for change in changes:  # one row per figure, however many ways it changed
        figures.setdefault(change.key, []).append(change)
    groups: dict[str, list] = {}
    for found in figures.values():  # each figure under the first chapter (in reading order) that shows it
        drawn = {doc for c in found for doc, _, _ in c.charts}  # the page whose chart draws it, else one that cites it
        shows = sorted({d for c in found for d in c.pages if d in app.env.titles},
                       key=lambda d: (d not in drawn, not d.startswith("notebooks/"), order.get(d, len(order))))
        groups.setdefault(shows[0] if shows else "", []).append((found, shows[1:]))
    counts = {kind: len({c.key for c in changes if c.kind == kind}) for kind in ed.KINDS}

    def counted(numbers: dict[str, int]) -> str:
        parts = [f"{n} {ed.PHRASES[kind] if n != 1 else ed.PHRASE_ONE[kind]}"
                 for kind, n in sorted(numbers.items(), key=lambda i: -i[1]) if n]
        return (", ".join(parts[:-1]) + " and " + parts[-1]) if len(parts) > 1 else "".join(parts) or "none"

    same = ("" if counts["revised"] or counts["recomputed"] else
            f" No figure published in the edition of {ed.long_date(before.day)} changed its value.")
    ledger = app.builder.get_relative_uri(docname, app.config.datastory_sources_page)

    def line(change) -> str:
        if change.kind == "new":
            figure = after.get(change.key)
            source = by(figure.fields.get("source_id", "")) if figure else ""
            return f"<strong>New:</strong> {e(change.after)}" + (f", reported by {e(source)}" if source else "")
        was, now = shown(change, change.before), shown(change, change.after)
        what = ed.ASPECTS[change.kind]
        return (f"<strong>{e(what)}:</strong> " + (f"<del>{e(was)}</del> → " if was else "") + (e(now) or "—"))

    def stands(found) -> list[str]:  # the figure at stake, when no line of the row gives its value
        if any(c.kind in ("new", "revised", "recomputed", "retired") for c in found):
            return []
        figure = after.get(found[0].key)
        return [f"<strong>Figure:</strong> {e(figure.reads())} (unchanged)"] if figure and figure.reads() else []

    sections = []
    for doc in sorted(groups, key=lambda d: (d == "", order.get(d, len(order)))):
        rows, kinds = [], {}
        for found, also in sorted(groups[doc], key=lambda item: (min(ROW_ORDER.index(c.kind) for c in item[0]),
                                                                  item[0][0].label.lower())):
            first = found[0]
            for change in found:
                kinds[change.kind] = kinds.get(change.kind, 0) + 1
            table, row_id = first.key.split("/", 1)
            link = (f'{up}{CLAIM_DIR}/{row_id}.html' if table == "claims" else f"{ledger}#table-{table}")
            where = [_link(app, docname, d) for d in also]
            where += [f'<a href="{e(app.builder.get_relative_uri(docname, d))}#chart-{e(cid)}">Chart: {e(title)}</a>'
                      for d, cid, title in {chart for c in found for chart in c.charts}]
            reasons = list(dict.fromkeys(r for r in (why(c) for c in found) if r))
            if any(c.kind == "checked" for c in found):  # the check it waited for has happened: say only its result
                reasons = [re.sub(r"\s*Marked unverified until a second check of the new source confirms it\.", "", r)
                           for r in reasons]
            if any(c.kind == "checked" and c.after == "corrected" for c in found) and not any(
                    c.kind in ("revised", "recomputed") for c in found):
                reasons.append("Its value is unchanged.")
            label = first.label[:1].upper() + first.label[1:]
            rows.append(
                f'<tr id="figure-{e(first.key.replace("/", "-"))}">'
                f'<td><a href="{e(link)}">{e(label)}</a></td>'
                f'<td class="ds-changes__what">{"<br>".join(stands(found) + [line(c) for c in found])}</td>'
                + (f"<td>{' '.join(e(r) for r in reasons)}</td>" if reasons else '<td class="ds-empty">—</td>')
                + (f"<td>{' · '.join(where)}</td></tr>" if where else '<td class="ds-empty">—</td></tr>'))
        n = len(groups[doc])
        if doc:
            title = e(app.env.titles[doc].astext())
            head = (f'<h2 id="changes-{e(doc.replace("/", "-"))}">{title}</h2>'
                    f'<p class="ds-changes__count">{n} figure{"s" if n != 1 else ""}: {counted(kinds)}. '
                    f'<a href="{e(app.builder.get_relative_uri(docname, doc))}">Read the chapter</a></p>')
        else:
            head = ('<h2 id="changes-data-only">Not in the story\'s text or charts</h2><p class="ds-changes__count">'
                    f"{n} figure{'s' if n != 1 else ''} kept in the <a href=\"{e(ledger)}\">data</a> "
                    f"that no page shows: {counted(kinds)}.</p>")
        sections.append(
            head + '<div class="ds-table-scroll ds-figure--page">'
            '<table class="ds-changes ds-table ds-filterable ds-rows-changes" data-filter-by="ds-filter-changes">'
            '<thead><tr><th scope="col">Figure</th><th scope="col">What changed</th><th scope="col">Why</th>'
            '<th scope="col">Also on</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></div>")
    downloads = (f'<p>Every change as <a href="{day}.csv" download>CSV</a> or <a href="{day}.json" download>JSON</a>. '
                 f'Compare <a href="{_live(up)}{ed.SITE_FOLDER}/{before.date}/index.html">the edition of '
                 f'{ed.long_date(before.day)}</a> with <a href="{_live(up)}{ed.SITE_FOLDER}/{day}/index.html">this '
                 "edition as published</a>.</p>")
    search = ('<div class="ds-filter ds-filter--page" hidden><label for="ds-filter-changes">Find a figure, source or '
              'reason</label><input type="search" id="ds-filter-changes" autocomplete="off"></div>')
    new_count = counts["new"]
    existing = {c.key for c in changes if c.kind != "new"}
    lost = ed.lost_verification(changes)
    older = {k: n for k, n in counts.items() if k != "new"}
    lede = (f"{new_count} new figure{'s' if new_count != 1 else ''}." if new_count else "No new figure.")
    lede += (f" Of the figures published on {ed.long_date(before.day)}, {len(existing)} changed: "
             f"{counted(older)} (a figure can change in more than one way).{same}" if existing else "")
    unverified = ""
    if lost:
        named = {c.key: c.label for c in changes if c.key in lost}
        unverified = (f'<p class="ds-changes__lost"><strong>{len(lost)} published figure'
                      f'{"s are" if len(lost) != 1 else " is"} now marked unverified</strong>, because a second check '
                      "could not find the source again:</p><ul class=\"ds-changes__lost-list\">" + "".join(
                          f'<li><a href="#figure-{e(k.replace("/", "-"))}">'
                          f'{e(named[k][:1].upper() + named[k][1:])}</a>'
                          + (f" ({e(after[k].reads().split(' (')[0])})" if k in after and after[k].reads() else "")
                          + "</li>"
                          for k in sorted(lost, key=lambda k: named[k].lower())) + "</ul>")
    return (f'<p class="ds-changes__summary">{e(lede)}</p>' + unverified
            + downloads + search + "".join(sections))


# --- files beside the pages ---------------------------------------------------------------------

def write_files(app, exception) -> None:
    """``build-finished``: changes as CSV/JSON, claim permalinks, the feed, and the frozen editions."""
    if exception is not None or app.builder.format != "html" or ed.PAGE not in app.env.found_docs:
        return  # a one-chapter build (--only) has no editions page, feed or permalinks
    root, out = Path(app.srcdir), Path(app.outdir)
    listed = ed.read_editions(root)
    folder = out / CHANGES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for edition in listed:
        changes = changes_for(app, edition.date) or []
        (folder / f"{edition.date}.csv").write_text(ed.to_csv(changes), encoding="utf-8")
        (folder / f"{edition.date}.json").write_text(
            json.dumps({"edition": edition.date, "changes": [c.as_row() | {"pages": c.pages, "charts": [
                {"page": doc, "chart": cid, "title": title} for doc, cid, title in c.charts]} for c in changes]},
                       indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _write_permalinks(app, root, out, listed)
    _write_feed(app, root, out, listed)
    if not os.environ.get(ed.FROZEN_ENV):  # a frozen copy holds no editions of its own
        ed.unpack(root, out)


def _records(app) -> list[dict]:
    """Each claim as its permalink shows it: figure, meaning, quote, source, second check, history, citation."""
    from ..claims import format_value, meaning
    from ..identity import identity

    if hasattr(app, "_datastory_records"):
        return app._datastory_records
    root = Path(app.srcdir)
    data = Path(app.config.datastory_data_path)
    listed = ed.read_editions(root)
    current = ed.figures(data)
    sources = {row["source_id"]: row for row in ed._rows(data / "sources.csv")}
    checks = {f"{r['table']}/{r['row_id']}": r for r in ed._rows(data / "checks.csv")}
    measures = {row["id"]: row for row in ed._rows(data / "measures.csv")}
    ident = identity(root)
    latest = listed[-1] if listed else None
    cited = _cited_on(app)
    records = []
    for key, figure in sorted(current.items()):
        if figure.table != "claims":
            continue
        claim_id, f = figure.row_id, figure.fields
        source = sources.get(f["source_id"], {})
        check = checks.get(key, {})
        history = ed.history(root, key)
        in_latest = bool(latest) and any(h["edition"] == latest.date and h["present"] for h in history)
        pinned = (f"{ed.SITE_FOLDER}/{latest.date}/" if in_latest else "") + f"{CLAIM_DIR}/{claim_id}.html"
        address = f"{ident.site_url}{pinned}" if ident.site_url else ""
        measure = measures.get(f["measure"], {}).get("label", "")
        # the figure's name, with what it counts when the name does not say it
        headline = f["label"][:1].upper() + f["label"][1:]
        named = {w for w in re.findall(r"[a-z]+", f["label"].lower()) if len(w) > 3}
        if measure and not named & {w for w in re.findall(r"[a-z]+", measure.lower()) if len(w) > 3}:
            headline += ": " + (measure[:1].lower() + measure[1:] if measure[1:2].islower() else measure)
        edition = f", edition of {ed.long_date(latest.day)}" if latest else ""
        cite = (f"{ident.byline} ({(latest.date if latest else ident.date_released)[:4]}). \u201c{headline}\u201d. "
                f"In {ident.title}{edition}." + (f" {address}" if address else ""))
        for entry in history:  # the source by its publisher and the figure as the story writes it
            entry["publisher"] = sources.get(entry.get("source_id", ""), {}).get("publisher", "")
            if entry.get("value"):
                entry["shown"] = format_value(float(entry["value"]), entry["unit"], entry["currency"] or None)
        as_of_long = ed.dated(f["as_of"], f.get("as_of_precision") or "day")
        records.append({
            "claim_id": claim_id, "label": f["label"], "reads": figure.reads(),
            "shown": format_value(float(f["value"]), f["unit"], f["currency"] or None), "as_of_long": as_of_long,
            "value": f["value"], "unit": f["unit"], "currency": f["currency"], "as_of": f["as_of"],
            "as_of_precision": f.get("as_of_precision") or "day",
            "measure": f["measure"], "measure_label": measures.get(f["measure"], {}).get("label", ""),
            "measure_definition": measures.get(f["measure"], {}).get("definition", ""),
            "cited_on": cited.get(claim_id, []),
            "status": f["status"], "qualifier": f["qualifier"], "qualifier_meaning": meaning(f["qualifier"]),
            "derived_from": f["derived_from"], "quote": f["quote"], "note": f["note"],
            "source": {k: source.get(k, "") for k in ("source_id", "publisher", "title", "url", "published",
                                                      "via_publisher", "via_url", "tier")},
            "second_check": {k: check.get(k, "") for k in ("verdict", "checked_on", "note")},
            "history": history, "cite": cite, "licence": ident.licence_data, "headline": headline,
            "cite_path": pinned,
        })
    app._datastory_records = records
    return records


def _cited_on(app) -> dict[str, list[dict]]:
    """Claim id -> the pages whose sentences cite it (page, title, address of its first sentence), in reading order."""
    pattern = re.compile(r"\{claim\}`([^`]+)`")
    order = {doc: n for n, doc in enumerate(_reading_order(app))}
    found: dict[str, list[dict]] = {}
    for doc in sorted(app.env.found_docs, key=lambda d: (order.get(d, len(order)), d)):
        if doc == app.config.datastory_sources_page or doc.startswith(f"{ed.CHANGES}/"):
            continue
        path = Path(app.env.doc2path(doc))
        if not path.is_file():
            continue
        title = app.env.titles[doc].astext() if doc in app.env.titles else doc
        for claim_id in dict.fromkeys(pattern.findall(path.read_text(encoding="utf-8"))):
            found.setdefault(claim_id.strip(), []).append(
                {"page": doc, "title": title, "href": f"{app.builder.get_target_uri(doc)}#cited-{claim_id.strip()}"})
    return found


def _reading_order(app) -> list[str]:
    """Every page in the table of contents' order (the story first)."""
    toc = getattr(app.env, "toctree_includes", {})
    order, todo = [], [app.config.root_doc]
    while todo:
        doc = todo.pop(0)
        if doc in order:
            continue
        order.append(doc)
        todo = list(toc.get(doc, [])) + todo
    return order


def permalink_pages(app):
    """``html-collect-pages``: a page per claim in the site's own layout (header, menu, footer)."""
    if app.builder.format != "html" or ed.PAGE not in app.env.found_docs:
        return
    ledger = app.builder.get_target_uri(app.config.datastory_sources_page)
    for record in _records(app):
        pagename = f"{CLAIM_DIR}/{record['claim_id']}"
        yield pagename, {"title": f"{record['headline']}: {record['shown']}",
                         "body": _permalink_html(record, f"../{ledger}#claim-{record['claim_id']}")}, "page.html"


def _write_permalinks(app, root: Path, out: Path, listed) -> None:
    folder = out / CLAIM_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for record in _records(app):
        (folder / f"{record['claim_id']}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n",
                                                           encoding="utf-8")


def _certainty_word(qualifier: str) -> str:
    from ..claims import QUALIFIERS

    return "stated as fact" if qualifier == "reported" else (QUALIFIERS.get(qualifier, (qualifier,))[0] or qualifier)


def _permalink_html(r: dict, ledger_href: str) -> str:
    e = html.escape
    src = r["source"]
    source = (f'<a href="{e(src["url"])}">{e(src["publisher"])}: {e(src["title"])}</a>'
              + (f' ({e(src["published"])})' if src["published"] else "")
              + (f'; read in a copy by <a href="{e(src["via_url"])}">{e(src["via_publisher"])}</a>'
                 if src["via_url"] else ""))
    history = "".join(
        f"<tr><td data-label=\"Edition\"><a href=\"{_live('../')}{ed.SITE_FOLDER}/{h['edition']}/index.html\">"
        f"{e(ed.long_date(date.fromisoformat(h['edition'])))}</a></td>"
        f"<td data-label=\"Figure\">{e(h.get('shown') or h.get('reads') or 'not in this edition')}</td>"
        + (f"<td data-label=\"Source\">{e(h['publisher'])}</td>" if h.get("publisher") else "<td></td>")
        + (f"<td data-label=\"Certainty\">{e(_certainty_word(h.get('qualifier', '')))}</td>"
           f"<td data-label=\"Second check\">{e(ed.CHECK_WORDS.get(h.get('second_check', ''), ''))}</td></tr>"
           if h.get("present") else "<td></td><td></td></tr>")
        for h in r["history"])
    check = r["second_check"]
    checked_on = f", {e(ed.dated(check['checked_on']))}" if check["checked_on"] else ""
    history = history or '<tr><td colspan="5">No edition recorded yet</td></tr>'
    # the checker's note is a working note (row ids, field names): it stays on the data page, one tap away
    note = f' <a href="{e(ledger_href)}">The check\'s note, on the data page</a>' if check.get("note") else ""
    certainty = e(r["qualifier_meaning"].rstrip(".") if r["qualifier_meaning"] else r["qualifier"])
    derived = " Computed by us from other figures (see the data page)." if r["status"] == "derived" else ""
    definition = (f'<span class="ds-permalink__definition">{e(r["measure_definition"])}</span>'
                  if r["measure_definition"] else "")
    cited = ('<dt>Where the story cites it</dt><dd><ul class="ds-permalink__where">' + "".join(
        f'<li><a href="../{e(c["href"])}">{e(c["title"])}</a></li>' for c in r["cited_on"]) + "</ul></dd>\n"
             if r["cited_on"] else "<dt>Where the story cites it</dt><dd>Nowhere in this edition's text: "
             "it stays in the data package.</dd>\n")
    # With no site address configured the citation cannot name one; the reader's own address is
    # filled in by the theme's script (a reader with JavaScript off copies it from the address bar).
    here = ("" if "://" in r["cite"] else
            f' <span class="ds-cite-here" data-path="../{e(r["cite_path"])}" hidden></span>')
    return f"""<div class="ds-permalink">
<p class="ds-kicker">A figure from the story · current version</p>
<h1>{e(r['headline'])}</h1>
<p class="ds-permalink__figure"><strong>{e(r['shown'])}</strong>
<span class="ds-permalink__asof">as of <time datetime="{e(r['as_of'])}">{e(r['as_of_long'])}</time></span></p>
<dl class="ds-permalink__facts">
<dt>What it counts</dt><dd>{e(r['measure_label'] or r['measure'])}{definition}</dd>
<dt>Certainty</dt><dd>{certainty}.{derived}</dd>
<dt>What the source says</dt><dd><blockquote>{e(r['quote'])}</blockquote></dd>
<dt>Source</dt><dd>{source}</dd>
<dt>Second check</dt><dd>{e(ed.VERDICTS.get(check['verdict'], 'none recorded'))}{checked_on}.{note}</dd>
{cited}</dl>
<h2>Cite this figure</h2>
<p class="ds-permalink__cite">{e(r['cite'])}{here}</p>
<h2>This figure in each edition</h2>
<div class="ds-table-scroll"><table class="ds-changes"><thead><tr><th scope="col">Edition</th>
<th scope="col">Figure</th><th scope="col">Source</th><th scope="col">Certainty</th>
<th scope="col">Second check</th></tr></thead><tbody>{history}</tbody></table></div>
<p class="ds-permalink__links"><a href="{e(ledger_href)}">All the story's figures, on the data page</a>
 · <a href="{e(r['claim_id'])}.json">As data (JSON)</a>
 · Licence: <a href="{e(LICENCE_URLS.get(r['licence'], ''))}">{e(LICENCE_NAMES.get(r['licence'], r['licence']))}</a></p>
</div>
"""


def _write_feed(app, root: Path, out: Path, listed) -> None:
    from ..changelog import read_corrections
    from ..identity import identity

    ident = identity(root)
    entries = []
    for edition in listed:
        page = (f"{ed.CHANGES}/{edition.date}" if (root / f"{ed.CHANGES}/{edition.date}.md").is_file()
                else ed.PAGE)
        entries.append({"id": f"urn:datastory:edition:{edition.date}",
                        "title": f"Edition of {ed.long_date(edition.day)}", "updated": edition.date,
                        "link": f"{page}.html", "summary": edition.summary})
    first = listed[0].date if listed else None
    for correction in read_corrections(root / "CHANGELOG.md"):
        if first and correction.day.isoformat() > first:  # corrections after first publication only
            entries.append({"id": f"urn:datastory:{correction.anchor}", "title": f"Correction: {correction.what}",
                            "updated": correction.day.isoformat(),
                            "link": f"book/corrections.html#{correction.anchor}",
                            "summary": f"Said: {correction.said} Says: {correction.says} Why: {correction.why}"})
    entries.sort(key=lambda e: (e["updated"], e["id"]), reverse=True)
    updated = entries[0]["updated"] if entries else (ident.date_released or "1970-01-01")
    (out / "feed.xml").write_text(ed.atom(ident.title, ident.site_url, entries, updated), encoding="utf-8")


def banner(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context``: on a frozen edition's pages, a banner naming its date and linking the latest."""
    day = os.environ.get(ed.FROZEN_ENV)
    if not day:
        return
    up = "../" * pagename.count("/")
    context["ds_edition_banner"] = {"date": day, "long": ed.long_date(date.fromisoformat(day)),
                                    "latest": f"{up}../../index.html", "editions": f"{up}../../{ed.PAGE}.html"}


def setup_editions(app) -> None:
    app.add_node(pending_changes)
    app.add_node(pending_editions)
    app.add_directive("what-changed", WhatChanged)
    app.add_directive("datastory-editions", EditionsList)
    app.connect("doctree-resolved", fill)
    app.connect("html-page-context", banner)
    app.connect("html-collect-pages", permalink_pages)
    app.connect("build-finished", write_files)
