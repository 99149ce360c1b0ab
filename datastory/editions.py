"""Editions: dated, frozen copies of the story, and what changed between them, figure by figure.

An edition is recorded by ``python -m datastory edition YYYY-MM-DD`` (``make edition``) in the
``editions/`` folder beside ``data/``:

- ``editions/editions.yml``: the list, oldest first (date, version, summary);
- ``editions/<date>/data/``: the data package as of that date (every CSV and ``datapackage.json``),
  which is what the "what changed" rows and each figure's history are computed from;
- ``editions/<date>/site.tar.gz``: the site as it was built that day, with a banner linking the
  latest. The build unpacks it, byte for byte, to ``/editions/<date>/``: an earlier edition is
  never rebuilt with newer data or newer code, and publishing only ever adds a folder.

Nothing here needs Sphinx or git: the site extension and the CLI both call it. Why archives in
the repository rather than tags rebuilt later: a tag rebuilt with today's pins is not the page a
reader cited, and a fresh clone (or CI's) may carry no tags; an archive is the page itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import tarfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import yaml

FOLDER = "editions"
LIST = "editions.yml"
ARCHIVE = "site.tar.gz"
#: The frozen site's folder in the built site, and the page listing the editions.
SITE_FOLDER, PAGE, CHANGES = "editions", "book/editions", "book/changes"
#: Environment variable set while an edition's frozen copy is built: its pages carry the banner.
FROZEN_ENV = "DATASTORY_FROZEN_EDITION"
#: In a row, the field that holds its figure, by table (claims: value).
VALUE_FIELDS = ("value", "amount", "parameters_total_b", "rate")
#: Fields whose change is not a change of the figure a reader sees (notes are the newsroom's own words).
QUIET_FIELDS = {"note"}
KINDS = {  # in the order a reader needs them: what the figures say first
    "revised": "Figure revised", "recomputed": "Our calculation revised", "qualifier": "Certainty changed",
    "dated": "Date corrected", "retired": "Taken out", "re-sourced": "Better source", "quote": "Quote corrected",
    "checked": "Second check changed", "detail": "Detail corrected", "new": "New figure",
}
#: How a count of each kind reads in a sentence ("171 new figures, 75 with a better source").
PHRASES = {
    "revised": "with a revised value", "recomputed": "of our calculations revised",
    "qualifier": "with a changed certainty (estimate, forecast, plan…)", "dated": "with a corrected date",
    "retired": "taken out",
    "re-sourced": "with a better source", "quote": "with a corrected quote",
    "checked": "with a changed second check", "detail": "with other details corrected", "new": "new figures",
}
#: One figure of each kind, in a sentence ("1 new figure").
PHRASE_ONE = {**PHRASES, "new": "new figure", "recomputed": "of our calculations revised"}
#: What part of a figure each kind changes, as the what-changed page names it ("Source: X → Y").
ASPECTS = {
    "revised": "Figure", "recomputed": "Our calculation", "qualifier": "Certainty", "dated": "Date",
    "retired": "Taken out", "re-sourced": "Source", "quote": "Quote", "checked": "Second check",
    "detail": "Detail", "new": "New",
}
#: What a changed second check means for the figure, by its new verdict (the checker's own notes stay on the data page).
CHECK_NEWS = {
    "confirmed": "A second reporter found the source again and read the quote there.",
    "corrected": "A second reporter found the source and read the quote there; a detail of our record was corrected.",
    "re-sourced": "The second check moved the figure to the page that made it.",
    "unverified": "A second reporter could not find the source again, so the figure is marked unverified.",
}
#: The second check's verdicts, as a reader reads them.
#: A second check's verdict in a word or two, as the what-changed page shows it.
CHECK_WORDS = {"confirmed": "confirmed", "corrected": "confirmed, record corrected",
               "re-sourced": "confirmed at the original", "unverified": "not confirmed", "": "not yet checked"}
VERDICTS = {"confirmed": "Confirmed: a second reporter found the source again and read the quote there",
            "corrected": "Confirmed, with a detail of our record corrected: a second reporter found the source and "
                         "read the quote there",
            "re-sourced": "Re-sourced by the second check to the page that made the figure",
            "unverified": "Not confirmed: the second check could not find its page again"}


class EditionError(ValueError):
    """An edition that cannot be recorded or read; the message says what to do."""


@dataclass(frozen=True)
class Edition:
    date: str  # YYYY-MM-DD: the edition's address and its citation date
    version: str
    summary: str

    @property
    def day(self) -> date:
        return date.fromisoformat(self.date)


def read_editions(root: Path) -> list[Edition]:
    """The editions, oldest first; [] before the first. A malformed list names its entry."""
    path = Path(root) / FOLDER / LIST
    if not path.is_file():
        return []
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    editions = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not {"date", "version", "summary"} <= set(entry):
            raise EditionError(f"{FOLDER}/{LIST}: entry {number} needs date, version and summary")
        edition = Edition(str(entry["date"]), str(entry["version"]), str(entry["summary"]).strip())
        try:
            _ = edition.day
        except ValueError:
            raise EditionError(f"{FOLDER}/{LIST}: entry {number}: {edition.date!r} is not a date "
                               "(YYYY-MM-DD)") from None
        if editions and edition.date <= editions[-1].date:
            raise EditionError(f"{FOLDER}/{LIST}: entry {number} ({edition.date}) is not later than the one before")
        editions.append(edition)
    return editions


def version_for(day: str) -> str:
    """An edition's version: its date, as calendar versioning writes it (2026.12.07)."""
    return day.replace("-", ".")


