"""Charts in words: what each one shows, generated from its data."""

from __future__ import annotations

from collections.abc import Sequence

from sitegen.data.periods import consecutive
from sitegen.site.charts.model import Chart, Point
from sitegen.site.wording import change_sentence, comparable, when


def caveat(points: Sequence[Point]) -> str:
    """A closing sentence when some values are approximate or claims."""
    notes = []
    if any(p.qualifier != "exact" for p in points):
        notes.append("some values are approximate or minimums")
    if any(p.status == "claim" for p in points):
        notes.append("some are one side's claim")
    return f" Paler bars: {' and '.join(notes)}." if notes else ""


def can_compare(first: Point, then: Point) -> bool:
    """Two reported values of consecutive periods, both exact or both approximate."""
    return (first.status == then.status == "reported" and comparable(first.qualifier, then.qualifier)
            and first.period is not None and then.period is not None and consecutive(first.period, then.period))


def said(p: Point) -> tuple[str, str, float]:
    """A point as the sentence builder takes it."""
    return p.shown, p.category, p.value


def describe_series(name: str, pts: list[Point]) -> str:
    """One series: its only value; or its range of periods, and the latest change where one can be stated."""
    first, last = pts[0], pts[-1]
    if len(pts) == 1:
        return f"{name}: {first.shown} {when(first.category)}."
    if len(pts) == 2 and can_compare(first, last):
        return change_sentence(name, said(first), said(last), first.unit, first.qualifier)
    text = f"{name}, {len(pts)} periods: {first.shown} {when(first.category)} to {last.shown} {when(last.category)}."
    if can_compare(pts[-2], last):
        text += " Latest: " + change_sentence("it", said(pts[-2]), said(last), last.unit, last.qualifier)
    return text


def describe_time(chart: Chart) -> str:
    """Per series: its values over time, and a change only where one can be stated."""
    ordered = chart.ordered()
    sentences = [describe_series(series or chart.title, [p for p in ordered if p.series == series])
                 for series in sorted({p.series for p in chart.points})]
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
