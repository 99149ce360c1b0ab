"""What a published chart must show about its rows, checked on the spec before it is rendered.

Two rules, both about meaning rather than looks:

* a chart that draws rows of more than one measure (its table's ``measure`` column) shows the
  measure visibly, as colour, shape, facet, an axis or a text label — not only on hover;
* a chart that draws a row whose page could not be found again (``second_check`` of
  ``unverified``, from :func:`datastory.checks.flag`) marks it visibly and in its tooltip.

:func:`check` raises :class:`UnmarkedRows` naming the chart and what it leaves unmarked.
"""

from __future__ import annotations

from collections.abc import Iterator

#: Encoding channels a reader sees without hovering.
VISIBLE = {"x", "y", "color", "fill", "stroke", "shape", "strokeDash", "text", "row", "column", "facet",
           "opacity", "fillOpacity", "strokeOpacity", "size", "strokeWidth"}
MEASURE = "measure"
CHECK = "second_check"


class UnmarkedRows(ValueError):
    """A chart whose rows differ in meaning without the difference being drawn."""


def _fields(definition) -> Iterator[str]:
    """Field names an encoding channel uses, including inside conditions and tooltip lists."""
    if isinstance(definition, list):
        for item in definition:
            yield from _fields(item)
    elif isinstance(definition, dict):
        if isinstance(definition.get("field"), str):
            yield definition["field"].split(".")[0]
        yield from _fields(definition.get("condition"))


def walk(spec) -> Iterator[dict]:
    """Every mapping in a (Vega or Vega-Lite) spec, depth first."""
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from walk(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from walk(value)


def channels(spec: dict) -> dict[str, set[str]]:
    """Field -> channels it is encoded in, across layers, facets and concatenations."""
    found: dict[str, set[str]] = {}
    derived: dict[str, set[str]] = {}
    for node in walk(spec):
        for channel, definition in (node.get("encoding") or {}).items():
            for field in _fields(definition):
                found.setdefault(field, set()).add(channel)
        facet = node.get("facet")
        if isinstance(facet, dict):
            for field in _fields([facet, facet.get("row"), facet.get("column")]):
                found.setdefault(field, set()).add("facet")
        for transform in node.get("transform") or []:
            if "calculate" in transform:  # a label computed from a field shows that field
                derived.setdefault(transform["as"], set()).update(
                    word for word in (MEASURE, CHECK) if f"datum.{word}" in transform["calculate"])
    for field, sources in derived.items():
        for source in sources:
            found.setdefault(source, set()).update(found.get(field, set()))
    return found


def _shown(field: str, used: dict[str, set[str]]) -> bool:
    """Is ``field`` (or a column derived from it by name, like ``measure_label``) drawn visibly?"""
    return any(channel in VISIBLE for name, chans in used.items()
               if name == field or name.startswith(f"{field}_") for channel in chans)


def _in_tooltip(field: str, used: dict[str, set[str]]) -> bool:
    return any("tooltip" in chans for name, chans in used.items() if name == field or name.startswith(f"{field}_"))


def check(title: str, spec: dict, rows: list[dict]) -> None:
    """Raise :class:`UnmarkedRows` if the chart hides a difference in measure or certainty."""
    used = channels(spec)
    measures = sorted({str(row[MEASURE]) for row in rows if row.get(MEASURE) not in (None, "")})
    if len(measures) > 1 and not _shown(MEASURE, used):
        raise UnmarkedRows(
            f"chart {title!r} draws rows of {len(measures)} measures ({', '.join(measures)}) without showing "
            "which is which: encode 'measure' (or 'measure_label', from datastory.measures.labelled) as colour, "
            "shape, facet, an axis or a text label, or draw one measure per chart")
    unverified = sorted({str(row.get("row_id", row.get("label", "?"))) for row in rows
                         if row.get(CHECK) == "unverified"})
    if unverified and not (_shown(CHECK, used) and _in_tooltip(CHECK, used)):
        raise UnmarkedRows(
            f"chart {title!r} draws {len(unverified)} row(s) whose page could not be found again "
            f"({', '.join(unverified)}) without marking them: encode 'second_check' visibly (e.g. opacity or "
            "strokeDash with a legend) and in the tooltip, or leave the rows out and say so in the text")
