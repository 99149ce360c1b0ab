"""Build the book strictly and publish it atomically.

Jupyter Book 1 by default logs a failing cell as a warning, exits 0 and publishes the
traceback; it also ignores unknown ``_config.yml`` keys. Here: the config is checked first,
the data package is validated, Sphinx runs with warnings as errors (all reported in one
run), and the site is built into a staging folder that replaces ``_build/html`` only when
everything passed. A failed build leaves the previous site byte for byte.
"""

from __future__ import annotations

import difflib
import shutil
import sys
from pathlib import Path

import yaml

BUILD_DIR = "_build"
#: Sections whose keys are free-form by design (Sphinx options, MyST options, analytics ids).
FREE_FORM = {("sphinx", "config"), ("sphinx", "local_extensions"), ("parse",), ("html", "analytics")}


class BuildError(Exception):
    """A build that must not publish; the message says why, in words a person can act on."""


def unknown_config_keys(user: dict, allowed: dict, path: tuple = ()) -> list[str]:
    """Keys of ``_config.yml`` that Jupyter Book 1 would silently ignore."""
    problems = []
    for key, value in user.items():
        here = (*path, key)
        if key not in allowed:
            near = difflib.get_close_matches(str(key), [str(k) for k in allowed], n=1)
            hint = f" (did you mean {'.'.join(map(str, (*path, near[0])))}?)" if near else ""
            problems.append(f"_config.yml: unknown key {'.'.join(map(str, here))!r}{hint}")
        elif isinstance(value, dict) and isinstance(allowed[key], dict) and here not in FREE_FORM:
            problems.extend(unknown_config_keys(value, allowed[key], here))
    return problems


def check_config(root: Path) -> dict:
    import jupyter_book

    allowed = yaml.safe_load((Path(jupyter_book.__file__).parent / "default_config.yml").read_text())
    user = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    problems = unknown_config_keys(user, allowed)
    if problems:
        raise BuildError("\n".join(problems))
    return user


def build(root: Path, *, builder: str = "html", only: Path | None = None, quiet: bool = True,
          log=print) -> tuple[Path, bool]:
    """Validate, execute stale notebooks, build into staging, check it, then swap it into ``_build/html``.

    Returns the site's folder and whether anything was rebuilt. The staging folder starts
    empty, so the site holds exactly what the current sources produce; Sphinx's environment and
    the execution cache carry what is unchanged. With ``only`` (a chapter's file), that chapter
    alone is executed and built, as one page, into ``_build/_page/<chapter>/html``.
    """
    from .history import head_commit

    root = root.resolve()
    build_dir = root / BUILD_DIR
    page = _chapter_file(root, only) if only is not None else None
    out_dir = build_dir / "_page" / page.stem if page else build_dir
    final = out_dir / builder
    built_stamp, inputs = out_dir / f".datastory-built-{builder}", files_digest(
        [root / name for name in BUILD_INPUTS if (root / name).exists()], root) + head_commit(root) + _addresses()
    if final.is_dir() and built_stamp.is_file() and built_stamp.read_text() == inputs:
        return final, False  # nothing the site is built from has changed since the last good build
    from .execute import Chapter, ExecutionFailed, book_chapters, execute, paired_notebooks

    config = check_config(root)
    execution = config.get("execute", {})
    cache = root / execution.get("cache", "_build/.jupyter_cache")
    chapter = Chapter(root, page, cache) if page else None
    config_path = _config_with_identity(root, build_dir)
    for paired in paired_notebooks(root):
        log(f"{paired.relative_to(root)}: ignored (a paired copy; the .md beside it is the chapter)")
    try:
        execute([chapter] if chapter else book_chapters(root, cache), timeout=execution.get("timeout", 30), log=log,
                meanwhile=lambda: _prepare(root, build_dir))
    except ExecutionFailed as error:
        raise BuildError(f"{error}\na cell raised an error, so the build stops and nothing is published") from None
    from jupyter_book.sphinx import build_sphinx

    overrides = {"latex_individualpages": False}
    if chapter:
        overrides.update(_one_page(root, page, config))
    staging = out_dir / f".staging-{builder}"
    shutil.rmtree(staging, ignore_errors=True)
    log("writing the site with Sphinx")
    result = build_sphinx(
        str(root), str(staging),
        path_config=str(config_path),
        confoverrides=overrides,
        doctreedir=str(out_dir / ".doctrees"),
        builder=builder,
        noconfig=True,
        warningiserror=True,
        keep_going=True,
        quiet=quiet,
        use_external_toc=chapter is None,
    )
    if result != 0:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(result, BaseException):
            raise BuildError(f"{type(result).__name__}: {result}") from result
        raise BuildError("Sphinx reported warnings or errors (listed above); warnings fail this build. "
                         "The previous site is unchanged.")
    _check_output(staging)
    previous = out_dir / f".previous-{builder}"
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        final.rename(previous)
    staging.rename(final)
    shutil.rmtree(previous, ignore_errors=True)
    built_stamp.write_text(inputs)
    return final, True


