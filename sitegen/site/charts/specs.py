"""Vega-Lite specs for charts, built with Altair once per shape of chart, then filled with each chart's data."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.site.charts.model import Chart

WIDTH = 320  # drawn about as wide as a phone's column, so text stays at least 11 px there (and scales up)
FONT = 13
PALETTE = ["#1d4f91", "#b4400b", "#2f6f3e", "#6b3fa0", "#8a5a00", "#a3195b"]  # AA on white
# What a template holds in place of a chart's data, as Altair writes it into canonical JSON
HOLES = {"rows": [{"@@rows@@": 0}], "order": ["@@order@@"], "series": ["@@series@@"], "height": 987654321}
HOLE = re.compile("|".join(re.escape(json.dumps(v, separators=(",", ":"))) for v in HOLES.values()))
NAMES = {json.dumps(v, separators=(",", ":")): k for k, v in HOLES.items()}
Shape = tuple[str, str, int, bool]  # what a spec depends on besides its data: kind, axis title, colours, upright


def canonical(value: Any) -> str:
    """JSON as every spec is written: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parts(chart: Chart) -> tuple[Shape, dict[str, Any]]:
    """A chart's shape (what its spec depends on besides its data) and its data for each hole of that shape."""
    rows, (_, axis_title) = chart.rows(), chart.scale()
    if chart.kind == "compare":
        order = [r["category"] for r in rows]
        return ("compare", axis_title, 1, True), {"rows": rows, "order": order, "height": 28 * len(order)}
    series = sorted({r["series"] for r in rows})
    if chart.kind == "monthly":
        return ("monthly", axis_title, len(series), False), {"rows": rows, "series": series}
    order = list(dict.fromkeys(r["category"] for r in rows))
    return ("time", axis_title, len(series), len(order) <= 4), {"rows": rows, "order": order, "series": series}


def spec(chart: Chart, validate: bool = False) -> dict[str, Any]:
    """A deterministic Vega-Lite spec, built by Altair from the chart's own data (the reference for templates).

    Schema validation is for tests (it is half of Altair's time).
    """
    shape, data = parts(chart)
    return drawn(*shape, holes=data, validate=validate)


def drawn(kind: str, axis_title: str, colours: int, upright: bool, holes: dict[str, Any],
          validate: bool = False) -> dict[str, Any]:
    """The spec of a shape with the given data, or placeholders.

    No title inside the drawing: the figure's caption gives it, and a long title would widen the drawing and
    so shrink its text on a phone.
    """
    chart = (ranked(holes, axis_title) if kind == "compare"
             else by_month(holes, axis_title, colours) if kind == "monthly"
             else over_time(holes, axis_title, colours, upright))
    # labelLimit 0: labels are shown whole (no council name cut short), and vl-convert no longer
    # measures each label to truncate it
    out = (chart.configure(font="sans-serif").configure_view(stroke=None)
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


def ranked(holes: dict[str, Any], axis_title: str) -> Any:
    """Every council, highest first: its name above its bar, so a long name never squeezes the bars."""
    import altair as alt  # heavy: only on a spec-cache miss

    y = alt.Y("category:N", sort=holes["order"], title=None, axis=None)
    base = alt.Chart(alt.Data(values=holes["rows"])).encode(y=y)
    bars = base.mark_bar(size=9, yOffset=6, color=PALETTE[0]).encode(
        alt.X("amount:Q", title=axis_title, axis=alt.Axis(orient="top", tickCount=4)),
        opacity=alt.condition(alt.datum.kind == "reported", alt.value(1.0), alt.value(0.55)),
        tooltip=tooltip(True))
    names = base.mark_text(align="left", baseline="bottom", dy=-1, fontSize=FONT, x=0).encode(
        text=alt.Text("label:N"))
    return alt.layer(bars, names).transform_calculate(
        label="datum.category + ': ' + datum.shown").properties(width=WIDTH, height=holes["height"])


def over_time(holes: dict[str, Any], axis_title: str, colours: int, upright: bool) -> Any:
    """Bars by period; several series side by side, each in its colour."""
    import altair as alt  # heavy: only on a spec-cache miss

    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=holes["series"], range=PALETTE[:colours]),
                       legend=alt.Legend(orient="bottom") if colours > 1 else None)
    chart = alt.Chart(alt.Data(values=holes["rows"])).mark_bar().encode(
        alt.Y("amount:Q", title=axis_title, axis=alt.Axis(tickCount=5)),
        alt.X("category:N", sort=holes["order"], title="Period", axis=alt.Axis(labelAngle=0 if upright else -45)),
        colour, opacity=alt.condition(alt.datum.kind == "reported", alt.value(1.0), alt.value(0.55)),
        tooltip=tooltip(False))
    if colours > 1:
        chart = chart.encode(xOffset="series:N")
    return chart.properties(width=WIDTH, height=220)


def by_month(holes: dict[str, Any], axis_title: str, colours: int) -> Any:
    """A line per series over the months; a month with no figure breaks its line (a gap is never drawn as 0)."""
    import altair as alt  # heavy: only on a spec-cache miss

    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=holes["series"], range=PALETTE[:colours]),
                       legend=alt.Legend(orient="bottom") if colours > 1 else None)
    return alt.Chart(alt.Data(values=holes["rows"])).mark_line(strokeWidth=1.5).encode(
        alt.X("month:T", title=None, axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": 2})),
        alt.Y("amount:Q", title=axis_title, axis=alt.Axis(tickCount=5)),
        # each line dashed its own way too, so the series differ without colour (one merged legend)
        colour, alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=holes["series"]),
                               legend=alt.Legend(orient="bottom") if colours > 1 else None),
        alt.Detail("run:N"),  # a run of months without a gap is one line: a gap is never bridged
        tooltip=[alt.Tooltip("category:N", title="Month"), alt.Tooltip("series:N", title="Measure"),
                 alt.Tooltip("shown:N", title="Value")]).properties(width=WIDTH, height=220)


def template(kind: str, axis_title: str, colours: int, upright: bool) -> str:
    """The canonical JSON of a shape's spec with holes for the data."""
    return canonical(drawn(kind, axis_title, colours, upright, holes=HOLES))


def spec_json(chart: Chart, templates: dict[Shape, str] | None = None) -> str:
    """The spec as canonical JSON (the SVG cache key and the file served to the browser): its shape's template,
    filled in one pass, so no chart's data is ever read as a hole. Templates made are kept in `templates` (a
    session's), so Altair runs once per shape, not per chart."""
    shape, data = parts(chart)
    templates = {} if templates is None else templates
    if shape not in templates:
        templates[shape] = template(*shape)
    return fill(templates[shape], data)


def fill(template: str, holes: dict[str, Any]) -> str:
    """A shape's template with each hole filled with a chart's data, in one pass."""
    return HOLE.sub(lambda hole: canonical(holes[NAMES[hole.group(0)]]), template)
