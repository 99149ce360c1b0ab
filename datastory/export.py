"""The data package as an outsider picks it up: one zip, a SQLite database, Datasette metadata.

The zip holds ``datapackage.json`` at its root (so ``frictionless validate`` on the zip checks
the real descriptor), every CSV, a README written from the descriptor (a codebook: tables,
fields with units and meaning, measures, certainty qualifiers, licence, how to cite, how to
report an error), ``CITATION.cff``, the corrections log and the data licence. The SQLite
database carries the schema's primary and foreign keys; ``metadata.json`` gives Datasette the
licence, source and description of every table and column. Everything is written from the
opened :class:`~datastory.data.Package` and the fork's :mod:`~datastory.identity`, and
deterministically: two exports of one commit are byte-identical.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd

from .data import Package
from .identity import Identity

FIXED_TIME = (2025, 1, 1, 0, 0, 0)  # a package with no edition date yet
LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
                "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
                "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
                "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
                "MIT": "https://opensource.org/license/mit/"}
#: Files of the repository that travel with the data, when present.
COMPANIONS = ("CITATION.cff", "CHANGELOG.md", "LICENSE-DATA")
SQLITE_TYPES = {"string": str, "integer": int, "number": float, "boolean": int, "date": str, "datetime": str,
                "year": int}


def names(package: Package) -> tuple[str, str]:
    """File names of the zip and the database, from the package's own name (a fork's follows)."""
    name = package.descriptor.get("name") or "data-package"
    return f"{name}.zip", f"{name}.db"


def licence_url(spdx: str) -> str:
    return LICENCE_URLS.get(spdx, f"https://spdx.org/licenses/{spdx}.html")


# --- the README ------------------------------------------------------------------------------

def _md(text) -> str:
    """A value safe inside a Markdown table cell."""
    return "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text).replace("|", "\\|") \
        .replace("\n", " ")


def _field_rows(res: dict) -> list[str]:
    rows = ["| Field | Type | Required | Meaning and unit | Allowed values |", "|---|---|---|---|---|"]
    key = res["schema"].get("primaryKey", [])
    for spec in res["schema"]["fields"]:
        rules = spec.get("constraints", {})
        required = "yes" if rules.get("required") or spec["name"] in key else ""
        allowed = ", ".join(map(str, rules.get("enum", [])))
        if "pattern" in rules:
            allowed = allowed or f"pattern `{rules['pattern']}`"
        if "minimum" in rules:
            allowed = (allowed + "; " if allowed else "") + f"at least {rules['minimum']}"
        kind = spec.get("type", "string") + (" (YYYY-MM-DD)" if spec.get("type") == "date" else "")
        rows.append(f"| `{spec['name']}` | {kind} | {required} | {_md(spec.get('description', ''))} | "
                    f"{_md(allowed)} |")
    return rows


def _last_updated(package: Package) -> str | None:
    """The day the newest source was read: when the figures were last brought up to date."""
    try:
        accessed = package.table("sources").frame["accessed"].dropna()
    except KeyError:
        return None
    return None if accessed.empty else accessed.max().date().isoformat()


def _vocabularies(package: Package) -> list[str]:
    """Measures (a table of their own, when the package has one) and the certainty qualifiers."""
    lines = []
    if any(r.get("name") == "measures" for r in package.resources):
        frame = package.table("measures").frame
        if frame is not None:
            lines += ["## Measures", "", "What an amount counts. Rows name one of these in their `measure` column.", ""]
            columns = [c for c in ("id", "label", "definition", "unit_kind") if c in frame.columns]
            lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            lines += ["| " + " | ".join(_md(row[c]) for c in columns) + " |" for _, row in frame.iterrows()]
            lines.append("")
    certainty = [(res, spec) for res in package.resources for spec in res["schema"]["fields"]
                 if spec["name"] in ("qualifier", "status") and spec.get("constraints", {}).get("enum")]
    if certainty:
        lines += ["## Certainty", "", "How sure a figure is, in the words the source used:", ""]
        for res, spec in certainty:
            values = ", ".join(f"`{v}`" for v in spec["constraints"]["enum"])
            lines.append(f"- `{res['name']}.{spec['name']}` ({values}): {_md(spec.get('description', ''))}")
        lines.append("")
    return lines


def data_readme(package: Package, ident: Identity) -> str:
    """A README for the zip, written from the descriptor: an outsider needs nothing else."""
    descriptor = package.descriptor
    licences = descriptor.get("licenses") or [{"name": ident.licence_data}]
    year = ident.date_released[:4]
    updated = _last_updated(package)
    lines = [f"# {descriptor.get('title') or ident.title}", "", descriptor.get("description", ""), "",
             f"Data package `{descriptor.get('name', '')}`, version {descriptor.get('version', ident.version)}"
             + (f"; sources last read on {updated}" if updated else "") + ".",
             f"It is the data behind *{ident.title}*" + (f" ({ident.site_url})." if ident.site_url else "."), "",
             "## Files", "",
             "- `datapackage.json`: the Frictionless Data Package descriptor (Table Schema of every table). "
             "Check the whole package with `frictionless validate datapackage.json` (or on this zip).",
             "- one CSV per table (UTF-8, comma-separated, one row per line, dates as YYYY-MM-DD).",
             "- `CITATION.cff`: how to cite, machine-readable. `CHANGELOG.md`: every correction, with its reason.",
             "- `LICENSE-DATA`: the licence.", "",
             "Every row of a sourced table has `source_id` (a row of `sources.csv`: the page, its publisher, "
             "its dates) and `quote`, a verbatim passage of that page that contains the figure.", ""]
    lines += ["## Tables", ""]
    for res in package.resources:
        table = package.table(res["name"])
        count = 0 if table.frame is None else len(table.frame)
        lines += [f"### {res.get('title', res['name'])} (`{res['path']}`)", "", res.get("description", ""), "",
                  f"{count} rows."]
        key = res["schema"].get("primaryKey")
        if key:
            lines.append(f"Primary key: `{', '.join([key] if isinstance(key, str) else key)}`.")
        for fk in res["schema"].get("foreignKeys", []):
            ref = fk["reference"]
            lines.append(f"`{fk['fields']}` refers to `{ref['fields']}` in `{ref['resource']}`.")
        lines += ["", *_field_rows(res), ""]
    lines += _vocabularies(package)
    licence_lines = [f"- {lic.get('title', lic.get('name'))}: {lic.get('path', licence_url(lic.get('name', '')))}"
                     for lic in licences]
    lines += ["## Licence", "", *licence_lines,
              f"Code that builds the site: {ident.licence_code}. Quotes are short excerpts of the cited pages, "
              "kept for verification.", "",
              "## How to cite", "",
              f"{ident.byline} ({year}). *{ident.title}*, data package version {ident.version}"
              + (f", edition of {ident.date_released}" if ident.date_released else "") + "."
              + (f" {ident.site_url}" if ident.site_url else ""), "",
              "`CITATION.cff` holds the same in machine-readable form.", "",
              "## Report an error", "",
              "Open an issue " + (f"at {ident.repository_url}/issues " if ident.repository_url else
                                  "in the project's repository ")
              + "naming the table, the row id and what is wrong "
              "(with a link to a source that says otherwise). Corrections are listed in `CHANGELOG.md`.", ""]
    return "\n".join(lines)


# --- the zip ---------------------------------------------------------------------------------

def zip_members(package: Package, root: Path, ident: Identity) -> list[tuple[str, bytes]]:
    """(name at the zip's root, content): descriptor, every CSV, README, citation, corrections, licence."""
    members = [("datapackage.json", (package.folder / "datapackage.json").read_bytes())]
    members += [(res["path"], (package.folder / res["path"]).read_bytes()) for res in package.resources]
    members.append(("README.md", data_readme(package, ident).encode("utf-8")))
    members += [(name, (root / name).read_bytes()) for name in COMPANIONS if (root / name).is_file()]
    return members


def edition_time(ident: Identity) -> tuple[int, ...]:
    """Every member of the zip is dated with the edition it belongs to (CITATION.cff's date-released):
    deterministic, and an unzipped copy still says which edition it is."""
    from datetime import date

    try:
        day = date.fromisoformat(ident.date_released)
    except ValueError:
        return FIXED_TIME
    return (day.year, day.month, day.day, 0, 0, 0)


def write_zip(path: Path, members: list[tuple[str, bytes]], when: tuple[int, ...] = FIXED_TIME) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(members):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)


