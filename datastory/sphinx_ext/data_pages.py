"""Directives that write the data page from the data package itself, so it cannot drift."""

from __future__ import annotations

import pandas as pd
from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..data import load, read_descriptor
from .second_checks import certainty


def _text(value) -> str:
    return "" if pd.isna(value) else str(value.date() if hasattr(value, "date") else value)


def _table(headers: list[str], rows: list[list], widths: list[int] | None = None) -> nodes.table:
    table = nodes.table(classes=["ds-table"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    head += nodes.row("", *[nodes.entry("", nodes.paragraph(text=h)) for h in headers])
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=_text(cell)))
        body += row
    return table


class SourcesList(SphinxDirective):
    """Every source, each with an anchor ``source-<id>`` that claims and charts link to."""

    def run(self):
        folder = self.config.datastory_data_path
        self.env.note_dependency(str(folder / "sources.csv"))
        items = nodes.bullet_list(classes=["ds-sources"])
        for row in load("sources", folder).itertuples():
            para = nodes.paragraph()
            para += nodes.reference("", row.title, refuri=row.url)
            para += nodes.Text(f" — {row.publisher}")
            if not pd.isna(row.published):
                para += nodes.Text(f", {row.published.date()}")
            if not pd.isna(row.via_publisher):  # read on a copy: name it, never as the author
                para += nodes.Text("; read via ")
                para += nodes.reference("", row.via_publisher, refuri=row.via_url)
            para += nodes.Text(f" ({row.kind}; id ")
            para += nodes.literal(text=row.source_id)
            para += nodes.Text(")")
            item = nodes.list_item("", para, ids=[f"source-{row.source_id}"])
            items += item
        return [items]


class DataDictionary(SphinxDirective):
    """One table per data table: field, type, required, description with units."""

    def run(self):
        folder = self.config.datastory_data_path
        self.env.note_dependency(str(folder / "datapackage.json"))
        out = []
        for res in read_descriptor(folder)["resources"]:
            rows_count = len(load(res["name"], folder))
            out.append(nodes.rubric(text=f"{res['title']} ({res['path']}, {rows_count} rows)",
                                    ids=[f"table-{res['name']}"]))
            out.append(nodes.paragraph(text=res["description"]))
            rows = []
            for field in res["schema"]["fields"]:
                constraints = field.get("constraints", {})
                rule = ", ".join(f"{k}: {v}" for k, v in constraints.items() if k != "required")
                rows.append([field["name"], field["type"], "yes" if constraints.get("required") else "",
                             field["description"] + (f" ({rule})" if rule else "")])
            out.append(_table(["Field", "Type", "Required", "Description"], rows, [2, 1, 1, 6]))
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


class ClaimsLedger(SphinxDirective):
    """Every figure the prose states: id, value, status, source and what it is."""

    def run(self):
        folder = self.config.datastory_data_path
        self.env.note_dependency(str(folder / "claims.csv"))
        rows = [[nodes.paragraph("", "", nodes.literal(text=row.claim_id)), value, certainty(row.qualifier),
                 row.status, row.label, link]
                for row, value, link in _claim_rows(folder, {"reported", "derived", "disputed"})]
        return [_table(["Claim", "Value", "Certainty", "Status", "What it is", "Source"], rows, [3, 2, 2, 1, 4, 3])]


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
