"""Check the opened data package: its descriptor, each table's reading, constraints and keys, then
the checks on meaning (provenance) for every table whose schema passed.

The checks take a :class:`~datastory.data.Package` opened by the data layer, so they judge the
very cells the loader types; :mod:`datastory.data` never imports this module. Every check
yields :class:`~datastory.data.Problem` objects; nothing here raises on bad data and nothing
here writes a file. Messages say what was found and what was expected, in the words a forker
would use to fix the CSV.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from .data import Package, Problem, Table, open_package

#: Checks on what the figures mean, run after the schema checks on the tables that passed them:
#: ``check(package, sound) -> Iterator[Problem]`` where ``sound`` is the set of table names whose
#: reading, constraints and keys passed. Add a check by appending it here.
MeaningCheck = Callable[[Package, set], Iterator[Problem]]


def meaning_checks() -> list[MeaningCheck]:
    from .checks import check_meaning
    from .measures import check_claim_measures
    from .provenance import check_provenance

    return [check_provenance, check_meaning, check_claim_measures]


def _constraint_problems(table: Table) -> Iterator[Problem]:
    names = [f["name"] for f in table.fields]
    for spec in table.fields:
        name = spec["name"]
        if name not in table.columns or table.frame is None:
            continue  # a missing column is named once, by the header check
        rules = spec.get("constraints", {})
        column = names.index(name) + 1
        raw, typed = table.raw[name], table.frame[name]
        seen: dict = {}
        for line, text, value in zip(table.lines, raw, typed, strict=True):
            if text is None:
                if rules.get("required"):
                    yield Problem(table.shown, line, column, f"column {name!r}: {''!r} is empty, but this column is "
                                  f"required{_what_to_write(table, name)}")
                continue
            if pd.isna(value):
                continue  # a type error, already reported by the data layer
            for message in [*_hygiene(text), *_broken_rules(rules, text, value, spec)]:
                shown = text if len(text) <= 60 else text[:57] + "..."
                yield Problem(table.shown, line, column, f"column {name!r}: {shown!r} {message}")
            if rules.get("unique"):
                if text in seen:
                    yield Problem(table.shown, line, column, f"column {name!r}: {text!r} repeats line {seen[text]}; "
                                  "values in this column must be unique")
                seen.setdefault(text, line)


def _what_to_write(table: Table, name: str) -> str:
    """For an empty key column, where its values come from: '; write one of the id values of data/measures.csv'."""
    for fk in table.resource["schema"].get("foreignKeys", []):
        reference = fk.get("reference", {})
        if fk.get("fields") == name and reference.get("resource"):
            return (f"; write one of the {reference.get('fields')} values of data/{reference['resource']}.csv "
                    f"({_description(table, name)})")
    return ""


def _description(table: Table, name: str) -> str:
    spec = next(f for f in table.fields if f["name"] == name)
    return spec.get("description", "").split(":")[0] or spec.get("title", name)


#: Characters a spreadsheet lets in unseen: control characters, zero-width spaces, a stray BOM.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff]")


def _hygiene(text: str) -> Iterator[str]:
    """What no schema rule names but a reader never sees: edge spaces and invisible characters."""
    if text != text.strip():
        yield "has a space at its start or end; remove it (the value would not match the same one elsewhere)"
    found = _INVISIBLE.search(text)
    if found:
        yield (f"holds an invisible character U+{ord(found.group()):04X} at position {found.start() + 1}; "
               "delete it")


def _broken_rules(rules: dict, text: str, value, spec: dict) -> Iterator[str]:
    if "enum" in rules:
        allowed = rules["enum"]
        if text not in [str(a) for a in allowed] and value not in allowed:
            shown = ", ".join(map(str, allowed[:12])) + (" ..." if len(allowed) > 12 else "")
            yield f"is not one of the allowed values: {shown}"
    if "minimum" in rules and value < _bound(rules["minimum"], spec):
        yield f"is below the minimum allowed: minimum is {rules['minimum']}"
    if "maximum" in rules and value > _bound(rules["maximum"], spec):
        yield f"is above the maximum allowed: maximum is {rules['maximum']}"
    if "pattern" in rules and not re.fullmatch(rules["pattern"], text):
        yield f"does not match the expected pattern {rules['pattern']}"
    if "minLength" in rules and len(text) < rules["minLength"]:
        yield f"is too short: minLength is {rules['minLength']}"
    if "maxLength" in rules and len(text) > rules["maxLength"]:
        yield f"is too long ({len(text)} characters): maxLength is {rules['maxLength']}"


def _bound(bound, spec: dict):
    from .data import parse_cell

    return parse_cell(str(bound), spec) if isinstance(bound, str) else bound


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _key_problems(table: Table, package: Package) -> Iterator[Problem]:
    if table.frame is None:
        return
    schema = table.resource["schema"]
    key = _as_list(schema.get("primaryKey"))
    if key and all(k in table.columns for k in key):
        first: dict = {}
        for line, values in zip(table.lines, zip(*(table.raw[k] for k in key), strict=True), strict=True):
            if any(v is None for v in values):
                if not all(schema_field_required(table, k) for k in key):
                    yield Problem(table.shown, line, None, f"the primary key {', '.join(key)} is empty in this row")
                continue
            if values in first:
                shown = ", ".join(f"{k}={v!r}" for k, v in zip(key, values, strict=True))
                yield Problem(table.shown, line, None, f"duplicate primary key: {shown} is already on line "
                              f"{first[values]}")
            first.setdefault(values, line)
    for fk in schema.get("foreignKeys", []):
        fields, reference = _as_list(fk.get("fields")), fk.get("reference", {})
        target_name = reference.get("resource") or table.name
        target_fields = _as_list(reference.get("fields"))
        if not all(f in table.columns for f in fields):
            continue
        try:
            target = table if target_name == table.name else package.table(target_name)
        except KeyError:
            continue  # the descriptor check names the unknown table
        if target.frame is None or not all(f in target.columns for f in target_fields):
            continue
        known = set(zip(*(target.raw[f] for f in target_fields), strict=True))
        shown_target = f"data/{target.resource['path']}"
        for line, values in zip(table.lines, zip(*(table.raw[f] for f in fields), strict=True), strict=True):
            if any(v is None for v in values) or values in known:
                continue
            column = [f["name"] for f in table.fields].index(fields[0]) + 1
            shown = ", ".join(map(repr, values))
            yield Problem(table.shown, line, column, f"unknown reference: {', '.join(fields)} {shown} is not a "
                          f"{', '.join(target_fields)} in {shown_target}; add that row there first, or fix the id")


def schema_field_required(table: Table, name: str) -> bool:
    spec = next(f for f in table.fields if f["name"] == name)
    return bool(spec.get("constraints", {}).get("required"))


def check_table(package: Package, name: str) -> list[Problem]:
    """Reading, constraints and keys of one table: every problem."""
    table = package.table(name)
    return [*table.problems, *_constraint_problems(table), *_key_problems(table, package)]


def _identity_problems(package: Package) -> Iterator[Problem]:
    """The descriptor's licence and contributors repeat CITATION.cff (Frictionless wants them); they must agree."""
    from .identity import CITATION, IdentityError, identity

    root = package.folder.parent
    if not (root / CITATION).is_file() or not package.resources:
        return
    try:
        ident = identity(root)
    except IdentityError as error:
        yield Problem(CITATION, None, None, str(error).removeprefix(f"{CITATION}: "))
        return
    names = [lic.get("name") for lic in package.descriptor.get("licenses", [])]
    if names and ident.licence_data not in names:
        yield Problem("data/datapackage.json", None, None, f"'licenses' names {', '.join(map(str, names))} but "
                      f"CITATION.cff licenses the data {ident.licence_data}; make them agree")
    titles = [c.get("title") for c in package.descriptor.get("contributors", [])]
    if titles and sorted(titles) != sorted(ident.authors):
        yield Problem("data/datapackage.json", None, None, f"'contributors' are {', '.join(map(str, titles))} but "
                      f"CITATION.cff's authors are {', '.join(ident.authors)}; make them agree")


def check_opened(package: Package) -> list[Problem]:
    """Every problem in an opened package, each table checked once; meaning on the sound tables."""
    problems = [*package.problems, *_identity_problems(package)]
    sound = set()
    for res in package.resources:
        if not package.readable(res):
            continue
        found = check_table(package, res["name"])
        problems.extend(found)
        if not found:
            sound.add(res["name"])
    for check in meaning_checks():
        problems.extend(check(package, sound))
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.column or 0, p.message))


def check_package(folder: Path) -> list[Problem]:
    """Every problem in the package at ``folder`` (see :func:`check_opened`)."""
    return check_opened(open_package(Path(folder)))
