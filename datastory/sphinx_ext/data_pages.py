"""Directives that write the data page from the data package itself, so it cannot drift."""

from __future__ import annotations

import html

import pandas as pd
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..data import load, read_descriptor
from .second_checks import certainty


def _text(value) -> str:
    return "" if pd.isna(value) else str(value.date() if hasattr(value, "date") else value)


def _table(headers: list[str], rows: list[list], name: str, row_ids: list[str] | None = None) -> nodes.container:
    """A table readers can filter (by the theme's script) whose text wraps; rows may carry ids.

    Column widths are left to the browser (``colwidths-auto``): given widths would be written
    as ``style`` attributes, which the site's Content-Security-Policy forbids.
    """
    table = nodes.table(classes=["ds-table", "ds-filterable", f"ds-rows-{name}", "colwidths-auto"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += nodes.row("", *[nodes.entry("", nodes.paragraph(text=h)) for h in headers])
    body = nodes.tbody()
    group += body
    for number, cells in enumerate(rows):
        row = nodes.row(ids=[row_ids[number]] if row_ids else [])
        for cell in cells:
            row += nodes.entry("", cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=_text(cell)))
        body += row
    return nodes.container("", table, classes=["ds-table-wrap"])


def _with_id(text: str, ident: str) -> nodes.paragraph:
    """A cell's main text with the machine id under it, small (for search and for forkers)."""
    para = nodes.paragraph()
    para += nodes.Text(text)
    para += nodes.inline(text=ident, classes=["ds-id"])
    return para


class SourcesList(SphinxDirective):
    """Every source as a row with the id ``source-<id>`` that claims and charts link to."""

    def run(self):
        folder = self.config.datastory_data_path
        self.env.note_dependency(str(folder / "sources.csv"))
        rows, ids = [], []
        for row in load("sources", folder).itertuples():
            title = nodes.paragraph()
            title += nodes.reference("", row.title, refuri=row.url)
            if not pd.isna(row.via_publisher):  # read on a copy: name it, never as the author
                title += nodes.Text(" (read via ")
                title += nodes.reference("", row.via_publisher, refuri=row.via_url)
                title += nodes.Text(")")
            title += nodes.inline(text=row.source_id, classes=["ds-id"])
            published = "" if pd.isna(row.published) else str(row.published.date())
            rows.append([title, row.publisher, published, row.kind])
            ids.append(f"source-{row.source_id}")
        return [_table(["Source", "Publisher", "Published", "Kind"], rows, "sources", ids)]


class Citation(SphinxDirective):
    """How to cite the site and its data, from ``CITATION.cff`` (the edition's date and version)."""

    def run(self):
        from pathlib import Path

        from ..identity import identity

        root = Path(self.env.srcdir)
        self.env.note_dependency(str(root / "CITATION.cff"))
        ident = identity(root)
        para = nodes.paragraph()
        para += nodes.Text(f"{ident.byline} ({ident.date_released[:4]}). ")
        para += nodes.emphasis(text=ident.title)
        edition = f", edition of {ident.date_released}" if ident.date_released else ""
        para += nodes.Text(f"{edition}, data package version {ident.version}. Data and text licensed "
                           f"{ident.licence_data}, code {ident.licence_code}."
                           + (f" {ident.site_url}" if ident.site_url else ""))
        return [para]


class DataDictionary(SphinxDirective):
    """One table per data table: field, type, required, description with units."""

    def run(self):
        folder = self.config.datastory_data_path
        self.env.note_dependency(str(folder / "datapackage.json"))
        out = []
        for res in read_descriptor(folder)["resources"]:
            rows_count = len(load(res["name"], folder))
            # one closed panel per table: a reader scans the tables' names, a forker opens one
            out.append(nodes.raw("", f'<details class="ds-dictionary" id="table-{html.escape(res["name"])}">'
                                     f'<summary>{html.escape(res["title"])} <span class="ds-dictionary__meta">'
                                     f'{html.escape(res["path"])}, {rows_count} rows, '
                                     f'{len(res["schema"]["fields"])} fields</span></summary>', format="html"))
            out.append(nodes.paragraph(text=res["description"]))
            rows = []
            for field in res["schema"]["fields"]:
                constraints = field.get("constraints", {})
                rule = ", ".join(f"{k}: {v}" for k, v in constraints.items() if k != "required")
                rows.append([field["name"], field["type"], "yes" if constraints.get("required") else "",
                             field["description"] + (f" ({rule})" if rule else "")])
            out.append(_table(["Field", "Type", "Required", "Description"], rows, "fields"))
            out.append(nodes.raw("", "</details>", format="html"))
        return out


def _claim_rows(folder, statuses):
    from ..claims import format_value

    claims = load("claims", folder)
    sources = load("sources", folder).set_index("source_id")
    for row in claims.itertuples():
        if row.status not in statuses:
            continue
        link = nodes.paragraph()
        link += nodes.reference("", sources.loc[row.source_id, "publisher"], refuri=f"#source-{row.source_id}")
        currency = None if pd.isna(row.currency) else row.currency
        yield row, format_value(row.value, row.unit, currency), link


def _measure(measure: str, words: pd.DataFrame) -> nodes.paragraph:
    """A ledger cell: the measure's label, its definition on hover and its id under it."""
    label = str(words.loc[measure, "label"])
    para = nodes.paragraph()
    para += nodes.abbreviation(label, label, explanation=str(words.loc[measure, "definition"]),
                               classes=["ds-measure"])
    para += nodes.inline(text=measure, classes=["ds-id"])
    return para


class ClaimsLedger(SphinxDirective):
    """Every figure the prose states, one row each (id ``claim-<id>``, where prose links land)."""

    def run(self):
        folder = self.config.datastory_data_path
        self.env.note_dependency(str(folder / "claims.csv"))
        self.env.note_dependency(str(folder / "measures.csv"))
        words = load("measures", folder).set_index("id")
        rows, ids = [], []
        for row, value, link in _claim_rows(folder, {"reported", "derived", "disputed"}):
            what = nodes.paragraph()
            what += nodes.Text(row.label)
            if not pd.isna(row.quote) and str(row.quote).strip():
                what += nodes.inline(text=f"\u201c{row.quote}\u201d", classes=["ds-quote"])
            figure = _with_id(value, row.claim_id)
            up = "../" * self.env.docname.count("/")
            figure += nodes.reference("", "Permalink and citation", refuri=f"{up}claims/{row.claim_id}.html",
                                      classes=["ds-permalink-link"])
            rows.append([figure, _measure(row.measure, words), what, certainty(row.qualifier), row.status, link])
            ids.append(f"claim-{row.claim_id}")
        return [_table(["Figure", "Measure", "What it is", "Certainty", "Status", "Source"], rows, "claims", ids)]


class Discrepancies(SphinxDirective):
    """The disputed claims: what a source got wrong, and what the right figure is."""

    def run(self):
        folder = self.config.datastory_data_path
        self.env.note_dependency(str(folder / "claims.csv"))
        items = nodes.bullet_list()
        for row, value, link in _claim_rows(folder, {"disputed"}):
            para = nodes.paragraph()
            para += nodes.strong(text=f"{value} — {row.label}. ")
            para += nodes.Text(f"{row.note} ")
            para += nodes.emphasis(text=f"Quote: \u201c{row.quote}\u201d ")
            para += link.children
            items += nodes.list_item("", para)
        return [items]


class DataDownloads(SphinxDirective):
    """Links to the whole package as one zip, as a SQLite database, and to each table's CSV."""

    def run(self):
        from ..data import open_package
        from ..export import names
        from .downloads import DOWNLOAD_DIR

        package = open_package(self.config.datastory_data_path)
        zip_name, db_name = names(package)
        root = "../" * self.env.docname.count("/")
        items = nodes.bullet_list()
        for name, what in ((zip_name, ": descriptor, every CSV, a README that explains each field, the citation "
                            "and the corrections log."),
                           (db_name, ": the same tables as one SQLite database, with primary and foreign keys "
                            "(open it with Datasette or any SQLite tool).")):
            para = nodes.paragraph()
            para += nodes.reference("", name, refuri=f"{root}{DOWNLOAD_DIR}/{name}")
            para += nodes.Text(what)
            items += nodes.list_item("", para)
        for res in package.resources:
            para = nodes.paragraph()
            para += nodes.reference("", res["path"], refuri=f"{root}{DOWNLOAD_DIR}/{res['path']}")
            para += nodes.Text(f" — {res['title']}")
            items += nodes.list_item("", para)
        return [items]


class CorrectionsLog(SphinxDirective):
    """Corrections in ``CHANGELOG.md``, one filterable row each (the id chapters link to).

    By default only those made after first publication (the first edition's date): what a reader
    calls a correction. ``:all:`` lists every entry, the provenance log kept before publication too.
    """

    option_spec = {"all": directives.flag}

    def run(self):
        from pathlib import Path

        from ..changelog import ChangelogError, published_after_first_edition, read_corrections

        log = Path(self.env.srcdir) / "CHANGELOG.md"
        self.env.note_dependency(str(log))
        self.env.note_dependency(str(Path(self.env.srcdir) / "editions" / "editions.yml"))
        try:
            entries = read_corrections(log)
        except ChangelogError as error:
            raise self.error(str(error)) from None
        if "all" not in self.options:
            entries = published_after_first_edition(entries, Path(self.env.srcdir))
            if not entries:
                para = nodes.paragraph(text="No correction has been made since the story was first published.")
                return [para]
        rows = []
        for entry in entries:
            pages = nodes.paragraph()
            for number, source in enumerate(entry.pages):
                docname = source.rsplit(".", 1)[0]
                if number:
                    pages += nodes.Text(", ")
                if docname in self.env.found_docs:
                    uri = self.env.app.builder.get_relative_uri(self.env.docname, docname)
                    pages += nodes.reference("", self.env.titles[docname].astext()
                                             if docname in self.env.titles else source, refuri=uri)
                else:
                    pages += nodes.Text(source)
            if not entry.pages:
                pages += nodes.Text("data only")
            change = nodes.paragraph()
            change += nodes.Text(entry.why)
            change += nodes.inline(text=f"Was: {entry.said}", classes=["ds-quote"])
            change += nodes.inline(text=f"Now: {entry.says}", classes=["ds-quote"])
            rows.append([_with_id(str(entry.day), entry.what), change, pages])
        return [_table(["Date", "What changed and why", "Pages"], rows, "corrections", [e.anchor for e in entries])]
