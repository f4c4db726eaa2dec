"""Vega for charts: a shape's Vega-Lite template compiled to Vega once, then filled with each chart's data."""

from __future__ import annotations

import json
import re
from typing import Any

from sitegen.site.charts.specs import HOLES, canonical

# Where Vega-Lite puts each hole of a template in the Vega it compiles (as compact JSON text): the data as they
# are; the height as it is; inside an expression string, a sort order as a chain of comparisons, which
# `sort_index` writes out exactly as Vega-Lite does (`datum["f"]==="a" ? 0 : datum["f"]==="b" ? 1 : 2`), or as an
# array (`indexof(["a","b"], datum['f'])`).
SORT = r'datum\[\\"(?P<field>\w+)\\"\]===\\"@@(?P<sort>order|series)@@\\" \? 0 : 1'
ARRAY = r'\[\\"@@(?P<array>order|series)@@\\"\]'
LISTS = {json.dumps(v, separators=(",", ":")): k for k, v in HOLES.items() if k != "height"}
HEIGHT = r'(?<![\w.])987654321(?![\w.])'
VEGA_HOLE = re.compile("|".join([SORT, ARRAY, HEIGHT, *(re.escape(text) for text in LISTS)]))


def vega_template(vega_lite: str) -> str | None:
    """A shape's Vega with holes for its data, compiled from its Vega-Lite template; None when the compiled Vega
    holds a hole this module cannot fill (a new kind of chart): that shape's charts are compiled whole."""
    import vl_convert  # heavy: only in the processes that draw

    text = json.dumps(vl_convert.vegalite_to_vega(vega_lite), separators=(",", ":"), ensure_ascii=False)
    rest = VEGA_HOLE.sub("", text)
    return None if "@@" in rest or "987654321" in rest else text


def sort_index(field: str, values: list[Any]) -> str:
    """Vega-Lite's expression for a field's place in a sort order, its last place for any other value."""
    return "".join(f"datum[{json.dumps(field)}]==={json.dumps(value, ensure_ascii=False)} ? {i} : "
                   for i, value in enumerate(values)) + str(len(values))


def filled(template: str, holes: dict[str, Any]) -> str:
    """A chart's Vega: its shape's template with every hole filled in one pass, so no data is read as a hole."""
    def fill(hole: re.Match[str]) -> str:
        if hole.group("field"):  # inside a JSON string: the expression, escaped as JSON escapes it
            return json.dumps(sort_index(hole.group("field"), holes[hole.group("sort")]), ensure_ascii=False)[1:-1]
        if hole.group("array"):
            return json.dumps(canonical(holes[hole.group("array")]), ensure_ascii=False)[1:-1]
        text = hole.group(0)
        return str(holes["height"]) if text == "987654321" else canonical(holes[LISTS[text]])

    return VEGA_HOLE.sub(fill, template)
