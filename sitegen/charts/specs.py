"""Vega-Lite specs for charts, built with Altair, cached by the content they are made from."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sitegen.cache import Cache
from sitegen.charts.model import Chart

WIDTH = 560
PALETTE = ["#1d4f91", "#b4400b", "#2f6f3e", "#6b3fa0", "#8a5a00", "#a3195b"]  # AA on white


def spec(chart: Chart, validate: bool = False) -> dict[str, Any]:
    """A deterministic Vega-Lite spec; schema validation is for tests (it is half of Altair's time)."""
    import altair as alt  # heavy: only on a spec-cache miss

    rows, (_, axis_title) = chart.rows(), chart.scale()
    order = list(dict.fromkeys(r["category"] for r in rows))
    series = sorted({r["series"] for r in rows})
    compare = chart.kind == "compare"
    value = alt.X("amount:Q", title=axis_title) if compare else alt.Y("amount:Q", title=axis_title)
    category = (alt.Y("category:N", sort=order, title=None) if compare
                else alt.X("category:N", sort=order, title="Period", axis=alt.Axis(labelAngle=0)))
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=PALETTE[: len(series)]),
                       legend=alt.Legend(orient="bottom") if len(series) > 1 else None)
    drawn = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        value, category, colour,
        opacity=alt.condition(alt.datum.kind == "reported", alt.value(1.0), alt.value(0.55)),
        tooltip=[alt.Tooltip("category:N", title="Area" if compare else "Period"),
                 alt.Tooltip("series:N", title="Measure"), alt.Tooltip("shown:N", title="Value"),
                 alt.Tooltip("kind:N", title="Status")])
    if not compare and len(series) > 1:
        drawn = drawn.encode(xOffset="series:N")
    drawn = drawn.properties(width=WIDTH - 160 if compare else WIDTH, title=chart.title,
                             height=max(120, 22 * len(order)) if compare else 260)
    # labelLimit 0: labels are shown whole (no council name cut short), and vl-convert no longer
    # measures each label to truncate it
    out = drawn.configure_axis(labelLimit=0).configure_legend(labelLimit=0).to_dict(validate=validate)
    out.pop("$schema", None)
    return out


def spec_json(chart: Chart, validate: bool = False) -> str:
    """The spec as canonical JSON (the SVG cache key and the file served to the browser)."""
    return json.dumps(spec(chart, validate), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chart_specs(charts: Sequence[Chart], cache: Cache) -> dict[str, str]:
    """Chart id -> spec JSON; built with Altair only for charts whose content is not in the cache."""
    out = {}
    for chart in charts:
        key = chart.content_key()
        text = cache.get(key, ".vl.json")
        if text is None:
            text = spec_json(chart)
            cache.put(key, ".vl.json", text)
        out[chart.id] = text
    return out