# --- figures and what changed -----------------------------------------------------------------

@dataclass
class Figure:
    table: str
    row_id: str
    fields: dict
    check: str = ""  # the second check's verdict, from checks.csv
    names: dict = field(default_factory=dict, repr=False)  # measure id -> its label, from measures.csv

    @property
    def key(self) -> str:
        return f"{self.table}/{self.row_id}"

    @property
    def value(self) -> str:
        return next((self.fields[f] for f in VALUE_FIELDS if self.fields.get(f, "") != ""), "")

    def reads(self) -> str:
        """The figure as a reader reads it: value, scale, currency, certainty."""
        value = self.value
        try:  # thousands grouped as the story prints them (2,045 million), digits as the source gave them
            whole, _, decimals = value.lstrip("-").partition(".")
            value = ("-" if value.startswith("-") else "") + f"{int(whole):,}" + (f".{decimals}" if decimals else "")
        except ValueError:
            pass
        parts = [value, self.fields.get("unit", ""), self.fields.get("currency", "")]
        text = " ".join(p for p in parts if p and p != "one")
        qualifier = self.fields.get("qualifier") or ""
        return f"{text} ({qualifier})" if qualifier and qualifier != "reported" and text else text

    def label(self) -> str:
        """The row as a reader names it: a claim's label, or the row's subject, measure and period
        (measures by their labels, never their ids)."""
        f = self.fields
        for keys in (("label",), ("fund", "phase", "measure"), ("fund", "measure", "date"),
                     ("company", "metric", "period"), ("subject", "measure", "period"),
                     ("place", "programme", "measure"), ("place", "recipient", "measure"), ("model",),
                     ("actor", "what_changed"), ("base", "quote_currency", "date"),
                     ("instrument", "measure", "date"), ("exporter", "product", "period")):
            if all(f.get(k) for k in keys):
                parts = [self.names.get(f[k], f[k]) if k in ("measure", "metric") else
                         dated(f[k], f.get("date_precision") or "day") if k == "date" else
                         f"phase {f[k]}" if k == "phase" else str(f[k]) for k in keys]
                if len(parts) == 1:
                    return parts[0]
                subject = " ".join(parts[:2]) if keys[1] == "phase" else parts[0]
                rest = parts[2:] if keys[1] == "phase" else parts[1:]
                if rest and rest[0].startswith(subject):  # "Hangzhou computing vouchers", not "Hangzhou: Hangzhou …"
                    subject, rest = rest[0], rest[1:]
                return f"{subject}: {', '.join(rest)}"
        return self.key


