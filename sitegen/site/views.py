"""View models: what each kind of page shows, worked out from the site model."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import groupby

from markupsafe import Markup

from sitegen.data import fmt
from sitegen.data.model import Area, Council, Figure, Measure, Site, figure_packages
from sitegen.data.periods import years_spanned
from sitegen.data.yearly import is_monthly, year_totals
from sitegen.site.charts.model import Chart, Point, point
from sitegen.site.charts.specs import PALETTE
from sitegen.site.compare import Period, Position, basis_unit, period_words
from sitegen.site.maps import HexMap, Points, value_map


def time_points(figures: list[Figure]) -> tuple[Point, ...]:
    """Figures as chart points by period."""
    return tuple(point(f.period_label, f"{f.period_end}|{f.period_start}", series_name(f), f.value, f.unit,
                       f.qualifier, f.status, f.speaker, (f.period_start, f.period_end), f.flag, f.id,
                       f.shown_precision, (f.source.publisher, f.source.id), False, f.note)
                 for f in figures)


def is_total(f: Figure) -> bool:
    """A figure totalled over several years: never drawn beside yearly ones."""
    return years_spanned(f.period_start, f.period_end) > 1


def series_name(f: Figure) -> str:
    """The measure's label, marked when the figure is a total over several years."""
    years = years_spanned(f.period_start, f.period_end)
    return f"{f.measure.label} (total over {years} years)" if years > 1 else f.measure.label


def is_balance(f: Figure) -> bool:
    """A balance at a date (a debt at 31 March), never drawn on one axis with a flow over a period."""
    return f.period_start == f.period_end


def council_charts(area: Area) -> list[tuple[str, Chart | None, Figure | None]]:
    """(topic heading, chart, None) per topic, unit and kind of period; (heading, None, figure) for a lone value.

    Multi-year totals, and balances at a date, each get a chart of their own; a series with one value is shown
    as a number, never as a one-bar chart.
    """
    out: list[tuple[str, Chart | None, Figure | None]] = []
    mine = area.figures
    # each figure's group worked out once, for sorting and grouping alike (a council has 300 figures, at most)
    keys = [(f.measure.topic.order, f.measure.topic.id, f.unit, is_total(f), is_balance(f), is_monthly(f))
            for f in mine]
    groups = [(k, [mine[i] for i in g]) for k, g in groupby(sorted(range(len(mine)), key=keys.__getitem__),
                                                            key=keys.__getitem__)]
    for (_, topic_id, unit, totals, balance, monthly), figures in groups:
        topic = figures[0].measure.topic
        if len(figures) == 1:
            out.append((topic.label, None, figures[0]))
            continue
        mixed = any(k[1] == topic_id and k[2] == unit and k[4] != balance for k, _ in groups)
        qualifiers = ([unit] if unit != "GBP" and not monthly else []) + (
            ["totals over several years"] if totals else []) + (
            ["at a date" if balance else "over a period"] if mixed else []) + (["by month"] if monthly else [])
        title = f"{topic.label}: {area.short_name}" + (f" ({', '.join(qualifiers)})" if qualifiers else "")
        chart_id = (f"council-{area.slug}-{topic.id}-{unit.lower()}" + ("-totals" if totals else "")
                    + ("-at-date" if balance and mixed else "") + ("-by-month" if monthly else ""))
        out.append((topic.label, Chart(chart_id, title, "monthly" if monthly else "time", time_points(figures)), None))
    return out


def key_figures(area: Area) -> list[Figure]:
    """The latest figure of each measure, in topic order: what a reader looks for."""
    latest: dict[str, Figure] = {}
    for f in area.figures:
        if f.measure.id not in latest or f.period_end > latest[f.measure.id].period_end:
            latest[f.measure.id] = f
    return sorted(latest.values(), key=lambda f: (f.measure.topic.order, f.measure.label))[:6]


