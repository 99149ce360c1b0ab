"""Command line: ``python -m datastory validate | build``.

Errors read like advice: what is wrong, where (file:line:column), and what to do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_validate(args) -> int:
    """Check the data package: schema, keys, foreign keys, then provenance (quotes and FX)."""
    from .validation import check_package

    folder = Path(args.data)
    problems = check_package(folder)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {folder}; fix them and run `make validate` again", file=sys.stderr)
        return 1
    print(f"{folder}: all tables valid, every figure found in its quote, every currency pair agrees")
    return 0


def cmd_build(args) -> int:
    """Build the site strictly into _build/html (atomically: a failed build publishes nothing)."""
    from .build import main_build

    return main_build(Path(args.root))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m datastory", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help=cmd_validate.__doc__, description=cmd_validate.__doc__)
    validate.add_argument("--data", default="data", help="data package folder (default: data)")
    validate.set_defaults(run=cmd_validate)
    build = commands.add_parser("build", help=cmd_build.__doc__, description=cmd_build.__doc__)
    build.add_argument("--root", default=".", help="book root holding _config.yml (default: .)")
    build.set_defaults(run=cmd_build)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