def figures(data: Path) -> dict[str, Figure]:
    """Every sourced row and claim of a data package folder, keyed ``table/row id``."""
    data = Path(data)
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    measure_labels = ({row["id"]: row["label"] for row in _rows(data / "measures.csv")}
             if (data / "measures.csv").is_file() else {})
    checks = {}
    if (data / "checks.csv").is_file():
        for row in _rows(data / "checks.csv"):
            checks[f"{row['table']}/{row['row_id']}"] = row["verdict"]
    found = {}
    for res in descriptor["resources"]:
        names = [f["name"] for f in res["schema"]["fields"]]
        if "source_id" not in names or "quote" not in names or not (data / res["path"]).is_file():
            continue  # sources themselves, measures, checks: not figures
        key = res["schema"].get("primaryKey")
        key = key if isinstance(key, str) else (key or [names[0]])[0]
        for row in _rows(data / res["path"]):
            figure = Figure(res["name"], row[key], row, names=measure_labels)
            figure.check = checks.get(figure.key, "")
            found[figure.key] = figure
    return found


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Change:
    kind: str  # a key of KINDS; one row per kind, so a revised and re-sourced figure has two
    key: str  # table/row id
    label: str
    before: str
    after: str
    reason: str = ""
    pages: list[str] = field(default_factory=list)  # page docnames that state it or chart its table
    charts: list[tuple[str, str, str]] = field(default_factory=list)  # (docname, chart id, title) drawing it

    def as_row(self) -> dict:
        return {"change": KINDS[self.kind],
                **{k: v for k, v in asdict(self).items() if k not in ("pages", "charts")},
                "pages": " ".join(self.pages), "charts": " ".join(f"{doc}#chart-{cid}" for doc, cid, _ in self.charts)}


def diff(old: dict[str, Figure], new: dict[str, Figure]) -> list[Change]:
    """Every change of a figure between two packages, before and after: revised values first, new figures last."""
    changes = _diff(old, new)
    order = list(KINDS)
    return sorted(changes, key=lambda c: (order.index(c.kind), c.key))


def _diff(old: dict[str, Figure], new: dict[str, Figure]) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None:
            changes.append(Change("new", key, b.label(), "", b.reads()))
            continue
        if b is None:
            changes.append(Change("retired", key, a.label(), a.reads(), ""))
            continue
        fa, fb = a.fields, b.fields
        # A column added to (or dropped from) the package between editions is not a change of the figure.
        moved = {f for f in set(fa) & set(fb) if fa[f] != fb[f] and f not in QUIET_FIELDS}
        if moved & {*VALUE_FIELDS, "unit", "currency"}:
            derived = fb.get("status") == "derived" or fb.get("derived_from")
            changes.append(Change("recomputed" if derived else "revised", key, b.label(), a.reads(), b.reads()))
        if "source_id" in moved:
            changes.append(Change("re-sourced", key, b.label(), fa["source_id"], fb["source_id"]))
        if moved & {"qualifier", "status"}:
            changes.append(Change("qualifier", key, b.label(), _certainty(fa), _certainty(fb)))
        if "quote" in moved and "source_id" not in moved:
            changes.append(Change("quote", key, b.label(), fa["quote"], fb["quote"]))
        dates = {"as_of", "date", "period", "period_end", "release_date"} & moved
        if dates:
            changes.append(Change("dated", key, b.label(), ", ".join(fa.get(d, "") for d in sorted(dates)),
                                  ", ".join(fb.get(d, "") for d in sorted(dates))))
        if a.check != b.check:
            changes.append(Change("checked", key, b.label(), a.check, b.check))
        rest = moved - {*VALUE_FIELDS, "unit", "currency", "source_id", "qualifier", "status", "quote", *dates}
        if rest:
            changes.append(Change("detail", key, b.label(), "; ".join(f"{f}: {fa.get(f, '')}" for f in sorted(rest)),
                                  "; ".join(f"{f}: {fb.get(f, '')}" for f in sorted(rest))))
    return changes