@dataclass(frozen=True)
class MeasurePeriod:
    """What a measure shows for one period: words always; a ranking and a map from 10 councils."""

    period: Period
    words: str
    ranked: list[Position]
    hexmap: HexMap | None

    @property
    def slug(self) -> str:
        """The period's folder under its measure: `2016-17`, `april-2011`."""
        return self.period.slug

    def ends(self, n: int = 10) -> tuple[list[Position], list[Position]]:
        """The n highest and n lowest on the period's basis (per head, per 100,000, or the values as they are)."""
        ordered = [p for p in self.ranked if p.rank is not None]
        return ordered[:n], ordered[-n:][::-1] if len(ordered) > n else []


def measure_periods(measure: Measure, periods: list[Period], positions: dict[str, Position],
                    cells: dict[str, tuple[int, int]]) -> list[MeasurePeriod]:
    """Each period of a measure, newest first, ranked on its basis; only comparable periods are ranked and mapped."""
    out = []
    points: Points = {}  # the periods' maps share a frame, mostly: each hex's corners are spelt out once
    for period in reversed(periods):
        found = [positions[f.id] for f in period.figures if f.id in positions]
        # the ranked first, by rank; those with no place on the basis (no population) after, by value
        ranked = sorted(found, key=lambda p: (p.rank is None, p.rank or 0))
        out.append(MeasurePeriod(period, period_words(period), ranked,
                                 value_map(period, cells, points) if period.comparable else None))
    return out


def trend_chart(measure: Measure, periods: list[Period]) -> Chart | None:
    """The middle council and the middle half of councils, period by period, on one basis (from two periods)."""
    spreads = [(p, s) for p in periods if (s := p.spread) is not None]
    spreads = [(p, s) for p, s in spreads if p.basis == spreads[-1][0].basis] if spreads else []
    if len(spreads) < 2:
        return None
    monthly, unit = all(is_monthly(p.figures[0]) for p, _ in spreads), basis_unit(spreads[-1][0])
    points = tuple(Point(p.label, f"{f.period_end}|{f.period_start}", series, value, unit,
                         period=(f.period_start, f.period_end), derived=True)
                   for p, s in spreads for f in [p.figures[0]]
                   for series, value in (("Median council", s.median), ("Lower quartile", s.lower_quartile),
                                         ("Upper quartile", s.upper_quartile)))
    basis = spreads[-1][0].basis
    return Chart(f"measure-{measure.id}-over-time", f"{measure.label}{', ' + basis if basis else ''}: the median "
                 "council and the middle half of councils, by period", "monthly" if monthly else "time", points,
                 note="Worked out by this site from every council with a figure for the period"
                      f"{' and a population for its year' if basis else ''}; half the councils are between the "
                      "quartiles.", series_title="Median or quartile")


def council_lines(measure: Measure, periods: list[Period]) -> Chart | None:
    """A measure no period of which is ranked: each council's figures over time, one line each (2 to 6 councils)."""
    if any(p.comparable for p in periods):
        return None
    figures = [f for f in measure.figures if isinstance(f.area, Council) and not is_monthly(f)]
    kinds = {(f.unit, is_total(f), is_balance(f)) for f in figures}
    areas = {f.area.code for f in figures}
    if len(kinds) != 1 or not 2 <= len(areas) <= len(PALETTE) or len({f.period_label for f in figures}) < 2:
        return None  # one axis only: a balance is never drawn beside a flow, nor a total beside a year
    points = tuple(replace(p, series=f.area.short_name) for p, f in zip(time_points(figures), figures, strict=True))
    return Chart(f"measure-{measure.id}-by-council", f"{measure.label}: each council's figures, by period", "time",
                 points, note="Too few councils have a figure to compare them: each council's own figures only.",
                 series_title="Council")


def unranked(measure: Measure, periods: list[Period]) -> list[Figure]:
    """A measure's figures in no ranking (England's own, claims, plans, suspect values, periods with too few
    councils), monthly series left out."""
    ranked = {f.id for p in periods if p.comparable for f in p.figures}
    return listed([f for f in sorted(measure.figures, key=lambda f: f.sort_key) if f.id not in ranked])


