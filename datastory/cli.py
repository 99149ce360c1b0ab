"""Command line: ``python -m datastory validate | build | new-story | add-table | edition | check-links``.

Errors read like advice: what is wrong, where (file:line:column), and what to do. A user's
error (bad data, a bad argument) prints one located message per problem and exits with 2; a
Python traceback means a bug in this package.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: Exit status for a user's error: bad data, a bad argument, a missing file.
USER_ERROR = 2


class UserError(Exception):
    """An error in what the user gave us; printed as its message alone, exit status 2."""


def cmd_validate(args) -> int:
    """Check the data package: schema, keys, foreign keys, then provenance (quotes and FX)."""
    from .validation import check_package

    folder = Path(args.data)
    if not folder.is_dir():
        raise UserError(f"validate: no folder {folder}; point --data at the data package folder")
    problems = check_package(folder)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {folder}; fix them and run `make validate` again", file=sys.stderr)
        return USER_ERROR
    print(f"{folder}: all tables valid, every figure found in its quote, every currency pair agrees")
    return 0


def cmd_build(args) -> int:
    """Build the site strictly into _build/html (atomically: a failed build publishes nothing)."""
    from .build import main_build

    only = Path(args.only) if args.only else None
    return USER_ERROR if main_build(Path(args.root), only) else 0  # a failed build is the content's, told in words


def cmd_new_story(args) -> int:
    """Scaffold notebooks/SLUG.md (a loaded table, one chart, one claim) and list it in _toc.yml."""
    from .scaffold import ScaffoldError, new_story

    try:
        path = new_story(Path(args.root), args.slug, args.title, args.table)
    except ScaffoldError as error:
        print(f"new-story: {error}", file=sys.stderr)
        return 2
    print(f"created {path.relative_to(Path(args.root).resolve()) if path.is_absolute() else path}; "
          "build it with `make book`" + (f"; fill data/{args.table}.csv, then `make validate`" if args.table else ""))
    return 0


def cmd_add_table(args) -> int:
    """Add a CSV to the data package with a schema inferred from it (types, required, enums, keys) to edit."""
    from .infer import AddTableError, add_table

    try:
        resource = add_table(Path(args.root), Path(args.csv), args.name)
    except AddTableError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        raise UserError(str(error)) from None
    print(f"added table {resource['name']!r} (data/{resource['path']}) to data/datapackage.json:")
    for spec in resource["schema"]["fields"]:
        rules = spec.get("constraints", {})
        notes = [spec["type"], *(["required"] if rules.get("required") else []),
                 *([f"enum {rules['enum']}"] if "enum" in rules else [])]
        print(f"  {spec['name']}: {', '.join(notes)}")
    if resource["schema"].get("primaryKey"):
        print(f"  primary key: {', '.join(resource['schema']['primaryKey'])}")
    print("Now edit its entry in data/datapackage.json: a title and description for the table, and for each "
          "field what it means and its unit; keep or drop the suggested enums. Then `make validate`.")
    return 0


def _export(root: Path, out: Path) -> dict[str, Path]:
    """Validate the package, then write the zip, README, SQLite database and Datasette metadata."""
    from .data import open_package
    from .export import export
    from .identity import IdentityError, identity
    from .validation import check_opened

    package = open_package(root / "data")
    problems = check_opened(package)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise UserError(f"{len(problems)} problem(s) in the data package; nothing was exported")
    try:
        ident = identity(root)
    except IdentityError as error:
        raise UserError(str(error)) from None
    return export(package, root, ident, out)


def cmd_package(args) -> int:
    """Write the data package zip (with its README), a SQLite database and Datasette metadata."""
    written = _export(Path(args.root), Path(args.out))
    for kind, path in written.items():
        print(f"{kind}: {path}")
    return 0


def cmd_explore(args) -> int:
    """Open the data package in Datasette on http://127.0.0.1:PORT (SQLite with keys, licence, sources)."""
    import os
    import shutil

    written = _export(Path(args.root), Path(args.out))
    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent)) or shutil.which("datasette")
    if datasette is None:
        raise UserError("explore: Datasette is not installed; run `make explore` (it installs "
                        "requirements-explore.txt) or pip install -r requirements-explore.txt")
    command = [datasette, "serve", str(written["sqlite"]), "--metadata", str(written["metadata"]),
               "--host", "127.0.0.1", "--port", str(args.port), "--setting", "default_page_size", "50"]
    print(f"Datasette on http://127.0.0.1:{args.port}/ (Ctrl-C stops it)")
    os.execv(datasette, command)
    return 0  # not reached: Datasette replaces this process


