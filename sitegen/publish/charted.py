"""Which figures and sources each chart draws, and which page it is on: for its embed page and its zip."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sitegen.data.model import Figure, Site, Source
    from sitegen.site.charts.model import Chart
    from sitegen.site.page import PageSpec


def chart_pages(specs: list[PageSpec]) -> dict[str, str]:
    """Chart id -> the path of the page it first appears on."""
    found: dict[str, str] = {}
    for spec in specs:
        for chart in spec.charts:
            found.setdefault(chart.id, spec.path)
    return found


@dataclass(frozen=True)
class Order:
    """Where each figure and source is in the site's order, by id: worked out once, for every chart. It also keeps
    what each chart draws, by chart id, once worked out: an order is kept with one plan (whose charts' ids are
    theirs alone), never across plans."""

    figures: dict[str, int]
    sources: dict[str, int]
    drawn: dict[str, tuple[list[Figure], list[Source]]] = field(default_factory=dict)

    @classmethod
    def of(cls, site: Site) -> Order:
        """The site's order."""
        return cls(positions(site.figures), positions(site.sources))


def positions(items: Sequence[Figure | Source]) -> dict[str, int]:
    """Where each figure or source is in a list, by id."""
    return {item.id: i for i, item in enumerate(items)}


def chart_figures(chart: Chart, site: Site, order: Order) -> list[Figure]:
    """The figures a chart draws, in the site's order."""
    return drawn(chart, site, order)[0]


def chart_sources(chart: Chart, site: Site, order: Order) -> list[Source]:
    """The sources of a chart's figures, each once, in the site's order."""
    return drawn(chart, site, order)[1]


def drawn(chart: Chart, site: Site, order: Order) -> tuple[list[Figure], list[Source]]:
    """The figures a chart draws and their sources, each once, in the site's order (kept by the order)."""
    found = order.drawn.get(chart.id)
    if found is None:
        index = order.figures
        figures = [site.figures[i] for i in sorted({index[p.figure_id] for p in chart.points if p.figure_id in index})]
        sources = [site.sources[i] for i in sorted({order.sources[f.source.id] for f in figures})]
        found = order.drawn[chart.id] = (figures, sources)
    return found