def councils_with(measure: Measure) -> list[tuple[Area, list[str]]]:
    """Each council (or former council) with a figure of the measure, by name, and the periods it has one for."""
    periods: dict[str, tuple[Area, list[str]]] = {}
    for f in sorted(measure.figures, key=lambda f: (f.period_end, f.period_start)):
        if isinstance(f.area, Council):
            labels = periods.setdefault(f.area.code, (f.area, []))[1]
            labels += [] if f.period_label in labels else [f.period_label]
    return sorted(periods.values(), key=lambda pair: (pair[0].short_name, pair[0].code))


def figure_link(figures: dict[str, Figure], figure_id: str, root: str) -> str:
    """HTML for a `{{ figure:ID }}` shortcode: the value, linked to its row on its area's page (figures by id)."""
    figure = figures[figure_id]
    href = f"{root}councils/{figure.area.slug}/index.html#figure-{figure.id}"
    return str(Markup('<a class="figref" href="{}">{}</a>').format(href, figure.value_text))


def council_places(site: Site, council: Council) -> dict[str, list[str]]:
    """Names a reader may search a council by: its districts, and the councils it replaced (where the data has them)."""
    districts = [f"{r['district_name']} (abolished {fmt.long_date(r['abolished'])})" if r.get("abolished")
                 else str(r["district_name"]) for r in site.packages.rows("reference", "council_districts")
                 if r["council_code"] == council.code]
    before = {r["predecessor_code"] for r in site.packages.rows("reference", "successions")
              if r["successor_code"] == council.code}
    former = [str(r["name"]) for r in site.packages.rows("reference", "predecessors") if r["code"] in before]
    return {"districts": sorted(districts), "former": sorted(former)}


def data_quality(site: Site) -> list[tuple[Figure, Figure | None]]:
    """Figures the validator warns about (more than ten times the period before), each with that earlier one."""
    ids = {(t.shown, line): row["id"] for name in figure_packages(site.packages)
           for t in [site.packages.packages[name].resources["figures"]]
           for line, row in zip(t.lines, t.rows, strict=True)}
    out = []
    for warning in site.warnings:
        figure = site.by_id.get(ids.get((warning.path, warning.line), ""))
        if figure is not None:
            out.append((figure, next((f for f in figure.area.figures if f.measure is figure.measure
                                      and (figure.period_start - f.period_end).days == 1), None)))
    return out


def listed(figures: list[Figure]) -> list[Figure]:
    """Figures a page lists one by one: monthly ones are in their chart's table (each its own cell) instead."""
    return [f for f in figures if not is_monthly(f)]


def compared(figures: list[Figure]) -> list[Figure]:
    """Figures a council page compares: each one, but of a monthly measure only the latest month."""
    latest: dict[str, Figure] = {}
    for f in figures:
        if is_monthly(f) and (f.measure.id not in latest or f.period_end > latest[f.measure.id].period_end):
            latest[f.measure.id] = f
    return [f for f in figures if not is_monthly(f) or latest[f.measure.id] is f]


@dataclass(frozen=True)
class MonthlySeries:
    """A measure's monthly figures for an area, in a line: how many, from when to when."""

    measure: Measure
    count: int
    first: str
    last: str


def monthly_series(figures: list[Figure]) -> list[MonthlySeries]:
    """Each measure's monthly figures, summed up in a line (for pages that link to them rather than list them)."""
    out = []
    for _, group in groupby(sorted((f for f in figures if is_monthly(f)), key=lambda f: (f.measure.label,
                                                                                     f.period_start)),
                            key=lambda f: f.measure.label):
        months = list(group)
        out.append(MonthlySeries(months[0].measure, len(months), months[0].period_label, months[-1].period_label))
    return out


def totals_table(figures: list[Figure]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Financial-year totals of the monthly measures: a row per year, a column per measure; empty when none."""
    totals = year_totals(figures)
    measures = sorted({t.measure.label for t in totals})
    by = {(t.label, t.measure.label): fmt.value(t.value, t.measure.unit) for t in totals}
    years = sorted({t.label for t in totals})
    rows = [(y, [by.get((y, m), "not all 12 months published") for m in measures]) for y in years]
    return (["Financial year", *measures], rows) if totals else ([], [])