# --- SQLite and Datasette ----------------------------------------------------------------------

def _creation_order(package: Package) -> list[dict]:
    """Tables after the tables their foreign keys point to, so every key can be declared."""
    done, ordered, pending = set(), [], list(package.resources)
    while pending:
        ready = [r for r in pending if all(fk["reference"].get("resource") in done | {r["name"], ""}
                                           for fk in r["schema"].get("foreignKeys", []))]
        ready = ready or pending[:1]  # a cycle: declare what we can
        for res in ready:
            ordered.append(res)
            done.add(res["name"])
            pending.remove(res)
    return ordered


def _sqlite_value(value, kind: str):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "date":
        return value.date().isoformat()
    if kind == "datetime":
        return value.isoformat()
    if kind in ("boolean", "integer", "year"):
        return int(value)
    if kind == "number":
        return float(value)
    return str(value)


def write_sqlite(package: Package, path: Path) -> None:
    """One SQLite table per CSV, typed, with the schema's primary and foreign keys."""
    import sqlite_utils

    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    for res in _creation_order(package):
        fields = res["schema"]["fields"]
        key = res["schema"].get("primaryKey") or None
        foreign = []
        for fk in res["schema"].get("foreignKeys", []):
            local, ref = fk["fields"], fk["reference"]
            if isinstance(local, str) and isinstance(ref["fields"], str):
                foreign.append((local, ref.get("resource") or res["name"], ref["fields"]))
        required = {f["name"] for f in fields if f.get("constraints", {}).get("required")}
        db[res["name"]].create({f["name"]: SQLITE_TYPES[f.get("type", "string")] for f in fields},
                               pk=key[0] if isinstance(key, list) and len(key) == 1 else key,
                               foreign_keys=foreign, not_null=required)
        frame = package.table(res["name"]).frame
        kinds = {f["name"]: f.get("type", "string") for f in fields}
        rows = [{name: _sqlite_value(value, kinds[name]) for name, value in row.items()}
                for row in frame.to_dict(orient="records")]
        db[res["name"]].insert_all(rows)
        if "quote" in kinds:
            db[res["name"]].enable_fts([c for c in ("label", "quote", "note") if c in kinds])
    db.conn.execute("VACUUM")
    db.conn.close()


