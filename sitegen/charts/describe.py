"""Charts in words: what each one shows, generated from its data."""

from __future__ import annotations

from collections.abc import Sequence

from sitegen.charts.model import Chart, Point
from sitegen.wording import change_sentence, when


def caveat(points: Sequence[Point]) -> str:
    """A closing sentence when some values are approximate or claims."""
    notes = []
    if any(p.qualifier != "exact" for p in points):
        notes.append("some values are approximate or minimums")
    if any(p.status == "claim" for p in points):
        notes.append("some are one side's claim")
    return f" Paler bars: {' and '.join(notes)}." if notes else ""


def describe_time(chart: Chart) -> str:
    """Per series: first and last value and the change between them."""
    sentences = []
    for series in sorted({p.series for p in chart.points}):
        pts = [p for p in chart.ordered() if p.series == series]
        name, first, last = series or chart.title, pts[0], pts[-1]
        if len(pts) == 1:
            sentences.append(f"{name}: {first.shown} {when(first.category)}.")
            continue
        text = change_sentence(name, (first.shown, first.category, first.value),
                               (last.shown, last.category, last.value), first.unit)
        sentences.append(text if first.value == last.value else text[:-1] + f", across {len(pts)} periods.")
    return " ".join(sentences) + caveat(chart.points)


def describe_compare(chart: Chart) -> str:
    """Highest, lowest and how many areas."""
    pts = chart.ordered()
    top, bottom = pts[0], pts[-1]
    if len(pts) == 1:
        return f"One area with a figure: {top.category}, {top.shown}." + caveat(pts)
    text = f"{len(pts)} areas with a figure. Highest: {top.category}, {top.shown}."
    text += f" Lowest: {bottom.category}, {bottom.shown}."
    return text + caveat(pts)


def describe(chart: Chart) -> str:
    """The description for either kind of chart."""
    return describe_compare(chart) if chart.kind == "compare" else describe_time(chart)
