"""Plan every page of the site (where it goes, which templates, what it shows), in a stable order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from sitegen.data.population import no_per_head, population_line, population_note
from sitegen.site.compare import (
    NEIGHBOURS_LABEL,
    Derived,
    Period,
    PeriodKey,
    Position,
    all_periods,
    all_positions,
    position_words,
    positions_of,
    remember,
    take_over,
)
from sitegen.site.content import CONTENT_PAGES, HOME_INTRO, Page
from sitegen.site.course import course_charts
from sitegen.site.disputes import dispute_pages
from sitegen.site.headline import headline, headline_map, headline_words
from sitegen.site.maps import england_map, icb_map, layout, published_map, topic_map, topics_map
from sitegen.site.page import Later, PageSpec
from sitegen.site.sources import series
from sitegen.site.views import (
    compared,
    council_charts,
    council_lines,
    council_places,
    councils_with,
    data_quality,
    key_figures,
    listed,
    measure_periods,
    monthly_series,
    time_points,
    totals_table,
    trend_chart,
    unranked,
)
from sitegen.site.words import council_narrative
from sitegen.text import upper_first

if TYPE_CHECKING:
    from collections.abc import Callable

    from sitegen.data.model import Council, Measure, Site, Topic

@dataclass(frozen=True)
class DataPlan:
    """The pages planned from the data alone, with no written content in them yet: a session plans them once while
    the data, settings and history are unchanged (`sitegen serve`, on an edit of a written page or a template)."""

    before: tuple[PageSpec, ...]  # the pages before the written ones, in order
    after: tuple[PageSpec, ...]  # and after them


def plan_pages(site: Site, pages: dict[str, Page], rendered: dict[str, Markup],
               data: DataPlan | None = None) -> list[PageSpec]:
    """Every page of the site, in a stable order: the data's pages (planned now, or before for the same site),
    each a copy of its own, with the written pages put in."""
    data = data or plan_data(site)
    written = {f"councils/{c.slug}/index.html": rendered.get(f"councils/{c.slug}") for c in site.councils}
    specs = []
    for planned in data.before:
        spec = replace(planned, context=dict(planned.context))  # this build's own: later steps add to it
        if spec.path == "index.html":
            spec.context["intro"] = lede(rendered.get(HOME_INTRO))
        elif spec.path in written:
            spec.context["written"] = written[spec.path]
        specs.append(spec)
    specs += content_pages(pages, rendered)
    return specs + [replace(planned, context=dict(planned.context)) for planned in data.after]


def plan_data(site: Site, wanted: frozenset[str] | None = None, derived: Derived | None = None) -> DataPlan:
    """The pages of the data (every page but the written ones), their written content's places empty (None); with
    wanted, only the pages at those paths, their comparisons worked out for their own measures alone (`sitegen
    serve`'s first look at a data edit: the pages open in a browser). derived: the periods' derived values a
    session keeps from model to model (compare.take_over), updated."""
    def want(prefix: str) -> bool:
        return wanted is None or any(path.startswith(prefix) for path in wanted)

    cells = layout(site.packages, "council_hexes", "council_code")
    areas = [*site.councils, *site.predecessors]  # abolished councils ranked in their time
    shown = {a.code for a in areas if wanted is None or f"councils/{a.slug}/index.html" in wanted}
    measures = [m for m in site.measures if want(f"measures/{m.id}/")]
    periods, positions = comparisons(site, areas, [a for a in areas if a.code in shown], measures, wanted is None,
                                     derived)
    specs = [home_page(site, cells)] if want("index.html") else []
    note = population_note(site.packages)
    specs += [council_page(c, positions, council_places(site, c), note) for c in site.councils if c.code in shown]
    specs += [council_page(p, positions, council_places(site, p), note)
              for p in site.predecessors if p.code in shown]  # abolished councils: a short page each
    specs.append(PageSpec("councils/index.html", ["councils.html"], "All councils"))
    nation = site.england
    if want(f"councils/{nation.slug}/"):
        national = council_charts(nation)
        specs.append(PageSpec(f"councils/{nation.slug}/index.html", ["england.html"],
                              f"{nation.name}: national figures",
                              {"council": nation, "chart_groups": national, "listed": listed,
                               "monthly_series": monthly_series, "totals": totals_table(nation.figures)},
                              [chart for _, chart, _ in national if chart]))
    if want("icbs/"):
        specs += [PageSpec(f"icbs/{i.slug}/index.html", ["icb.html"], i.name, {"icb": i}) for i in site.icbs]
        specs.append(PageSpec("icbs/index.html", ["icbs.html"], upper_first(site.config.icb_label) + "s",
                              {"hexmap": icb_map(site.icbs, layout(site.packages, "icb_hexes", "icb_code"))}))
    specs += measure_pages(site, periods, cells, measures) if want("measures/") else []
    specs += dispute_pages(site, time_points) if want("disputes/") else []
    specs += dataset_pages(site) if want("data/") else []
    if want("sources/"):
        specs.append(PageSpec("sources/index.html", ["sources.html"], "Sources", {"series": series(site.sources)}))
    specs += coverage_pages(site, cells) if want("coverage/") else []
    specs.append(PageSpec("search/index.html", ["search.html"], "Search", {"search": True}))
    after = (PageSpec("404.html", ["404.html"], "Page not found"),)
    if wanted is None:
        return DataPlan(tuple(specs), after)
    return DataPlan(tuple(s for s in specs if s.path in wanted), tuple(s for s in after if s.path in wanted))


def comparisons(site: Site, areas: list[Council], shown: list[Council], measures: list[Measure],
                everything: bool, derived: Derived | None) -> tuple[dict[str, list[Period]], dict[str, Position]]:
    """Each measure's periods, of every measure (everything), or of the measures whose pages are planned
    (plan_data's wanted) and of the periods of the figures the councils' pages compare (of a monthly measure, the
    latest month alone: 2 periods, not 105, of each delayed-transfer measure, for the page of the council a data
    edit shows); and the position in its period of each figure the councils' pages compare."""
    own = [f for a in shown for area in (a, *a.predecessors) for f in compared(area.figures)]
    whole = {m.id for m in measures}
    only: dict[str, set[PeriodKey]] = {}
    for f in own if not everything else ():
        if f.measure.id not in whole:
            only.setdefault(f.measure.id, set()).add((f.period_end, f.period_start, f.period_label))
    periods = all_periods([m for m in site.measures if everything or m.id in whole or m.id in only], areas, only)
    if derived is not None:
        take_over(periods, derived)
    positions = positions_of(periods, own)  # the measures' pages work out their own when they are rendered
    if derived is not None:
        remember(periods, derived, only)
    return periods, positions


def council_page(c: Council, positions: dict[str, Position], places: dict[str, list[str]], note: str) -> PageSpec:
    """A council's page: identity, narrative, comparisons, key figures, charts (its written background goes in
    with the written pages)."""
    blocks = council_charts(c)
    ranked = compared_positions(c, positions)
    course = course_charts(c.short_name, c.slug, ranked)
    return PageSpec(
        f"councils/{c.slug}/index.html", [f"council-{c.slug}.html", "council.html"], c.name,
        {"council": c, "chart_groups": blocks, "narrative": council_narrative(c), "key_figures": key_figures(c),
         "written": None, "comparisons": ranked, "listed": listed, "monthly_series": monthly_series,
         "monthly": monthly_series(c.figures),  # planned once: a template edit renders 161 council pages again
         "totals": totals_table(c.figures), "words": position_words, "population_note": note,
         "course": course, "former_compare": {p.code: compared_positions(p, positions) for p in c.predecessors},
         "former_charts": {p.code: [chart for _, chart, _ in council_charts(p) if chart and chart.kind == "monthly"]
                           for p in c.predecessors},
         "places": places, "no_per_head": no_per_head, "neighbours_label": NEIGHBOURS_LABEL,
         "population_line": population_line, "has_populations": c.populations is not None},
        [chart for _, chart, _ in blocks if chart] + [chart for chart, _ in course],
        f"Care funding figures for {c.name}, each with its source.")


def compared_positions(c: Council, positions: dict[str, Position]) -> list[Position]:
    """A council's figures in a comparable period, each with its place among the councils of that period."""
    return [positions[f.id] for f in sorted(compared(c.figures), key=lambda f: (f.measure.topic.order,
                                                                              f.measure.label, f.period_end))
            if f.id in positions]


def measure_pages(site: Site, periods: dict[str, list[Period]], cells: dict[str, tuple[int, int]],
                  measures: list[Measure] | None = None) -> list[PageSpec]:
    """A page per measure (its latest period, the top and bottom ten, its course over time), and one per period
    (of every measure, or of those given). Their rankings and maps are made when a page is rendered: a build that
    finds a measure's figures and the other data unchanged reuses its pages without making them (48,000 positions
    and 321 maps on the real site, most of them of the delayed-transfer months)."""
    specs = []
    note, has = population_note(site.packages), bool(site.packages.rows("reference", "populations"))
    for m in site.measures if measures is None else measures:
        mine = periods[m.id]
        trend = trend_chart(m, mine) or council_lines(m, mine)
        common = {"measure": m, "population_note": note, "no_per_head": no_per_head, "has_populations": has}
        made = cache(partial(measure_views, site, m, mine, cells))  # made once, at its first page's render
        specs.append(PageSpec(f"measures/{m.id}/index.html", ["measure.html"], m.label, common | {"trend": trend},
                              [trend] if trend else [], m.definition, Later(made, m.figures)))
        specs += [PageSpec(f"measures/{m.id}/{p.slug}/index.html", ["measure_period.html"],
                           f"{m.label}, {p.label}", common,
                           description=f"{m.label}, {p.label}: every council's figure, ranked.",
                           later=Later(partial(period_view, made, i), m.figures))
                  for i, p in enumerate(reversed(mine))]
    return specs + [PageSpec("measures/index.html", ["measures.html"], "Measures")]


def measure_views(site: Site, m: Measure, periods: list[Period], cells: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """What a measure's page shows of its periods (newest first, ranked and mapped), its figures in no ranking and
    the councils with a figure; each period's page shows one of those periods."""
    shown = measure_periods(m, periods, all_positions({m.id: periods}), cells)
    ranked = any(p.comparable for p in periods)
    return {"periods": shown, "unranked": unranked(m, periods), "published": councils_with(m),
            "where": None if ranked else published_map(m, site.councils, cells)}


def period_view(views: Callable[[], dict[str, Any]], index: int) -> dict[str, Any]:
    """What a period's page shows: the period, newest first, at index of its measure's (measure_views)."""
    return {"p": views()["periods"][index]}


def home_page(site: Site, cells: dict[str, tuple[int, int]]) -> PageSpec:
    """The home page: the headline measure's map (from the settings), national figures, what is new (the project's
    introduction goes in with the written pages)."""
    found = headline(site)
    drawn = headline_map(found, cells) if found else None
    return PageSpec("index.html", ["home.html"], site.config.title,
                    {"intro": None, "headline": found if drawn else None, "hexmap": drawn,
                     "headline_words": headline_words(found) if found and drawn else ""},
                    description=site.config.description)


def lede(intro: Markup | None) -> Markup | None:
    """The introduction, its first paragraph styled as the page's lede."""
    return Markup(str(intro).replace("<p>", '<p class="lede">', 1)) if intro else None  # sanitised, and a constant


def coverage_pages(site: Site, cells: dict[str, tuple[int, int]]) -> list[PageSpec]:
    """What is known for each council: a map of topics covered and a section per topic; a page per topic's map."""
    # each measure's council figures, counted here: the pages then depend on the counts, not on every figure's fields
    counts = {m.id: sum(f.area is not site.england for f in m.figures) for m in site.measures}
    topics = sorted({m.topic for m in site.measures if counts[m.id]}, key=lambda t: (t.order, t.id))
    labels: dict[Topic, dict[str, set[str]]] = {}  # each topic's measures by council code, in one pass
    for c in site.councils:
        for f in c.figures:
            labels.setdefault(f.measure.topic, {}).setdefault(c.code, set()).add(f.measure.label)
    sections = [(t, [m for m in site.measures if m.topic is t],
                 [c for c in site.councils if c.code in labels.get(t, {})]) for t in topics]
    specs = [PageSpec("coverage/index.html", ["coverage.html"], "Coverage: what is known and what is missing",
                      {"coverage_map": topics_map(site.councils, cells), "map": england_map(site),
                       "topics": sections, "quality": data_quality(site), "council_figures": counts})]
    specs += [PageSpec(f"coverage/{t.id}/index.html", ["coverage_topic.html"], f"Coverage: {t.label}",
                       {"topic": t, "measures": measures, "with_figure": councils, "council_figures": counts,
                        "hexmap": topic_map(site.councils, cells, t, labels.get(t, {}))},
                       description=f"Which councils have a figure on {t.label.lower()}, and which have none yet.")
              for t, measures, councils in sections]
    return specs


def content_pages(pages: dict[str, Page], rendered: dict[str, Markup]) -> list[PageSpec]:
    """About, methodology: written pages with a place on the site."""
    return [PageSpec(f"{name}/index.html", ["page.html"], str(pages[name].meta.get("title", name.title())),
                     {"body": rendered[name]}, description=str(pages[name].meta.get("description", "")))
            for name in CONTENT_PAGES if name in rendered]


def dataset_pages(site: Site) -> list[PageSpec]:
    """A page per package and per resource (a package page's JSON-LD is `publish.jsonld`'s, which knows the
    history)."""
    specs = [PageSpec("data/index.html", ["datasets.html"], "Data")]
    for name, package in sorted(site.packages.packages.items()):
        title = str(package.descriptor.get("title", name))
        specs.append(PageSpec(f"data/{name}/index.html", ["dataset.html"], title,
                              {"package": package},
                              description=str(package.descriptor.get("description", ""))[:300]))
        for rname, resource in sorted(package.resources.items()):
            specs.append(PageSpec(f"data/{name}/{rname}/index.html", ["resource.html"],
                                  f"{resource.descriptor.get('title', rname)} ({title})",
                                  {"package": package, "resource": resource,
                                   "sha256": resource.digest.hex()}))
    return specs
