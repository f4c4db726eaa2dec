"""Comparisons across councils: rank, per head, England, region, same-type and neighbour medians, and their words."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, fields
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar

from sitegen.data import fmt
from sitegen.data.model import Council, Figure, Measure, Predecessor
from sitegen.data.population import PerHead, basis, no_per_head, rate
from sitegen.text import slugify

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
    """Every council's figure for one measure and period, and what can be said about them, on one basis."""

    measure: Measure
    label: str
    figures: tuple[Figure, ...]  # one per council, highest value first
    gaps: tuple[Council, ...]  # councils with no figure for this period
    absent: tuple[Council, ...] = ()  # councils that did not exist yet (or any more) in this period

    @property
    def comparable(self) -> bool:
        """Enough councils for a ranking and medians to mean something."""
        return len(self.figures) >= MIN_COUNCILS

    @cached_property
    def rates(self) -> dict[str, PerHead]:
        """Each council's figure on its unit's basis (per head, per 100,000 residents), where it has one."""
        return {f.id: r for f in self.figures if (r := rate(f)) is not None}

    @cached_property
    def basis(self) -> str:
        """What the period is ranked on: `per head`, `per 100,000 residents`, or "" (the values as they are)."""
        return basis(self.measure.unit) if len(self.rates) >= MIN_COUNCILS else ""

    @property
    def per_head(self) -> bool:
        """Whether the period is compared on a basis (money per head, counts per 100,000), not as it is."""
        return bool(self.basis)

    def key(self, f: Figure) -> float | None:
        """A figure's value on the period's basis (None: it has no population, so no place in the ranking)."""
        if not self.basis:
            return f.value
        found = self.rates.get(f.id)
        return None if found is None else found.value

    @cached_property
    def values(self) -> list[float]:
        """Every ranked council's value on the basis, lowest first."""
        return sorted(v for f in self.figures if (v := self.key(f)) is not None)

    @cached_property
    def per_head_years(self) -> str:
        """Which population the period's rates use, as most of them say it (`mid-2016 population`)."""
        texts = [r.year_text for r in self.rates.values()]
        return max(sorted(set(texts)), key=texts.count) if texts else ""

    @cached_property
    def by_area(self) -> dict[str, float]:
        """Each ranked council's value on the basis, by code."""
        return {f.area.code: v for f in self.figures if (v := self.key(f)) is not None}

    @cached_property  # read for every council's row on every page that ranks it: worked out once
    def spread(self) -> Spread | None:
        """England median and quartiles on the basis, when comparable."""
        return spread(self.values) if self.comparable else None

    @cached_property  # each group's median once a period, not once for each of its councils
    def group_spreads(self) -> dict[tuple[str, str], Spread | None]:
        """The spread of each region's and each type's values (None: fewer than MIN_GROUP councils)."""
        return {group: spread(values) if len(values) >= MIN_GROUP else None for group, values in self.groups.items()}

    @cached_property  # one pass over the period, not one per council ranked in it
    def groups(self) -> dict[tuple[str, str], list[float]]:
        """The values on the basis of each region's and each type's councils: ("region", name) and ("type", name)."""
        found: dict[tuple[str, str], list[float]] = {}
        for f in self.figures:
            if isinstance(f.area, Council) and (v := self.key(f)) is not None:
                found.setdefault(("region", f.area.region), []).append(v)
                found.setdefault(("type", f.area.type), []).append(v)
        return found

    @cached_property
    def content(self) -> tuple[Any, ...]:
        """What every derived value (DERIVED) is worked out from, as plain values: a period of the next model with
        the same content takes them over (take_over)."""
        return content_of(self, {})

    @property
    def slug(self) -> str:
        """The period's folder under its measure: `2016-17`, `april-2011`."""
        return slugify(self.label)

    def canonical_parts(self) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """What the page record knows a period by (sitegen.build.reuse.canon): its measure, figures and councils, which
        it names (a page's templates read their values, traced), and what a page shows of the period's derived values
        (its basis, population years, England median and quartiles, how many are ranked), which are worked out from
        the figures' values and the councils' populations: a council's page is made again when its period's median
        changes, not when any figure of the period does. A council's own rate, rank and group medians are its
        position's (Position.canonical_parts)."""
        middle = self.spread
        return (self.measure, self.figures, self.gaps, self.absent), (
            self.label, self.basis, self.per_head_years, middle and SPREAD_FIELDS(middle), len(self.values))

    def median_text(self, s: Spread | None) -> str:
        """A median as a cell says it, on the period's basis: `£30.00 per head`, `at least half reported none`."""
        return fmt.median_text(s.median, self.measure.unit, self.basis) if s else ""


