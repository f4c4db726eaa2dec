"""View models: what each kind of page shows, worked out from the site model."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from markupsafe import Markup

from sitegen.data import fmt
from sitegen.data.model import Area, Council, Figure, Measure, Site, figure_packages
from sitegen.data.periods import years_spanned
from sitegen.data.population import per_head
from sitegen.site.charts.model import Chart, Point
from sitegen.site.compare import Period, Position, period_words
from sitegen.site.maps import HexMap, value_map
from sitegen.text import slugify


def time_points(figures: list[Figure]) -> tuple[Point, ...]:
    """Figures as chart points by period."""
    return tuple(Point(f.period_label, f"{f.period_end}|{f.period_start}", series_name(f), f.value, f.unit,
                       f.qualifier, f.status, f.speaker, (f.period_start, f.period_end), f.flag, figure_id=f.id,
                       precision=f.shown_precision)
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
    key = lambda f: (f.measure.topic.order, f.measure.topic.id, f.unit, is_total(f), is_balance(f))  # noqa: E731
    groups = [(k, list(g)) for k, g in groupby(sorted(area.figures, key=key), key=key)]
    for (_, topic_id, unit, totals, balance), figures in groups:
        topic = figures[0].measure.topic
        if len(figures) == 1:
            out.append((topic.label, None, figures[0]))
            continue
        mixed = any(k[1] == topic_id and k[2] == unit and k[4] != balance for k, _ in groups)
        qualifiers = ([unit] if unit != "GBP" else []) + (["totals over several years"] if totals else []) + (
            ["at a date" if balance else "over a period"] if mixed else [])
        title = f"{topic.label}: {area.short_name}" + (f" ({', '.join(qualifiers)})" if qualifiers else "")
        chart_id = (f"council-{area.slug}-{topic.id}-{unit.lower()}" + ("-totals" if totals else "")
                    + ("-at-date" if balance and mixed else ""))
        out.append((topic.label, Chart(chart_id, title, "time", time_points(figures)), None))
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
    """What a measure page shows for one period: words always; a ranking, per head and a map from 10 councils."""

    period: Period
    words: str
    ranked: list[Position]
    chart: Chart | None
    per_head_chart: Chart | None
    hexmap: HexMap | None


def measure_periods(measure: Measure, periods: list[Period], positions: dict[str, Position],
                    cells: dict[str, tuple[int, int]], populations: str = "") -> list[MeasurePeriod]:
    """Each period of a measure, newest first; only comparable periods are ranked and charted."""
    out = []
    for period in reversed(periods):
        ranked = [positions[f.id] for f in period.figures if f.id in positions]
        chart = per_head_chart = None
        if period.comparable:
            base = f"measure-{measure.id}-{slugify(period.label)}"
            chart = Chart(base, f"{measure.label}, {period.label}: every council with a figure", "compare",
                          tuple(area_point(f, f.value, f.unit) for f in period.figures))
            heads = [(f, v) for f in period.figures if (v := per_head(f)) is not None]
            if period.per_head and len(heads) >= 2:
                years = " and ".join(sorted({f"mid-{v.mid_year}" for _, v in heads}))
                # each bar names the population it used, so the chart's data and table say it row by row
                per_head_chart = Chart(f"{base}-per-head", f"{measure.label} per head ({years} population), "
                                       f"{period.label}", "compare",
                                       tuple(area_point(f, v.value, fmt.PER_HEAD, f"Per head ({v.year_text})")
                                             for f, v in heads),
                                       note=f"Each value is the council's figure divided by its {years} population "
                                            f"({populations}).")
        out.append(MeasurePeriod(period, period_words(period), ranked, chart, per_head_chart,
                                 value_map(period, cells) if period.comparable else None))
    return out


def area_point(f: Figure, value: float, unit: str, series: str = "") -> Point:
    """A council's bar on a comparison chart."""
    return Point(f.area.short_name, f.area.short_name, series, value, unit, f.qualifier, f.status, f.speaker,
                 figure_id=f.id, precision=f.shown_precision if unit == f.unit else None)  # per head: derived


def figure_link(site: Site, figure_id: str, root: str) -> str:
    """HTML for a `{{ figure:ID }}` shortcode: the value, linked to its row on its area's page."""
    figure = next(f for f in site.figures if f.id == figure_id)
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
    by_id = {f.id: f for f in site.figures}
    out = []
    for warning in site.warnings:
        figure = by_id.get(ids.get((warning.path, warning.line), ""))
        if figure is not None:
            out.append((figure, next((f for f in figure.area.figures if f.measure is figure.measure
                                      and (figure.period_start - f.period_end).days == 1), None)))
    return out
