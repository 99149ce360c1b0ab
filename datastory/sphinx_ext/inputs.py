"""Correct incremental builds: a notebook's cache key includes the files it reads.

jupyter-cache keys a notebook on its code cells only, so on its own it republishes stale
outputs after a CSV or helper-module edit (MyST-NB #299, jupyter-book #1633). Before myst-nb
reads a notebook we append one hidden code cell whose text lists the content hashes of the
tables the notebook loads (found by reading its code for ``load("name")``), the data package
descriptor and the package's runtime modules. Edit one of those and exactly the notebooks that
depend on it get a new key and re-execute; nothing else does. The cell is tagged
``remove-cell`` and is only a comment, so it neither shows nor does anything.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from myst_nb.core.read import is_myst_markdown_notebook

from ..data import read_descriptor

_LOADS = re.compile(r"""\bload\(\s*["']([A-Za-z0-9_]+)["']""")
PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: Modules a notebook's kernel imports; the Sphinx extension and CLI never run in a kernel.
NOT_RUNTIME = ("sphinx_ext", "theme", "history.py", "changelog.py", "cli.py", "__main__.py", "scaffold.py", "claims.py",
               "build.py", "links.py", "templates")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def runtime_modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE_DIR.rglob("*.py")
        if not any(part in NOT_RUNTIME for part in p.relative_to(PACKAGE_DIR).parts)
    )


def notebook_inputs(source: str, data_dir: Path) -> list[tuple[str, Path]]:
    """(label, path) of every file this notebook's outputs depend on besides its own code."""
    descriptor = read_descriptor(data_dir)
    paths = {r["name"]: data_dir / r["path"] for r in descriptor["resources"]}
    inputs = [("data/datapackage.json", data_dir / "datapackage.json")]
    for name in sorted(set(_LOADS.findall(source))):
        if name not in paths:
            continue  # load() itself will raise with the list of known tables
        inputs.append((f"data/{paths[name].name}", paths[name]))
    inputs += [(f"datastory/{p.relative_to(PACKAGE_DIR).as_posix()}", p) for p in runtime_modules()]
    return inputs


def fingerprint_cell(inputs: list[tuple[str, Path]]) -> str:
    lines = "\n".join(f"# {label} sha256:{_digest(path)}" for label, path in inputs)
    return (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        "# Build inputs of this notebook (added at build time by datastory; part of its cache key)\n"
        f"{lines}\n```\n"
    )


def add_build_inputs(app, docname: str, source: list[str]) -> None:
    """``source-read`` handler: append the fingerprint cell and tell Sphinx about the inputs."""
    if not is_myst_markdown_notebook(source[0]):
        return
    inputs = notebook_inputs(source[0], app.config.datastory_data_path)
    for _, path in inputs:
        app.env.note_dependency(str(path))
    source[0] = source[0].rstrip("\n") + fingerprint_cell(inputs)