@dataclass(eq=False)  # not frozen: 48,000 a build on the real site, and a frozen dataclass's setting of each field
# cost a sixth of making them (none is changed once made)
class Position:
    """One council's figure among the others of its period, on the period's basis."""

    figure: Figure
    period: Period
    rank: int | None  # 1 = highest on the basis; None: no population in a period compared per head
    lower: int | None  # councils with a strictly lower value on the basis
    of: int  # councils ranked (with a figure, and a population where the period has a basis)
    per_head: PerHead | None  # the figure on its unit's basis (per head, per 100,000 residents)
    region: Spread | None
    same_type: Spread | None
    neighbours: Spread | None = None  # median of its statistical neighbours with a figure (from MIN_GROUP of them)
    neighbours_with_figure: int = 0  # how many of its neighbours have a figure for the period

    @cached_property  # said on every render of its council's page: a template edit renders them all again
    def words(self) -> str:
        """What a page says of it: `£5.2m, or £41.20 per head (mid-2016 population): higher than 120 of the 150
        councils …; the England …`"""
        figure, period = self.figure, self.period
        when, middle, basis_label = figure.period_label, period.spread, period.basis
        median = f"; {median_words(middle, period)}" if middle else ""
        if figure.value == 0 and self.rank is not None:  # nothing reported: said so, never "£0.00 per head"
            nil = sum(v == 0 for v in period.values)
            return (f"{figure.value_text}: one of the {nil} of the {self.of} councils with a figure for {when} that "
                    f"reported none{median}.")
        if basis_label and self.per_head is None:
            return (f"{figure.value_text}: not ranked, as it has {no_per_head(figure)}; the {self.of} councils with "
                    f"a figure for {when} are compared {basis_label}{median}.")
        if basis_label and self.per_head is not None:
            return (f"{figure.value_text}, or {fmt.rate_words(self.per_head)}: higher than {self.lower} of the "
                    f"{self.of} councils with a figure for {when}, compared {basis_label}{median}.")
        return (f"{figure.value_text}, higher than {self.lower} of the {self.of} councils with a figure for "
                f"{when}{median}.")

    canonical_inline: ClassVar[bool] = True  # 48,000 of them, each in a list: hashed with it, not one by one

    def canonical_parts(self) -> tuple[tuple[Figure, Period], tuple[Any, ...]]:
        """What the page record knows a position by (sitegen.build.reuse.canon): its figure and period, which it
        names and walks, and every other field as plain values; a third of the cost of walking its fields, for the
        48,000 positions of the real site's measure pages."""
        head, region, same, near = self.per_head, self.region, self.same_type, self.neighbours
        return (self.figure, self.period), (self.rank, self.lower, self.of, self.neighbours_with_figure,
                                            head and PER_HEAD_FIELDS(head), region and SPREAD_FIELDS(region),
                                            same and SPREAD_FIELDS(same), near and SPREAD_FIELDS(near))


SPREAD_FIELDS = attrgetter(*(f.name for f in fields(Spread)))
PER_HEAD_FIELDS = attrgetter(*(f.name for f in fields(PerHead)))


def spread(values: Iterable[float]) -> Spread | None:
    """Median and quartiles; None for fewer than two values."""
    ordered = sorted(values)
    n = len(ordered)
    if n < 2:
        return None
    # statistics.quantiles(n=4, method="inclusive") and statistics.median, as Python 3.11 works them out, without
    # their sorting and checks again: 50,000 spreads on the real site
    lower, upper = (quartile(ordered, i) for i in (1, 3))
    middle = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    return Spread(n, middle, lower, upper)


def quartile(ordered: list[float], i: int) -> float:
    """The i-th of the inclusive quartiles of a sorted list of two values or more."""
    j, delta = divmod(i * (len(ordered) - 1), 4)
    return (ordered[j] * (4 - delta) + ordered[j + 1] * delta) / 4


