"""datastory: the reusable half of the explainer — data loading and checks, charts, provenance, build.

Notebooks use :func:`load` and :mod:`datastory.charts`; everything else serves the build.
``load`` is imported on first use, so ``python -m datastory build`` with nothing to do never
imports pandas, and a kernel's recorded imports name only the modules it used.
"""

__all__ = ["load"]


def __getattr__(name: str):
    if name == "load":
        from .data import load

        return load
    raise AttributeError(f"module 'datastory' has no attribute {name!r}")
