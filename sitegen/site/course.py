"""A council's course over time: each measure on its basis against England's and its neighbours' medians."""

from __future__ import annotations

from itertools import groupby

from sitegen.data.yearly import is_monthly
from sitegen.site.charts.model import Chart, Point
from sitegen.site.compare import Position, basis_unit, position_words

ENGLAND, NEIGHBOURS = "England median", "Median of its statistical neighbours"


def course_charts(name: str, slug: str, ranked: list[Position]) -> list[tuple[Chart, str]]:
    """(chart, its latest value and rank in words) per measure compared in two periods or more, on one basis.

    Monthly measures are left out: their months are charted by responsible organisation, and a month's rank
    against the others swings with the month.
    """
    out = []
    by_measure = sorted((p for p in ranked if not is_monthly(p.figure)), key=lambda p: (p.figure.measure.label,
                                                                                       p.figure.period_end))
    for _, group in groupby(by_measure, key=lambda p: p.figure.measure.id):
        found = list(group)
        latest = found[-1]
        same = [p for p in found if p.period.basis == latest.period.basis and p.period.spread is not None
                and (p.per_head is not None or not latest.period.basis)]
        if len(same) < 2:
            continue
        measure, basis, unit = latest.figure.measure, latest.period.basis, basis_unit(latest.period)
        points = []
        for p in same:
            f, middle = p.figure, p.period.spread
            assert middle is not None
            mine = p.per_head.value if basis and p.per_head is not None else f.value
            where = (f.period_label, f"{f.period_end}|{f.period_start}")
            points.append(Point(*where, name, mine, unit, f.qualifier, period=(f.period_start, f.period_end),
                                derived=bool(basis), figure_id=f.id, precision=None if basis else f.shown_precision,
                                source=(f.source.publisher, f.source.id)))
            points.append(Point(*where, ENGLAND, middle.median, unit, period=(f.period_start, f.period_end),
                                derived=True))
            if p.neighbours is not None:  # too few neighbours with a figure: no bar, never a zero
                points.append(Point(*where, NEIGHBOURS, p.neighbours.median, unit,
                                    period=(f.period_start, f.period_end), derived=True))
        title = f"{measure.label}{', ' + basis if basis else ''}: {name} against England and its neighbours"
        note = ("Medians worked out by this site from every council with a figure for the period"
                + (f", {basis} of the figure's own year" if basis else "") + "; the neighbours' median from 3 of "
                "them with a figure (no bar where fewer have one).")
        out.append((Chart(f"council-{slug}-{measure.id}-compared", title, "time", tuple(points), note=note,
                          series_title="Council or median"),
                    f"Latest, {latest.figure.period_label}: {position_words(latest)}"))
    return out
