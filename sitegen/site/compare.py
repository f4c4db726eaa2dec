"""Comparisons across councils: rank, per head, England, region, same-type and neighbour medians, and their words."""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from typing import TYPE_CHECKING

from sitegen.data import fmt
from sitegen.data.fmt import per_head_text
from sitegen.data.model import Council, Figure, Measure, Predecessor
from sitegen.data.population import PerHead, per_head

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

MIN_COUNCILS = 10  # fewer councils with a figure for a period: no ranking, no medians, said in words
MIN_GROUP = 3  # a region, type or neighbours' median needs at least this many councils with a figure
NEIGHBOURS_LABEL = "statistical neighbours (Department for Education, 2025 model, built for children's services)"


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of a set of values (quartiles by the inclusive method)."""

    count: int
    median: float
    lower_quartile: float
    upper_quartile: float


@dataclass(frozen=True)
class Period:
    """Every council's figure for one measure and period, and what can be said about them."""

    measure: Measure
    label: str
    figures: tuple[Figure, ...]  # one per council, highest value first
    gaps: tuple[Council, ...]  # councils with no figure for this period
    absent: tuple[Council, ...] = ()  # councils that did not exist yet (or any more) in this period

    @property
    def comparable(self) -> bool:
        """Enough councils for a ranking and medians to mean something."""
        return len(self.figures) >= MIN_COUNCILS

    @property
    def per_head(self) -> bool:
        """Money is compared per head too; percentages and counts are not."""
        return self.measure.unit == "GBP"

    @cached_property
    def values(self) -> list[float]:
        """Every council's value, lowest first."""
        return sorted(f.value for f in self.figures)

    @cached_property
    def heads(self) -> list[float]:
        """Every council's value per head, lowest first (councils of unknown population left out)."""
        return sorted(v.value for v in (per_head(f) for f in self.figures) if v is not None)

    @cached_property
    def per_head_years(self) -> str:
        """Which population the period's per-head values use, as most of them say it (`mid-2016 population`)."""
        texts = [h.year_text for h in (per_head(f) for f in self.figures) if h is not None]
        return max(sorted(set(texts)), key=texts.count) if texts else ""

    @cached_property
    def by_area(self) -> dict[str, float]:
        """Each council's value, by code."""
        return {f.area.code: f.value for f in self.figures}

    @cached_property  # read for every council's row on every page that ranks it: worked out once
    def spread(self) -> Spread | None:
        """England median and quartiles of the values, when comparable."""
        return spread([f.value for f in self.figures]) if self.comparable else None

    @cached_property  # one pass over the period, not one per council ranked in it
    def groups(self) -> dict[tuple[str, str], list[float]]:
        """The values of each region's and each type's councils: ("region", name) and ("type", name)."""
        found: dict[tuple[str, str], list[float]] = {}
        for f in self.figures:
            if isinstance(f.area, Council):
                found.setdefault(("region", f.area.region), []).append(f.value)
                found.setdefault(("type", f.area.type), []).append(f.value)
        return found

    @cached_property
    def spread_per_head(self) -> Spread | None:
        """England median and quartiles per head, when comparable and money."""
        values = self.heads
        return spread(values) if self.comparable and self.per_head and len(values) >= MIN_COUNCILS else None


@dataclass(frozen=True)
class Position:
    """One council's figure among the others of its period."""

    figure: Figure
    period: Period
    rank: int  # 1 = highest value
    lower: int  # councils with a strictly lower value
    of: int  # councils with a figure
    per_head: PerHead | None
    lower_per_head: int | None
    of_per_head: int
    region: Spread | None
    same_type: Spread | None
    neighbours: Spread | None = None  # median of its statistical neighbours with a figure (from MIN_GROUP of them)
    neighbours_with_figure: int = 0  # how many of its neighbours have a figure for the period




def spread(values: Iterable[float]) -> Spread | None:
    """Median and quartiles; None for fewer than two values."""
    ordered = sorted(values)
    if len(ordered) < 2:
        return None
    lower, _, upper = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(len(ordered), statistics.median(ordered), lower, upper)


def periods(measure: Measure, councils: list[Council]) -> list[Period]:
    """Each period with council figures for the measure, oldest first (England's own totals left out)."""
    codes = {c.code for c in councils}
    # only reported values are ranked: a claim or a plan is one side's number, a suspect value may be a slip
    local = sorted((f for f in measure.figures if f.area.code in codes and f.status == "reported"
                    and f.flag != "suspect"), key=period_key)
    out = []
    for _, group in groupby(local, key=period_key):
        figures = tuple(sorted(group, key=lambda f: (-f.value, f.area.short_name)))
        having, start = {f.area.code for f in figures}, figures[0].period_start
        out.append(Period(measure, figures[0].period_label, figures,
                          tuple(c for c in councils if c.code not in having and existed(c, start)),
                          tuple(c for c in councils if c.code not in having and not existed(c, start))))
    return out


