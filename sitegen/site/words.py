"""Every generated sentence: how values changed, what a council's figures show, what each chart shows."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

from sitegen.data import fmt
from sitegen.data.periods import consecutive, months_spanned
from sitegen.data.yearly import SUM_NOTE, is_monthly, year_totals

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sitegen.data.model import Area, Figure
    from sitegen.site.charts.model import Chart, Point

Said = tuple[str, str, float, float | None]  # (value as shown, period label, value, how finely it is shown)


def when(category: str) -> str:
    """`at 31 March 2024` for a day, `in 2023-24` for a span."""
    day = category[:1].isdigit() and " " in category and " to " not in category
    return f"at {category}" if day else f"in {category}"


# A change is stated only between two values that say the same kind of thing: two exact ones, or two
# approximate ones (the change is then approximate too). A lower bound gives no change at all.
COMPARABLE = {"exact": "", "approximate": "about "}


def comparable(first_qualifier: str, then_qualifier: str) -> bool:
    """Whether a change between values so qualified can be stated."""
    return first_qualifier == then_qualifier and first_qualifier in COMPARABLE


def change_sentence(name: str, first: Said, last: Said, unit: str, qualifier: str = "exact") -> str:
    """`X rose from A in P to B in Q, an increase of …`, or `X was A both in P and in Q`."""
    (first_text, first_period, old, old_step), (last_text, last_period, new, new_step) = first, last
    change = fmt.change(old, new, unit, (old_step, new_step))
    if change == "no change":  # the same value as shown (a difference below both precisions is none)
        return f"{name} was {last_text} both {when(first_period)} and {when(last_period)}."
    verb = "rose" if new > old else "fell"
    change = change.replace(" of ", f" of {COMPARABLE.get(qualifier, '')}", 1)
    if tenfold(old, new):  # as the validator warns: more likely a slip or a change of definition than a trend
        change += ": a change of more than ten times, as published; worth checking against the source"
    return f"{name} {verb} from {first_text} {when(first_period)} to {last_text} {when(last_period)}, {change}."


def tenfold(old: float, new: float) -> bool:
    """A change to or from zero, or by ten times or more either way."""
    small, large = sorted((abs(old), abs(new)))
    return small == 0 or large >= 10 * small


def sentence(f: Figure) -> str:
    """One figure in words; a claim says whose it is, a plan whose plan, a statement who made it."""
    text = f"{f.measure.label}: {f.value_text} {when(f.period_label)}"
    if f.status == "claim":
        return f"{text}, according to {f.claimant} (a claim, not an agreed figure)."
    if f.status == "planned":
        whose = f" ({fmt.in_sentence(f.said_by)})" if f.said_by else ""
        return f"{text}, a plan or target{whose}, not an outcome."
    if f.flag == "suspect":
        text += ", as published, though it looks like a slip (see the note in the table)"
    return f"{text}, as said by {fmt.in_sentence(f.said_by)}." if f.said_by else text + "."


def pair_sentence(first: Figure, then: Figure, name: str = "") -> str:
    """The change between two figures of consecutive periods, qualifiers kept; named by their measure's label, or
    name."""
    old, new = ((f.value_text, f.period_label, f.value, f.shown_precision) for f in (first, then))
    return change_sentence(name or first.measure.label, old, new, first.unit, first.qualifier)


def figures_compare(first: Figure, then: Figure) -> bool:
    """Two reported figures of consecutive periods, both exact or both approximate."""
    return (comparable(first.qualifier, then.qualifier)
            and consecutive((first.period_start, first.period_end), (then.period_start, then.period_end)))


def period_kind(f: Figure) -> int:
    """How long a period is, in months: only periods of one kind make a series."""
    return months_spanned(f.period_start, f.period_end)


LISTED = 3  # a longer series is summed up in one sentence: its chart and table give every figure


def series_sentences(series: list[Figure]) -> list[tuple[Figure, str]]:
    """The latest change that can be stated, and every other figure on its own (dated by its period); a series of
    more than LISTED figures in one sentence (long_series_sentence)."""
    if len(series) > LISTED:
        return [(series[-1], long_series_sentence(series))]
    pairs = [i for i in range(len(series) - 1) if figures_compare(series[i], series[i + 1])]
    if not pairs:
        return [(f, sentence(f)) for f in series]
    i = pairs[-1]
    alone = series[:i] + series[i + 2:]
    return [(f, sentence(f)) for f in alone] + [(series[i + 1], pair_sentence(series[i], series[i + 1]))]


def long_series_sentence(series: list[Figure]) -> str:
    """A long series as its charts describe one: how many periods, its first and latest figures, and the latest
    change where the last two periods' figures can be compared."""
    first, last = series[0], series[-1]
    text = (f"{first.measure.label}, {len(series)} periods: {first.value_text} {when(first.period_label)} to "
            f"{last.value_text} {when(last.period_label)}.")
    if figures_compare(series[-2], last):
        text += " Latest: " + pair_sentence(series[-2], last, "it")
    return text