def _certainty(fields: dict) -> str:
    """How sure the source is (a claim's qualifier), as the story marks it."""
    return fields.get("qualifier") or fields.get("status", "")


def with_reasons(changes: list[Change], corrections, since: str, until: str) -> list[Change]:
    """Each change's reason: the CHANGELOG entries for its row dated after ``since`` and up to
    ``until``; for a changed second check, what its new verdict means (CHECK_NEWS)."""
    by_row: dict[str, list] = {}
    for c in corrections:
        if since < c.day.isoformat() <= until:
            by_row.setdefault(c.what, []).append(c)
    for change in changes:
        if change.kind == "checked":
            change.reason = CHECK_NEWS.get(change.after, "")
            continue
        change.reason = " ".join(c.why for c in by_row.get(change.key, []))
    return changes


def lost_verification(changes: list[Change]) -> set[str]:
    """The figures a second check marked unverified in this edition that were not before."""
    return {c.key for c in changes if c.kind == "checked" and c.after == "unverified" and c.before != "unverified"}


def with_pages(changes: list[Change], root: Path, sources: dict[str, str],
               tables: dict[str, list[str]]) -> list[Change]:
    """The pages each change touches: those that state a claim (``{claim}`id```) and those whose
    charts and tables read the row's table (``tables``: docname -> tables it reads)."""
    for change in changes:
        table, row_id = change.key.split("/", 1)
        if table == "claims":
            pattern = re.compile(r"\{claim\}`" + re.escape(row_id) + "`")
            change.pages = sorted(doc for doc, text in sources.items() if pattern.search(text))
        else:
            change.pages = sorted(doc for doc, read in tables.items() if table in read)
    return changes


def with_charts(changes: list[Change], charts: list[dict], old: dict[str, Figure],
                new: dict[str, Figure]) -> list[Change]:
    """The charts each change touches. ``charts``: dicts with doc, id, title, row_ids, source_ids
    (from each chart's own rows). A chart that lists its rows is matched by row id; one that does
    not, by the row's source (before or after the change)."""
    for change in changes:
        table, row_id = change.key.split("/", 1)
        figure = new.get(change.key) or old.get(change.key)
        sources = {f.fields.get("source_id", "") for f in (old.get(change.key), new.get(change.key)) if f}
        hits = []
        for chart in charts:
            if table == "claims":
                continue
            if chart["row_ids"]:
                if row_id in chart["row_ids"]:
                    hits.append((chart["doc"], chart["id"], chart["title"]))
            elif figure is not None and sources & chart["source_ids"] and chart["doc"] in change.pages:
                hits.append((chart["doc"], chart["id"], chart["title"]))
        change.charts = hits
    return changes


def to_csv(changes: list[Change]) -> str:
    out = io.StringIO()
    columns = ["change", "kind", "key", "label", "before", "after", "reason", "pages", "charts"]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for change in changes:
        writer.writerow(change.as_row())
    return out.getvalue()


_SNAPSHOTS: dict[tuple, dict[str, Figure]] = {}


def _snapshot_figures(folder: Path) -> dict[str, Figure]:
    """``figures`` of an edition's data snapshot, read once per build: a build asks for the history of
    every claim, and a snapshot is never edited (the key still changes if its files do)."""
    key = (str(folder), tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())))
    if key not in _SNAPSHOTS:
        _SNAPSHOTS[key] = figures(folder)
    return _SNAPSHOTS[key]


def history(root: Path, key: str) -> list[dict]:
    """A figure across the editions: date, value as read, certainty, source and quote in each."""
    found = []
    for edition in read_editions(root):
        snapshot = Path(root) / FOLDER / edition.date / "data"
        figure = _snapshot_figures(snapshot).get(key) if snapshot.is_dir() else None
        found.append({"edition": edition.date, "present": figure is not None,
                      **({"reads": figure.reads(), "qualifier": _certainty(figure.fields),
                          **{k: figure.fields.get(k, "") for k in ("value", "unit", "currency")},
                          "source_id": figure.fields.get("source_id", ""), "quote": figure.fields.get("quote", ""),
                          "second_check": figure.check} if figure else {})})
    return found