def _chapter_file(root: Path, only: Path) -> Path:
    """The chapter ``--only`` names, or a BuildError that says what it takes."""
    from myst_nb.core.read import is_myst_markdown_notebook

    path = (only if only.is_absolute() else Path.cwd() / only).resolve()
    chapters = sorted(p.relative_to(root).as_posix() for p in (root / "notebooks").glob("*.md"))
    hint = f"--only takes a chapter's .md file, one of: {', '.join(chapters)}"
    if not path.is_file() or not path.is_relative_to(root):
        raise BuildError(f"{only}: no such file in the book; {hint}")
    if path.suffix != ".md" or not is_myst_markdown_notebook(path.read_text(encoding="utf-8")):
        raise BuildError(f"{only}: not a chapter (a MyST Markdown notebook); {hint}")
    return path


def _one_page(root: Path, page: Path, config: dict) -> dict:
    """Sphinx settings that build ``page`` alone, as Jupyter Book's own page builds do."""
    others = [p.relative_to(root).as_posix() for p in root.rglob("*")
              if p.suffix in (".md", ".ipynb") and p != page
              and not {BUILD_DIR, ".venv", ".git", "node_modules"} & set(p.relative_to(root).parts)]
    return {"master_doc": page.relative_to(root).with_suffix("").as_posix(),
            "exclude_patterns": [*config.get("exclude_patterns", []), *others]}


#: What the site is built from. A build whose inputs hash like the last good build's has
#: nothing to do (Sphinx would re-read and re-write nothing); it returns in a fraction of a second.
BUILD_INPUTS = ("_config.yml", "CITATION.cff", "_toc.yml", "requirements.txt", "book", "notebooks", "data", "datastory",
                "README.md", "LICENSE-DATA", "CHANGELOG.md", "editions")


def files_digest(paths, base: Path) -> str:
    """sha256 over files (folders expand to their files), each keyed by its path under ``base``
    (or its name, for a file outside it, such as the checks of a package installed elsewhere).

    The one fingerprint behind the build's shortcuts: skip a build whose inputs are unchanged,
    skip validation when data and checks are unchanged, rewrite pages when our assets change.
    """
    import hashlib

    files = []
    for path in paths:
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    digest = hashlib.sha256()
    for file in files:
        if file.is_file() and "__pycache__" not in file.parts:
            key = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
            digest.update(key.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _prepare(root: Path, build_dir: Path) -> None:
    """The build's own work while the kernels run: validate the data package, import Sphinx.

    A data problem is reported before any notebook's error (outputs from bad data may be
    cached, but validation gates publishing, and fixed data changes their keys).
    """
    from .validation import check_package

    stamp, digest = build_dir / ".datastory-validated", _validation_digest(root)
    if not stamp.is_file() or stamp.read_text() != digest:
        problems = check_package(root / "data")
        if problems:
            raise BuildError("the data package has problems; nothing was built:\n" + "\n".join(map(str, problems)))
        build_dir.mkdir(exist_ok=True)
        stamp.write_text(digest)
    # jsonschema, which Jupyter Book imports, compiles ~40 grammars at import time when
    # rfc3987-syntax is installed (JupyterLab's dependency), for IRI format checks nobody asks for here
    sys.modules.setdefault("rfc3987_syntax", None)
    import jupyter_book.sphinx  # noqa: F401  (seconds of imports, done while the kernels run)


def _validation_digest(root: Path) -> str:
    """Everything validation reads: the data package, CITATION.cff (its licences and authors must agree
    with the descriptor's) and the package's whole code (checks, measures, claims ... import each other),
    so no hand-kept list of modules can miss one. When none changed, the last verdict stands."""
    package = Path(__file__).resolve().parent
    code = sorted(p for p in package.rglob("*.py"))
    return files_digest([root / "data", root / "CITATION.cff", *code], root)


def _addresses() -> str:
    """The publishing addresses from the environment: a build with other addresses is another site."""
    import os

    from .identity import REPOSITORY_URL_ENV, SITE_URL_ENV

    return "\0".join(os.environ.get(name, "") for name in (SITE_URL_ENV, REPOSITORY_URL_ENV))


def _config_with_identity(root: Path, build_dir: Path) -> Path:
    """``_config.yml`` with the title, author, repository URL and site URL from CITATION.cff."""
    from .identity import IdentityError, book_config, identity

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    try:
        merged = book_config(config, identity(root))
    except IdentityError as error:
        raise BuildError(str(error)) from None
    path = build_dir / ".datastory-config.yml"
    build_dir.mkdir(exist_ok=True)
    text = yaml.safe_dump(merged, sort_keys=False, allow_unicode=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def _check_output(site: Path) -> None:
    reports = site / "reports"
    if reports.exists():
        shutil.rmtree(site, ignore_errors=True)
        raise BuildError("the build wrote execution error reports (reports/*.err.log); nothing was published")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        if "Traceback (most recent call last)" in text:
            shutil.rmtree(site, ignore_errors=True)
            raise BuildError(f"{page.relative_to(site)} contains a Python traceback; nothing was published")


def main_build(root: Path, only: Path | None = None) -> int:
    try:
        site, rebuilt = build(root, only=only)
    except BuildError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    done = "built" if rebuilt else "nothing changed since the last build:"
    if only is None:
        print(f"{done} {site}; view it with `make serve` (http://127.0.0.1:8000)")
    else:
        name = Path(only).with_suffix(".html").name
        page = next((p for p in (site / "notebooks" / name, site / name) if p.is_file()), site / name)
        print(f"{done} {site}; open {page}")
    return 0