def measure_sentences(figures: list[Figure]) -> list[str]:
    """Sentences for one measure's figures, in period order."""
    # a series is of figures reported as fact by the source itself; any other figure is stated on its own
    alone = [f for f in figures if f.status != "reported" or f.said_by or f.flag]
    reported = sorted((f for f in figures if f not in alone), key=lambda f: (period_kind(f), f.period_end))
    out = [(f, sentence(f)) for f in alone]
    for _, group in groupby(reported, key=period_kind):
        series = list(group)
        labels = [f.period_label for f in series]
        out += series_sentences(series) if len(set(labels)) == len(labels) else [(f, sentence(f)) for f in series]
    return [text for _, text in sorted(out, key=lambda pair: (pair[0].period_end, pair[0].id))]


def council_narrative(area: Area) -> list[str]:
    """Sentences, measure by measure, in topic order (NHS debt first in the real data: the page's main story)."""
    ordered = sorted(area.figures, key=lambda f: (f.measure.topic.order, f.measure.label, f.period_end, f.id))
    out = []
    for _, group in groupby(ordered, key=lambda f: f.measure.id):
        figures = list(group)
        months = [f for f in figures if is_monthly(f)]
        out += measure_sentences([f for f in figures if not is_monthly(f)])
        out += [monthly_sentence(months)] if months else []
    return out


def monthly_sentence(months: list[Figure]) -> str:
    """A monthly series in one sentence: its latest month, and its latest and earliest whole financial years."""
    latest = max(months, key=lambda f: f.period_end)
    text = f"{latest.measure.label}: {latest.value_text} in {latest.period_label}, the latest month"
    if totals := year_totals(months):
        text += f"; {fmt.value(totals[-1].value, latest.unit)} in {totals[-1].label} ({SUM_NOTE})"
        if len(totals) > 1:
            text += f", against {fmt.value(totals[0].value, latest.unit)} in {totals[0].label}"
    return text + "."


def caveat(points: Sequence[Point]) -> str:
    """A closing sentence when some values are approximate or claims."""
    notes = []
    if any(p.qualifier != "exact" for p in points):
        notes.append("some values are approximate or minimums")
    if any(p.status == "claim" for p in points):
        notes.append("some are one side's claim")
    return f" Paler bars: {' and '.join(notes)}." if notes else ""


def points_compare(first: Point, then: Point) -> bool:
    """Two reported values of consecutive periods, both exact or both approximate, neither a likely slip."""
    return (first.status == then.status == "reported" and comparable(first.qualifier, then.qualifier)
            and not first.flag and not then.flag
            and first.period is not None and then.period is not None and consecutive(first.period, then.period))


def said(p: Point) -> Said:
    """A point as the sentence builder takes it."""
    return p.shown, p.category, p.value, p.precision


def describe_series(name: str, pts: list[Point]) -> str:
    """One series: its only value; or its range of periods, and the latest change where one can be stated."""
    first, last = pts[0], pts[-1]
    if len(pts) == 1:
        return f"{name}: {first.shown} {when(first.category)}."
    if len(pts) == 2 and points_compare(first, last):
        return change_sentence(name, said(first), said(last), first.unit, first.qualifier)
    text = f"{name}, {len(pts)} periods: {first.shown} {when(first.category)} to {last.shown} {when(last.category)}."
    if points_compare(pts[-2], last):
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


def describe_monthly(chart: Chart) -> str:
    """Per series: its months, gaps, highest month and latest month; no month-on-month change (counts swing)."""
    months = chart.months()
    gaps = chart.gaps()
    text = [f"{len(months)} months, {months[0][0]} to {months[-1][0]}." if months else ""]
    for series in chart.series_names():
        pts = sorted((p for p in chart.points if (p.series or chart.title) == series), key=lambda p: p.order)
        top = max(pts, key=lambda p: (p.value, p.order))
        missing = sum(1 for name, _, _ in gaps if name == series)
        text.append(f"{series}: {pts[-1].shown} in {pts[-1].category}, its latest month; highest {top.shown} in "
                    f"{top.category}" + (f"; {missing} month{'s' if missing != 1 else ''} with no figure (a gap, "
                                         "not a zero)." if missing else "."))
    return " ".join(t for t in text if t) + caveat(chart.points)


def describe(chart: Chart) -> str:
    """The description for any kind of chart."""
    if chart.kind == "monthly":
        return describe_monthly(chart)
    return describe_compare(chart) if chart.kind == "compare" else describe_time(chart)
