"""Vega-Lite specs for charts, built with Altair, cached by the content they are made from."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sitegen.cache import Cache
from sitegen.charts.model import Chart

WIDTH = 320  # drawn about as wide as a phone's column, so text stays at least 11 px there (and scales up)
FONT = 13
PALETTE = ["#1d4f91", "#b4400b", "#2f6f3e", "#6b3fa0", "#8a5a00", "#a3195b"]  # AA on white


def spec(chart: Chart, validate: bool = False) -> dict[str, Any]:
    """A deterministic Vega-Lite spec; schema validation is for tests (it is half of Altair's time).

    No title inside the drawing: the figure's caption gives it, and a long title would widen the drawing and
    so shrink its text on a phone.
    """
    drawn = ranked(chart) if chart.kind == "compare" else over_time(chart)
    # labelLimit 0: labels are shown whole (no council name cut short), and vl-convert no longer
    # measures each label to truncate it
    out = (drawn.configure(font="sans-serif").configure_view(stroke=None)
           .configure_axis(labelLimit=0, labelFontSize=FONT, titleFontSize=FONT)
           .configure_legend(labelLimit=0, labelFontSize=FONT, columns=1).to_dict(validate=validate))
    out.pop("$schema", None)
    return out


def tooltip(compare: bool) -> list[Any]:
    """What a reader sees on hovering a bar (with the interactive layer)."""
    import altair as alt

    return [alt.Tooltip("category:N", title="Area" if compare else "Period"),
            alt.Tooltip("series:N", title="Measure"), alt.Tooltip("shown:N", title="Value"),
            alt.Tooltip("kind:N", title="Status")]


def ranked(chart: Chart) -> Any:
    """Every council, highest first: its name above its bar, so a long name never squeezes the bars."""
    import altair as alt  # heavy: only on a spec-cache miss

    rows, (_, axis_title) = chart.rows(), chart.scale()
    order = [r["category"] for r in rows]
    y = alt.Y("category:N", sort=order, title=None, axis=None)
    base = alt.Chart(alt.Data(values=rows)).encode(y=y)
    bars = base.mark_bar(size=9, yOffset=6, color=PALETTE[0]).encode(
        alt.X("amount:Q", title=axis_title, axis=alt.Axis(orient="top", tickCount=4)),
        opacity=alt.condition(alt.datum.kind == "reported", alt.value(1.0), alt.value(0.55)),
        tooltip=tooltip(True))
    names = base.mark_text(align="left", baseline="bottom", dy=-1, fontSize=FONT, x=0).encode(
        text=alt.Text("label:N"))
    return alt.layer(bars, names).transform_calculate(
        label="datum.category + ': ' + datum.shown").properties(
        width=WIDTH, height=28 * len(order))


def over_time(chart: Chart) -> Any:
    """Bars by period; several series side by side, each in its colour."""
    import altair as alt  # heavy: only on a spec-cache miss

    rows, (_, axis_title) = chart.rows(), chart.scale()
    order = list(dict.fromkeys(r["category"] for r in rows))
    series = sorted({r["series"] for r in rows})
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=PALETTE[: len(series)]),
                       legend=alt.Legend(orient="bottom") if len(series) > 1 else None)
    drawn = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        alt.Y("amount:Q", title=axis_title, axis=alt.Axis(tickCount=5)),
        alt.X("category:N", sort=order, title="Period", axis=alt.Axis(labelAngle=0 if len(order) <= 4 else -45)),
        colour, opacity=alt.condition(alt.datum.kind == "reported", alt.value(1.0), alt.value(0.55)),
        tooltip=tooltip(False))
    if len(series) > 1:
        drawn = drawn.encode(xOffset="series:N")
    return drawn.properties(width=WIDTH, height=220)


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