# --- recording an edition ---------------------------------------------------------------------

def snapshot(root: Path, day: str) -> Path:
    """Copy the data package as it stands into ``editions/<day>/data``."""
    target = Path(root) / FOLDER / day / "data"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for path in sorted((Path(root) / "data").iterdir()):
        if path.suffix in (".csv", ".json"):
            shutil.copy2(path, target / path.name)
    return target


def set_citation(root: Path, day: str, version: str) -> None:
    """``CITATION.cff``'s version and date-released, and the descriptor's version, name the edition."""
    cff = Path(root) / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    for key, value in (("version", version), ("date-released", day)):
        line = f"{key}: {value}" if key == "date-released" else f'{key}: "{value}"'
        text, count = re.subn(rf"^{key}:.*$", line, text, flags=re.M)
        if not count:
            text = text.rstrip("\n") + f"\n{line}\n"
    cff.write_text(text, encoding="utf-8")
    descriptor = Path(root) / "data" / "datapackage.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["version"] = version
    descriptor.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def add_to_list(root: Path, edition: Edition) -> None:
    path = Path(root) / FOLDER / LIST
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else []
    entries = [e for e in (entries or []) if str(e.get("date")) != edition.date] + [asdict(edition)]
    header = ("# The editions of the story, oldest first. Written by `make edition DATE=YYYY-MM-DD`; an entry and\n"
              "# its folder are never edited once published (a correction is a CHANGELOG entry and a new edition).\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")


def changes_page(root: Path, edition: Edition) -> Path:
    """The edition's "what changed" page source (``book/changes/<date>.md``), a directive the site fills."""
    path = Path(root) / f"{CHANGES}/{edition.date}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# What changed in the edition of {long_date(edition.day)}\n\n"
                    f"```{{what-changed}} {edition.date}\n```\n", encoding="utf-8")
    return path


def add_to_toc(root: Path, edition: Edition) -> None:
    """List the edition's what-changed page under the editions page in ``_toc.yml`` (the book builds
    only the pages its table of contents names)."""
    toc = Path(root) / "_toc.yml"
    lines = toc.read_text(encoding="utf-8").splitlines(keepends=True)
    entry = f"{CHANGES}/{edition.date}"
    if any(line.strip() == f"- file: {entry}" for line in lines):
        return
    for number, line in enumerate(lines):
        if line.strip() == f"- file: {PAGE}":
            indent = line[: len(line) - len(line.lstrip())]
            if number + 1 < len(lines) and lines[number + 1].strip() == "sections:":
                lines.insert(number + 2, f"{indent}    - file: {entry}\n")
            else:
                lines[number + 1:number + 1] = [f"{indent}  sections:\n", f"{indent}    - file: {entry}\n"]
            toc.write_text("".join(lines), encoding="utf-8")
            return
    raise EditionError(f"_toc.yml has no '- file: {PAGE}' entry to list the what-changed page under")


def archive(site: Path, target: Path) -> Path:
    """The built site as a reproducible tarball (sorted names, no owners or times), minus earlier editions."""
    target.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in Path(site).rglob("*") if p.is_file()
                   and p.relative_to(site).parts[0] not in (SITE_FOLDER, ".buildinfo", ".doctrees"))
    with open(target, "wb") as raw:
        import gzip

        with gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0, compresslevel=9) as zipped:
            with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for path in files:
                    info = tarfile.TarInfo(path.relative_to(site).as_posix())
                    data = path.read_bytes()
                    info.size, info.mtime, info.mode = len(data), 0, 0o644
                    tar.addfile(info, io.BytesIO(data))
    return target