PeriodKey = tuple["date", "date", str]  # a period's end, start and label


def periods(measure: Measure, councils: list[Council], only: set[PeriodKey] | None = None) -> list[Period]:
    """Each period with council figures for the measure, oldest first (England's own totals left out); with only,
    those periods alone."""
    codes = {c.code for c in councils}
    # only reported values are ranked: a claim or a plan is one side's number, a suspect value may be a slip
    # by period (its dates and label: dates sort as their ISO text does), each in the measure's order (stable sort)
    groups: dict[PeriodKey, list[Figure]] = {}
    for f in measure.figures:
        if f.area.code in codes and f.status == "reported" and f.flag != "suspect":
            key = (f.period_end, f.period_start, f.period_label)
            if only is None or key in only:
                groups.setdefault(key, []).append(f)
    # a council with no predecessor existed in every period: only the others are told by date (383 periods of
    # 170 councils on the real site)
    dated = {c.code for c in councils if isinstance(c, Predecessor) or c.predecessors}
    out = []
    for key in sorted(groups):
        figures = tuple(sorted(groups[key], key=lambda f: (-f.value, f.area.short_name)))
        having, start = {f.area.code for f in figures}, figures[0].period_start
        gaps: list[Council] = []
        absent: list[Council] = []
        for c in councils:
            if c.code not in having:
                (gaps if c.code not in dated or existed(c, start) else absent).append(c)
        out.append(Period(measure, figures[0].period_label, figures, tuple(gaps), tuple(absent)))
    return out


def existed(council: Council, start: date) -> bool:
    """Whether a council existed when a period began: an abolished one until its end, a successor after it."""
    if isinstance(council, Predecessor):
        return council.end_date is None or council.end_date >= start
    return all(p.end_date is not None and p.end_date < start for p in council.predecessors)


def position(figure: Figure, period: Period) -> Position | None:
    """Where a council's figure stands in its period; None when the period is not comparable."""
    if not period.comparable:
        return None
    values, mine = period.values, period.key(figure)
    council = figure.area
    assert isinstance(council, Council), "periods hold council figures only"
    # rank 1 + how many are higher; lower: how many are strictly lower (ties share a rank)
    rank = None if mine is None else 1 + len(values) - bisect_right(values, mine)
    near = neighbour_values(period, council)
    groups = period.group_spreads  # each region's and type's median, looked up here: 48,000 positions a build
    return Position(
        figure, period, rank, None if mine is None else bisect_left(values, mine), len(values),
        period.rates.get(figure.id), groups.get(("region", council.region)), groups.get(("type", council.type)),
        neighbour_spread(near), len(near))


def neighbour_values(period: Period, council: Council) -> list[float]:
    """The values of a council's statistical neighbours that have a figure for the period."""
    by_area = period.by_area
    return [by_area[n.code] for n, _ in council.neighbours if n.code in by_area]


def neighbour_spread(values: list[float]) -> Spread | None:
    """Median of a council's statistical neighbours' values, when at least MIN_GROUP of them have a figure."""
    return spread(values) if len(values) >= MIN_GROUP else None


def positions(council: Council, measures: list[Measure], councils: list[Council]) -> dict[str, Position]:
    """Figure id -> position, for every figure of the council in a comparable period."""
    found = all_positions(all_periods(measures, councils))
    return {f.id: found[f.id] for f in council.figures if f.id in found}


def median_words(s: Spread, period: Period, whose: str = "England") -> str:
    """`the England median is £30.00 per head`; a nil median in words: `at least half the councils reported none`."""
    if s.median == 0:
        return f"at least half the councils{'' if whose == 'England' else ' of ' + whose} reported none"
    unit = period.measure.unit
    shown = fmt.rate_text(s.median, unit, period.basis) if period.basis else fmt.derived(s.median, unit)
    return f"the {whose} median is {shown}"