def existed(council: Council, start: date) -> bool:
    """Whether a council existed when a period began: an abolished one until its end, a successor after it."""
    if isinstance(council, Predecessor):
        return council.end_date is None or council.end_date >= start
    return all(p.end_date is not None and p.end_date < start for p in council.predecessors)


def period_key(f: Figure) -> tuple[str, str, str]:
    """A period is its dates and label."""
    return (f.period_end.isoformat(), f.period_start.isoformat(), f.period_label)


def position(figure: Figure, period: Period) -> Position | None:
    """Where a council's figure stands in its period; None when the period is not comparable."""
    if not period.comparable:
        return None
    values, heads, mine = period.values, period.heads, per_head(figure)
    council = figure.area
    assert isinstance(council, Council), "periods hold council figures only"
    return Position(  # rank 1 + how many are higher; lower: how many are strictly lower (ties share a rank)
        figure, period, rank=1 + len(values) - bisect_right(values, figure.value),
        lower=bisect_left(values, figure.value), of=len(values), per_head=mine,
        lower_per_head=None if mine is None else bisect_left(heads, mine.value), of_per_head=len(heads),
        region=group_spread(period, ("region", council.region)), same_type=group_spread(period, ("type", council.type)),
        neighbours=neighbour_spread(period, council), neighbours_with_figure=len(neighbour_values(period, council)))


def neighbour_values(period: Period, council: Council) -> list[float]:
    """The values of a council's statistical neighbours that have a figure for the period."""
    return [period.by_area[n.code] for n, _ in council.neighbours if n.code in period.by_area]


def neighbour_spread(period: Period, council: Council) -> Spread | None:
    """Median of a council's statistical neighbours, when at least MIN_GROUP of them have a figure."""
    values = neighbour_values(period, council)
    return spread(values) if len(values) >= MIN_GROUP else None


def group_spread(period: Period, group: tuple[str, str]) -> Spread | None:
    """Median of the councils in a group (a region, a type), when at least MIN_GROUP have a figure."""
    values = period.groups.get(group, [])
    return spread(values) if len(values) >= MIN_GROUP else None


def positions(council: Council, measures: list[Measure], councils: list[Council]) -> dict[str, Position]:
    """Figure id -> position, for every figure of the council in a comparable period."""
    found = all_positions(all_periods(measures, councils))
    return {f.id: found[f.id] for f in council.figures if f.id in found}




def position_words(p: Position) -> str:
    """`£41.20 per head (mid-2016 population), higher than 120 of the 150 councils with a figure for 2016-17; …`"""
    period = p.figure.period_label
    if p.per_head is not None and p.lower_per_head is not None and (heads := p.period.spread_per_head):
        return (f"{fmt.per_head_words(p.per_head)}, higher than {p.lower_per_head} of the {p.of_per_head} councils "
                f"with a figure for {period}; the England median is {per_head_text(heads.median)}.")
    middle = p.period.spread
    median = f"; the England median is {fmt.derived(middle.median, p.figure.unit)}" if middle else ""
    return (f"{p.figure.value_text}, higher than {p.lower} of the {p.of} councils with a figure for "
            f"{period}{median}.")


def period_words(period: Period) -> str:
    """What a measure page can say about a period: a ranking, or why there is none."""
    n, total = len(period.figures), len(period.figures) + len(period.gaps)
    if not period.comparable:
        verb = "has" if n == 1 else "have"
        return (f"Only {n} of {total} councils {verb} a figure for {period.label}: too few to rank them or to give "
                f"a median (this site ranks a period from {MIN_COUNCILS} councils).")
    middle = period.spread
    assert middle is not None
    unit = period.measure.unit
    return (f"{n} of {total} councils have a figure for {period.label}. The England median is "
            f"{fmt.derived(middle.median, unit)}; half the councils are between "
            f"{fmt.derived(middle.lower_quartile, unit)} and {fmt.derived(middle.upper_quartile, unit)}.")


def all_periods(measures: list[Measure], councils: list[Council]) -> dict[str, list[Period]]:
    """Measure id -> its periods with council figures, worked out once for the whole site."""
    return {m.id: periods(m, councils) for m in measures}


def all_positions(by_measure: dict[str, list[Period]]) -> dict[str, Position]:
    """Figure id -> its position, for every council figure in a comparable period."""
    out = {}
    for measure_periods in by_measure.values():
        for period in measure_periods:
            for f in period.figures if period.comparable else ():
                found = position(f, period)
                if found:
                    out[f.id] = found
    return out