def datasette_metadata(package: Package, ident: Identity, database: str) -> dict:
    """Datasette's metadata: licence, source and about links, and every table's and column's meaning."""
    licence = ident.licence_data
    tables = {}
    for res in package.resources:
        tables[res["name"]] = {
            "title": res.get("title", res["name"]),
            "description": res.get("description", ""),
            "columns": {f["name"]: f.get("description", "") for f in res["schema"]["fields"]},
        }
        if "source_id" in tables[res["name"]]["columns"]:
            tables[res["name"]]["description"] += " Each row's source_id links to its page in sources (url)."
    return {
        "title": package.descriptor.get("title") or ident.title,
        "description": package.descriptor.get("description", ""),
        "license": licence,
        "license_url": licence_url(licence),
        **({"source": f"{ident.title} (repository)", "source_url": ident.repository_url} if ident.repository_url
           else {}),
        **({"about": f"{ident.title} (the site)", "about_url": ident.site_url} if ident.site_url else {}),
        "databases": {database: {"tables": tables}},
    }


def export(package: Package, root: Path, ident: Identity, out: Path) -> dict[str, Path]:
    """Write the zip, its README, the SQLite database and Datasette's metadata into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    zip_name, db_name = names(package)
    members = zip_members(package, root, ident)
    write_zip(out / zip_name, members, edition_time(ident))
    (out / "README.md").write_bytes(dict(members)["README.md"])
    write_sqlite(package, out / db_name)
    metadata = datasette_metadata(package, ident, Path(db_name).stem)
    (out / "metadata.json").write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"zip": out / zip_name, "readme": out / "README.md", "sqlite": out / db_name,
            "metadata": out / "metadata.json"}