def position_words(p: Position) -> str:
    """What a page says of a position (Position.words): a function, for templates."""
    return p.words


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
    show = (lambda v: fmt.rate_text(v, unit, period.basis)) if period.basis else (lambda v: fmt.derived(v, unit))  # noqa: E731
    how = (f" Compared {period.basis} ({period.per_head_years}), {len(period.values)} of them ranked."
           if period.basis else "")
    said = median_words(middle, period)
    if middle.median == 0:  # a nil median: what the top quarter reported says more than a quartile of nil
        rest = f"; about a quarter have more than {show(middle.upper_quartile)}" if middle.upper_quartile else ""
    else:
        rest = f"; half the councils are between {show(middle.lower_quartile)} and {show(middle.upper_quartile)}"
    return f"{n} of {total} councils have a figure for {period.label}.{how} {said[:1].upper()}{said[1:]}{rest}."


def basis_unit(period: Period) -> str:
    """The unit of a period's compared values: `GBP per head`, `count per 100,000 residents`, or the measure's."""
    if not period.basis:
        return period.measure.unit
    return fmt.PER_HEAD if period.measure.unit == "GBP" else fmt.PER_100K


def all_periods(measures: list[Measure], councils: list[Council],
                only: dict[str, set[PeriodKey]] | None = None) -> dict[str, list[Period]]:
    """Measure id -> its periods with council figures, worked out once for the whole site; for a measure in only,
    the periods named there alone."""
    return {m.id: periods(m, councils, None if only is None else only.get(m.id)) for m in measures}


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


def positions_of(by_measure: dict[str, list[Period]], figures: Iterable[Figure]) -> dict[str, Position]:
    """Figure id -> its position, for the figures given alone (all_positions's, for one council's page)."""
    period_of = {f.id: period for periods in by_measure.values() for period in periods if period.comparable
                 for f in period.figures}
    return {f.id: found for f in figures if (period := period_of.get(f.id)) and (found := position(f, period))}


DERIVED = ("rates", "basis", "values", "per_head_years", "by_area", "spread", "groups", "group_spreads")
Derived = dict[str, dict[tuple[Any, ...], dict[str, Any]]]  # measure id -> each period's DERIVED by its content


def content_of(period: Period, areas: dict[int, str]) -> tuple[Any, ...]:
    """A period's content (Period.content); areas: each area's part by id, worked out once for many periods."""
    parts = []
    for f in period.figures:
        area = f.area
        found = areas.get(id(area))
        if found is None:  # as text, whose hash Python keeps: a period's content is hashed and compared whole, and
            # a tuple of the populations of every year, in every one of its figures, was walked each time
            found = areas[id(area)] = repr((area.code, getattr(area, "region", None), getattr(area, "type", None),
                                            type(area).__name__, area.populations and area.populations.content))
        parts.append((f.id, f.value, f.unit, f.period_end, found))
    return period.measure.unit, tuple(parts)


def take_over(by_measure: dict[str, list[Period]], before: Derived) -> int:
    """Give each period the derived values (DERIVED) of the last model's period of the same content; how many took
    them. `sitegen serve`'s next model, after an edit of one measure's figures, need not work out the others'
    again (about 0.1 s of a preview's planning of one council's page, on the real site)."""
    taken, areas = 0, dict[int, str]()
    for measure_id, periods in by_measure.items():
        kept = before.get(measure_id, {})
        for period in periods:
            content = period.__dict__["content"] = content_of(period, areas)  # a cached property, worked out here
            found = kept.get(content)
            if found is not None:
                period.__dict__.update(found)  # cached properties: a frozen dataclass's own dict
                period.__dict__["taken"] = True
                taken += 1
    return taken


def remember(by_measure: dict[str, list[Period]], before: Derived, some: Iterable[str] = ()) -> None:
    """Keep each measure's periods' derived values for the next model, replacing those kept of the same measure
    (unless every period took them over: they are those kept); for a measure of which only some periods were worked
    out (some), added to those kept, which the next plan of every period replaces."""
    partial = set(some)
    for measure_id, periods in by_measure.items():
        if measure_id in partial:
            before.setdefault(measure_id, {}).update(
                (period.content, {name: getattr(period, name) for name in DERIVED}) for period in periods
                if "taken" not in period.__dict__)
            continue
        if measure_id in before and len(before[measure_id]) == len(periods) and all(
                "taken" in period.__dict__ for period in periods):
            continue
        before[measure_id] = {period.content: {name: getattr(period, name) for name in DERIVED} for period in periods}