def cmd_check_links(args) -> int:
    """Check the built site: internal links and anchors resolve; source URLs are well-formed and unique."""
    from .data import load
    from .links import check_site, check_source_urls

    site = Path(args.site)
    if not site.is_dir():
        print(f"check-links: no built site at {site}; run `make book` first", file=sys.stderr)
        return 2
    problems = [*check_site(site), *check_source_urls(load("sources", Path(args.data)))]
    for problem in problems:
        print(problem, file=sys.stderr)
    pages = len([p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "_static"])
    print(f"{pages} pages checked: {len(problems)} problem(s)", file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


def cmd_edition(args) -> int:
    """Publish an edition: date it, freeze the data and the site as they stand, commit and tag it."""
    from . import editions as ed
    from .build import BuildError, build

    root = Path(args.root).resolve()
    day = args.date
    try:
        _ = ed.Edition(day, ed.version_for(day), "").day
    except ValueError:
        raise UserError(f"edition: {day!r} is not a date; give it as YYYY-MM-DD, e.g. make edition DATE=2026-12-07") \
            from None
    if not args.summary.strip():
        raise UserError("edition: say in one sentence what this edition changed (SUMMARY=\"...\")")
    try:
        listed = ed.read_editions(root)
    except ed.EditionError as error:
        raise UserError(str(error)) from None
    if listed and day <= listed[-1].date:
        raise UserError(f"edition: {day} is not later than the latest edition ({listed[-1].date}); an edition is "
                        "never replaced: publish a later date")
    git = _git(root)
    if git and not args.allow_dirty and git("status", "--porcelain", "--untracked-files=no").strip():
        raise UserError("edition: commit your changes first, so the edition is exactly one commit (git status)")
    edition = ed.Edition(day, ed.version_for(day), " ".join(args.summary.split()))
    ed.set_citation(root, day, edition.version)
    ed.snapshot(root, day)
    ed.add_to_list(root, edition)
    if listed:  # the first edition changed nothing: it has no "what changed" page
        ed.changes_page(root, edition)
        ed.add_to_toc(root, edition)
    _write_zenodo(root)
    import os

    print(f"edition {day}: building its frozen copy")
    os.environ[ed.FROZEN_ENV] = day
    try:
        site, _ = build(root, log=print)
        ed.archive(site, root / ed.FOLDER / day / ed.ARCHIVE)
    except BuildError as error:
        raise UserError(f"edition {day}: the build failed, so nothing is frozen; fix it and run again:\n{error}") \
            from None
    finally:
        os.environ.pop(ed.FROZEN_ENV, None)
    print(f"edition {day}: building the live site with every edition")
    try:
        build(root, log=print)
    except BuildError as error:
        raise UserError(f"edition {day}: {error}") from None
    if git:
        git("add", "CITATION.cff", ".zenodo.json", "data/datapackage.json", "_toc.yml", ed.FOLDER, ed.CHANGES)
        git("commit", "-q", "-m", f"Edition of {day}: {edition.summary}")
        git("tag", f"edition-{day}")
        print(f"edition {day}: committed and tagged edition-{day} (push the tag with the branch)")
    else:
        print(f"edition {day}: recorded (not a git checkout: commit editions/, CITATION.cff and .zenodo.json yourself)")
    return 0


def _git(root: Path):
    """A function running git in ``root``, or None outside a git checkout."""
    import subprocess

    if not (root / ".git").exists():
        return None

    def run(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        if done.returncode:
            raise UserError(f"edition: git {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    return run


def _write_zenodo(root: Path) -> None:
    import json

    import yaml

    from . import editions as ed

    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    record = ed.zenodo(cff, ed.read_editions(root))
    (root / ".zenodo.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m datastory", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help=cmd_validate.__doc__, description=cmd_validate.__doc__)
    validate.add_argument("--data", default="data", help="data package folder (default: data)")
    validate.set_defaults(run=cmd_validate)
    build = commands.add_parser("build", help=cmd_build.__doc__, description=cmd_build.__doc__)
    build.add_argument("--root", default=".", help="book root holding _config.yml (default: .)")
    build.add_argument("--only", metavar="CHAPTER", help="execute and build one chapter, e.g. notebooks/01-….md, "
                       "into _build/_page/<chapter>/html")
    build.set_defaults(run=cmd_build)
    story = commands.add_parser("new-story", help=cmd_new_story.__doc__, description=cmd_new_story.__doc__)
    story.add_argument("slug", help="file name of the chapter, e.g. 07-chip-imports")
    story.add_argument("--title", required=True, help="the chapter's headline")
    story.add_argument("--table", help="also add an empty table of this name to the data package")
    story.add_argument("--root", default=".", help="book root (default: .)")
    story.set_defaults(run=cmd_new_story)
    table = commands.add_parser("add-table", help=cmd_add_table.__doc__, description=cmd_add_table.__doc__)
    table.add_argument("csv", help="your CSV file (UTF-8, comma-separated, a header row)")
    table.add_argument("--name", help="table name (default: from the file name)")
    table.add_argument("--root", default=".", help="repository root (default: .)")
    table.set_defaults(run=cmd_add_table)
    package = commands.add_parser("package", help=cmd_package.__doc__, description=cmd_package.__doc__)
    package.add_argument("--root", default=".", help="repository root holding data/ and CITATION.cff (default: .)")
    package.add_argument("--out", default="_build/data-package", help="folder to write (default: _build/data-package)")
    package.set_defaults(run=cmd_package)
    explore = commands.add_parser("explore", help=cmd_explore.__doc__, description=cmd_explore.__doc__)
    explore.add_argument("--root", default=".", help="repository root (default: .)")
    explore.add_argument("--out", default="_build/data-package", help="folder for the database (default: "
                         "_build/data-package)")
    explore.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default: 8001)")
    explore.set_defaults(run=cmd_explore)
    edition = commands.add_parser("edition", help=cmd_edition.__doc__, description=cmd_edition.__doc__)
    edition.add_argument("date", help="the edition's date, YYYY-MM-DD (later than the latest edition)")
    edition.add_argument("--summary", required=True, help="one sentence: what this edition changed")
    edition.add_argument("--root", default=".", help="repository root (default: .)")
    edition.add_argument("--allow-dirty", action="store_true", help="record it with uncommitted changes (tests)")
    edition.set_defaults(run=cmd_edition)
    links = commands.add_parser("check-links", help=cmd_check_links.__doc__, description=cmd_check_links.__doc__)
    links.add_argument("--site", default="_build/html", help="built site (default: _build/html)")
    links.add_argument("--data", default="data", help="data package folder (default: data)")
    links.set_defaults(run=cmd_check_links)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except UserError as error:
        print(error, file=sys.stderr)
        return USER_ERROR
    except Exception as error:
        from .data import DataError  # here, not above: a build with nothing to do never imports pandas

        if not isinstance(error, DataError):
            raise
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s); run `make validate` for the whole package", file=sys.stderr)
        return USER_ERROR