def unpack(root: Path, site: Path) -> list[str]:
    """Every recorded edition's frozen site into ``site/editions/<date>/``; returns the dates unpacked."""
    done = []
    for edition in read_editions(root):
        tarball = Path(root) / FOLDER / edition.date / ARCHIVE
        if not tarball.is_file():
            raise EditionError(f"{FOLDER}/{edition.date}/{ARCHIVE} is missing: an edition listed in "
                               f"{FOLDER}/{LIST} keeps its frozen site there (make edition writes it)")
        target = Path(site) / SITE_FOLDER / edition.date
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar.getmembers():
                if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
                    raise EditionError(f"{tarball.name}: unexpected member {member.name!r}")
            tar.extractall(target, filter="data")
        done.append(edition.date)
    return done


def archived_charts(root: Path, day: str) -> set[str]:
    """The chart ids an edition's frozen copy holds (its ``_charts/<id>.html`` embed pages)."""
    tarball = Path(root) / FOLDER / day / ARCHIVE
    if not tarball.is_file():
        return set()
    with tarfile.open(tarball, "r:gz") as tar:
        return {Path(name).stem for name in tar.getnames()
                if name.startswith("_charts/") and name.endswith(".html") and name.count("/") == 1}


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def dated(iso: str, precision: str = "day") -> str:
    """A date as a reader reads it, no more precise than its source: 24 May 2024, March 2026, 2014.

    ``precision``: a row's ``as_of_precision`` or ``date_precision`` (a month or a year is stored as
    its first day)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{day.strftime('%B')} {day.year}"
    return long_date(day)


# --- followers: Atom and Zenodo ---------------------------------------------------------------

def zenodo(cff: dict, editions: list[Edition]) -> dict:
    """``.zenodo.json`` from CITATION.cff: what Zenodo needs to mint a DOI for each edition."""
    def creator(author: dict) -> dict:
        if author.get("name"):
            return {"name": author["name"]}
        return {"name": f"{author.get('family-names', '')}, {author.get('given-names', '')}".strip(", ")}

    licences = cff.get("license")
    licences = [licences] if isinstance(licences, str) else list(licences or [])
    latest = editions[-1] if editions else None
    return {
        "title": cff["title"],
        "upload_type": "dataset",
        "description": (f"{cff.get('message', '')} {cff['title']}: a sourced data explainer; "
                        + (f"edition of {long_date(latest.day)}. {latest.summary}" if latest else "")).strip(),
        "creators": [creator(a) for a in cff.get("authors", [])],
        "license": {"id": licences[0].lower()} if licences else None,
        "keywords": list(cff.get("keywords", [])),
        "version": str(cff.get("version", "")),
        "publication_date": str(cff.get("date-released", "")),
    }


def atom(title: str, site_url: str, entries: list[dict], updated: str) -> str:
    """A valid Atom 1.0 feed; ``entries``: id, title, updated (YYYY-MM-DD), link (relative or absolute), summary."""
    from xml.sax.saxutils import escape

    def stamp(day: str) -> str:
        return f"{day}T00:00:00Z"

    feed_id = f"{site_url}feed.xml" if site_url else "urn:datastory:" + re.sub(r"[^a-z0-9]+", "-", title.lower())
    parts = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"  <title>{escape(title)}: editions and corrections</title>", f"  <id>{escape(feed_id)}</id>",
             f"  <updated>{stamp(updated)}</updated>", f"  <author><name>{escape(title)}</name></author>",
             f'  <link rel="self" href="{escape(site_url + "feed.xml" if site_url else "feed.xml")}"/>']
    for entry in entries:
        link = entry["link"] if "://" in entry["link"] or not site_url else site_url + entry["link"]
        parts += ["  <entry>", f"    <title>{escape(entry['title'])}</title>",
                  f"    <id>{escape(entry['id'])}</id>", f"    <updated>{stamp(entry['updated'])}</updated>",
                  f'    <link rel="alternate" type="text/html" href="{escape(link)}"/>',
                  f"    <summary>{escape(entry['summary'])}</summary>", "  </entry>"]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"
