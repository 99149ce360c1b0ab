"""datastory: the reusable half of the explainer — data loading and checks, charts, provenance, build.

Notebooks use :func:`load` and :mod:`datastory.charts`; everything else serves the build.
"""

from .data import load

__all__ = ["load"]
