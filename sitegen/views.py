"""View models: what each kind of page shows, worked out from the site model."""

from __future__ import annotations

from itertools import groupby

from markupsafe import Markup

from sitegen.charts import Chart, Point
from sitegen.model import Area, Figure, Site
from sitegen.periods import years_spanned
from sitegen.slugs import slugify


def time_points(figures: list[Figure]) -> tuple[Point, ...]:
    """Figures as chart points by period."""
    return tuple(Point(f.period_label, f"{f.period_end}|{f.period_start}", series_name(f), f.value, f.unit,
                       f.qualifier, f.status, f.claimant) for f in figures)


def is_total(f: Figure) -> bool:
    """A figure totalled over several years: never drawn beside yearly ones."""
    return years_spanned(f.period_start, f.period_end) > 1


def series_name(f: Figure) -> str:
    """The measure's label, marked when the figure is a total over several years."""
    years = years_spanned(f.period_start, f.period_end)
    return f"{f.measure.label} (total over {years} years)" if years > 1 else f.measure.label


def council_charts(area: Area) -> list[tuple[str, Chart]]:
    """(topic heading, chart) per topic and unit with figures; multi-year totals on a chart of their own."""
    out = []
    key = lambda f: (f.measure.topic.order, f.measure.topic.id, f.unit, is_total(f))  # noqa: E731
    for (_, _, unit, totals), group in groupby(sorted(area.figures, key=key), key=key):
        figures = list(group)
        topic = figures[0].measure.topic
        qualifiers = ([unit] if unit != "GBP" else []) + (["totals over several years"] if totals else [])
        title = f"{topic.label}: {area.short_name}" + (f" ({', '.join(qualifiers)})" if qualifiers else "")
        chart_id = f"council-{area.slug}-{topic.id}-{unit.lower()}" + ("-totals" if totals else "")
        out.append((topic.label, Chart(chart_id, title, "time", time_points(figures))))
    return out


def key_figures(area: Area) -> list[Figure]:
    """The latest figure of each measure, in topic order: what a reader looks for."""
    latest: dict[str, Figure] = {}
    for f in area.figures:
        if f.measure.id not in latest or f.period_end > latest[f.measure.id].period_end:
            latest[f.measure.id] = f
    return sorted(latest.values(), key=lambda f: (f.measure.topic.order, f.measure.label))[:6]


def measure_charts(site: Site) -> dict[str, list[Chart]]:
    """Per measure, a comparison across councils for each period with figures (England's totals stay in tables)."""
    out: dict[str, list[Chart]] = {}
    for m in site.measures:
        local = [f for f in m.figures if f.area is not site.england]
        in_order = sorted(local, key=lambda f: (f.period_end, f.period_label))
        by_period = groupby(in_order, key=lambda f: f.period_label)
        out[m.id] = [
            Chart(f"measure-{m.id}-{slugify(label)}", f"{m.label}, {label}", "compare",
                  tuple(Point(f.area.short_name, f.area.short_name, "", f.value, f.unit, f.qualifier, f.status,
                              f.claimant) for f in figures))
            for label, figures in ((label, list(g)) for label, g in by_period)
        ]
    return out


def figure_link(site: Site, figure_id: str, root: str) -> str:
    """HTML for a `{{ figure:ID }}` shortcode: the value, linked to its row on its area's page."""
    figure = next(f for f in site.figures if f.id == figure_id)
    href = f"{root}councils/{figure.area.slug}/index.html#figure-{figure.id}"
    return str(Markup('<a class="figref" href="{}">{}</a>').format(href, figure.value_text))
