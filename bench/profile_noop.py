"""Where our no-op rebuild spends its time: one extra no-op build with timers around its steps.

run.py passes :data:`CODE` to a Python started in the built copy (so the copy's ``datastory`` is
the one measured). The code wraps a few functions in wall-clock timers (no profiler, so no
distortion) and runs the same ``build()`` that ``python -m datastory build`` runs. Interpreter
start-up and top-level imports are outside ``build()``; their share is the rest of the wall time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

CODE = r"""
import functools, json, sys, time
from pathlib import Path
t0 = time.perf_counter()
import datastory.build as build_module
import datastory.execute as execute_module
import datastory.validation as validation
import datastory.sphinx_ext as ext
import jupyter_book.sphinx as jb_sphinx
import sphinx.application as sphinx_app
t_imports = time.perf_counter() - t0
totals, depth = {}, {}

def timed(label, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if depth.get(label):
            return function(*args, **kwargs)
        depth[label] = 1
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.perf_counter() - start
            depth[label] = 0
    return wrapper

build_module.check_config = timed("config", build_module.check_config)
validation.check_package = timed("validate", validation.check_package)
execute_module.execute = timed("execute", execute_module.execute)
jb_sphinx.build_sphinx = timed("sphinx", jb_sphinx.build_sphinx)
sphinx_app.Sphinx.__init__ = timed("sphinx_init", sphinx_app.Sphinx.__init__)
sphinx_app.Sphinx.build = timed("sphinx_build", sphinx_app.Sphinx.build)
ext.write_notebooks = timed("write_notebooks", ext.write_notebooks)
ext.write_downloads = timed("write_downloads", ext.write_downloads)
build_module._check_output = timed("check_output", build_module._check_output)
start = time.perf_counter()
build_module.build(Path("."), quiet=True)
totals["build"] = time.perf_counter() - start
totals["imports"] = t_imports
print("BENCH-PROFILE " + json.dumps(totals))
"""

#: (key, label) in the order reported.
STEPS = [
    ("imports", "interpreter imports before build() (datastory, Jupyter Book, Sphinx)"),
    ("config", "config check against Jupyter Book's key list"),
    ("validate", "data package validation (frictionless + provenance)"),
    ("execute", "notebooks: cache check, stale ones executed in the worker pool"),
    ("sphinx_init", "Sphinx start-up: config, extensions, pickled environment"),
    ("sphinx_build", "Sphinx incremental read + write + build-finished hooks"),
    ("write_notebooks", "  of which: executed .ipynb export (write_notebooks)"),
    ("write_downloads", "  of which: data downloads (write_downloads)"),
    ("check_output", "scan of the output for tracebacks"),
]


def profile_noop(root: Path) -> dict:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", CODE], cwd=root, capture_output=True, text=True, timeout=900)
    wall = time.perf_counter() - start
    for line in result.stdout.splitlines():
        if line.startswith("BENCH-PROFILE "):
            totals = json.loads(line[len("BENCH-PROFILE "):])
            return {"wall": wall, "steps": [[label, totals.get(key, 0.0)] for key, label in STEPS]}
    return {"error": (result.stderr or result.stdout)[-2000:]}
