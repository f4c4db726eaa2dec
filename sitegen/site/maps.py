"""Maps of England: hex maps (Open Innovations' layout, MIT) in colour bands, and councils by latitude and longitude."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from sitegen.data import fmt

if TYPE_CHECKING:
    from collections.abc import Callable

    from sitegen.data.model import Council, Figure, Icb, Measure, Site, Topic
    from sitegen.data.rows import Packages
    from sitegen.site.compare import Period

RADIUS = 10.0
PAD = 2.0
INSET = RADIUS - 0.6  # corners slightly inset, so neighbours show a seam
# a hex's corners from its centre (pointy top), worked out once: every map draws ~150 hexes
CORNERS = tuple((INSET * math.cos(math.radians(a)), INSET * math.sin(math.radians(a))) for a in range(-90, 270, 60))
CREDIT = "Hex layout: Open Innovations (MIT licence)"
CREDIT_URL = "https://github.com/odileeds/hexmaps"


@dataclass(frozen=True)
class Cell:
    """One hex: where it is drawn, where it links, what it says, which colour band (None: a gap)."""

    code: str
    name: str
    path: str  # site path of the page it links to, e.g. councils/kent/
    points: str  # SVG polygon points
    band: int | None
    text: str  # what is known, in words: the accessible name says "Kent: £13.0m"

    @property
    def label(self) -> str:
        """The hex's accessible name."""
        return f"{self.name}: {self.text}"


@dataclass(frozen=True)
class HexMap:
    """A whole map: its cells, its legend (one label per band), its size."""

    id: str
    title: str
    description: str
    cells: tuple[Cell, ...]
    bands: tuple[str, ...]
    gap: str  # legend label of a hex with nothing known
    width: float
    height: float
    adapted: str = "adapted to the councils of 2023"
    credit: str = CREDIT
    credit_url: str = CREDIT_URL

    def svg_cells(self, link: Callable[[str], str]) -> Markup:
        """Every hex as an SVG link to its page (link: the page's), each on a line: written here rather than by a
        template loop, which cost a measure's period page a fifth of its time; names and paths escaped."""
        return Markup("".join(
            f'<a href="{escape(link(c.path))}" aria-label="{label}"><title>{label}</title><polygon class="'
            f'{"hx-gap" if c.band is None else f"hx-{c.band}"}" points="{c.points}"/></a>\n'
            for c in self.cells for label in (escape(c.label),)))  # band and points: numbers written by this module

    def canonical_parts(self) -> tuple[tuple[()], tuple[Any, ...]]:
        """All a map is, every hex's every field included, as plain values, for the page record
        (sitegen.build.reuse.canon): what its repr says, at a fraction of the cost (383 maps of 150 hexes on the
        real site's measure pages)."""
        return (), (MAP_FIELDS(self), tuple(map(CELL_FIELDS, self.cells)))


CELL_FIELDS = attrgetter(*(f.name for f in fields(Cell)))
MAP_FIELDS = attrgetter(*(f.name for f in fields(HexMap) if f.name != "cells"))


def layout(packages: Packages, resource: str, key: str) -> dict[str, tuple[int, int]]:
    """Code -> (q, r) from a hex resource of the reference package; empty when there is none."""
    if "reference" not in packages.packages or resource not in packages.packages["reference"].resources:
        return {}
    return {row[key]: (int(row["q"]), int(row["r"])) for row in packages.rows("reference", resource)}


def centre(q: int, r: int, top: int, left: float) -> tuple[float, float]:
    """Centre of an `odd-r` pointy-top hex, north up (r counts from the south)."""
    width = math.sqrt(3) * RADIUS
    return (width * (q + 0.5 * (r % 2)) - left + width / 2 + PAD, 1.5 * RADIUS * (top - r) + RADIUS + PAD)


def corners(x: float, y: float) -> str:
    """The six corners of a pointy-top hex, slightly inset so neighbours show a seam."""
    return " ".join(f"{x + dx:.2f},{y + dy:.2f}" for dx, dy in CORNERS)


Points = dict[tuple[int, int, int, float], str]  # a cell's corners by its place and its drawing's frame


def hex_points(points: Points, cell: tuple[int, int], top: int, left: float) -> str:
    """A cell's corners in a drawing framed by top and left, from points where maps of the same frame drew it
    before (a measure's monthly maps: the real site draws 48,000 hexes, and spelling each out took 0.3 s)."""
    key = (*cell, top, left)
    found = points.get(key)
    if found is None:
        found = points[key] = corners(*centre(*cell, top, left))
    return found


def frame(cells: dict[str, tuple[int, int]]) -> tuple[int, float, float, float]:
    """Top row, left edge, width and height of the drawing."""
    width = math.sqrt(3) * RADIUS
    xs, rs = [width * (q + 0.5 * (r % 2)) for q, r in cells.values()], [r for _, r in cells.values()]
    top, left, right = max(rs), min(xs), max(xs)
    rows = top - min(rs)
    return top, left, round(right - left + width + 2 * PAD, 2), round(1.5 * RADIUS * rows + 2 * RADIUS + 2 * PAD, 2)


def draw(map_id: str, title: str, description: str, entries: list[tuple[str, str, str, tuple[int, int], int | None,
         str]], bands: tuple[str, ...], gap: str, points: Points | None = None) -> HexMap:
    """A map from (code, name, path, cell, band, text) entries, in a stable order (north to south, west to east);
    points: cells' corners as drawn before (see hex_points)."""
    top, left, width, height = frame({code: cell for code, _, _, cell, _, _ in entries})
    ordered = sorted(entries, key=lambda e: (-e[3][1], e[3][0]))
    points = {} if points is None else points
    cells = tuple(Cell(code, name, path, hex_points(points, cell, top, left), band, text)
                  for code, name, path, cell, band, text in ordered)
    return HexMap(map_id, title, description, cells, bands, gap, width, height)


def topics_map(councils: list[Council], cells: dict[str, tuple[int, int]]) -> HexMap | None:
    """What is known for each council: how many topics it has figures for; gaps as gaps."""
    if not cells:
        return None
    bands = ("1 topic", "2 topics", "3 or more topics")
    entries = []
    for c in councils:
        if c.code in cells:
            topics = sorted({f.measure.topic for f in c.figures}, key=lambda t: (t.order, t.id))
            text = ", ".join(t.label for t in topics) if topics else "no figures yet"
            entries.append((c.code, c.short_name, f"councils/{c.slug}/", cells[c.code],
                            min(len(topics), 3) - 1 if topics else None, text))
    known = sum(e[4] is not None for e in entries)
    return draw("map-topics", "What is known for each council",
                f"{len(entries)} councils, one hex each. {known} have figures; the hex is darker the more topics "
                f"they cover. {len(entries) - known} have none yet: an outline only.", entries, bands,
                "no figures yet")


def quartile_band(value: float, cuts: tuple[float, float, float]) -> int:
    """0 below the lower quartile ... 3 above the upper quartile."""
    return sum(value > cut for cut in cuts)


def value_map(period: Period, cells: dict[str, tuple[int, int]], points: Points | None = None) -> HexMap | None:
    """A comparable period's values on its basis (per head, per 100,000) by quartile; councils without one as gaps
    (points: see draw)."""
    by_head, middle = bool(period.basis), period.spread
    if not cells or middle is None:
        return None
    cuts = (middle.lower_quartile, middle.median, middle.upper_quartile)
    unit = period.measure.unit
    show = (lambda v: fmt.rate_text(v, unit, period.basis)) if by_head else (lambda v: fmt.derived(v, unit))  # noqa: E731
    entries = []
    for f in period.figures:
        head, v = period.rates.get(f.id) if by_head else None, period.key(f)
        if f.area.code in cells:
            band = None if v is None else quartile_band(v, cuts)
            text = f.value_text + (f", {fmt.rate_words(head)}" if head is not None else "")
            entries.append((f.area.code, f.area.short_name, f"councils/{f.area.slug}/", cells[f.area.code], band,
                            text))
    entries += [(c.code, c.short_name, f"councils/{c.slug}/", cells[c.code], None, "no figure")
                for c in period.gaps if c.code in cells]
    entries += [(c.code, c.short_name, f"councils/{c.slug}/", cells[c.code], None,
                 "not yet a council then: its predecessors are in the table") for c in period.absent if c.code in cells]
    bands = (f"below {show(cuts[0])}", f"{show(cuts[0])} to {show(cuts[1])}", f"{show(cuts[1])} to {show(cuts[2])}",
             f"above {show(cuts[2])}")
    what = period.basis or "value"
    if by_head:  # the figures of a period share its mid-year (or the latest estimate, which each cell then says)
        used = sorted({h.mid_year for h in period.rates.values()})
        what = f"{period.basis} ({' and '.join(f'mid-{y}' for y in used)} population)"
    return draw(f"map-{period.measure.id}", f"{period.measure.label}, {period.label}, {what}",
                f"One hex per council, coloured by {what} in four bands split at the England quartiles. "
                f"{len(period.figures)} councils have a figure; {len(period.gaps)} have none (an outline only).",
                entries, bands, "no figure", points)


def icb_map(icbs: list[Icb], cells: dict[str, tuple[int, int]]) -> HexMap | None:
    """Each ICB: how many figures name it as the NHS body, directly or through a former CCG."""
    if not cells:
        return None
    bands = ("1 figure", "2 to 4 figures", "5 or more figures")
    entries = []
    for i in (i for i in icbs if i.code in cells):
        n = len(i.figures) + len(i.ccg_figures)
        band = None if n == 0 else 0 if n == 1 else 1 if n < 5 else 2
        entries.append((i.code, i.short_name, f"icbs/{i.slug}/", cells[i.code], band,
                        f"{n} figure{'s' if n != 1 else ''} name it" if n else "no figures name it yet"))
    named = sum(e[4] is not None for e in entries)
    return replace(draw("map-icbs", "Integrated Care Boards named by a figure",
                f"{len(entries)} ICBs, one hex each. {named} are named by at least one figure; the rest are an "
                "outline only.", entries, bands, "no figures yet"),
                   adapted="the 2022 layout matched to the 42 ICBs of 2024 by their ODS codes")


def topic_map(councils: list[Council], cells: dict[str, tuple[int, int]], topic: Topic,
              measures: dict[str, set[str]]) -> HexMap | None:
    """Which councils have a figure in one topic (measures: the labels of its measures each has, by council code):
    how many measures; the rest as gaps."""
    if not cells:
        return None
    entries = []
    for c in councils:
        if c.code in cells:
            labels = sorted(measures.get(c.code, ()))
            entries.append((c.code, c.short_name, f"councils/{c.slug}/", cells[c.code],
                            min(len(labels), 2) - 1 if labels else None, "; ".join(labels) or "no figure"))
    known = sum(e[4] is not None for e in entries)
    return draw(f"map-topic-{topic.id}", f"{topic.label}: councils with a figure",
                f"{known} of {len(entries)} councils have at least one figure on {topic.label.lower()}; "
                f"{len(entries) - known} have none (an outline only).", entries, ("1 measure", "2 or more measures"),
                "no figure")


def england_map(site: Site) -> dict[str, Any]:
    """Projected points for the England map: councils with figures filled, the rest hollow."""
    located = [(c, c.latitude, c.longitude) for c in site.councils if c.latitude is not None
               and c.longitude is not None]
    if not located:  # a project whose reference data has no coordinates gets no map, not an error
        return {"points": [], "width": 0, "height": 0, "with": 0, "without": 0}
    xs = [lon * 0.6 for _, _, lon in located]  # cos(52.8°) ≈ 0.6: keeps the shape of England
    ys = [-lat for _, lat, _ in located]
    scale = 400 / (max(xs) - min(xs) or 1)
    out = [{"x": round((x - min(xs)) * scale + 10, 1), "y": round((y - min(ys)) * scale + 10, 1),
            "has": bool(c.figures), "name": c.short_name} for (c, _, _), x, y in zip(located, xs, ys, strict=True)]
    return {"points": out, "width": 420, "height": round((max(ys) - min(ys)) * scale + 20),
            "with": sum(p["has"] for p in out), "without": sum(not p["has"] for p in out)}


def published_map(measure: Measure, councils: list[Council], cells: dict[str, tuple[int, int]]) -> HexMap | None:
    """Where a measure too few councils have a figure for to rank has one: each such council's latest, not banded."""
    if not cells:
        return None
    # each council's figures of the measure, in the order of its own list (both are in figure order: model.py),
    # found in one pass over the measure's rather than in every council's for every measure
    of_area: dict[int, list[Figure]] = {}
    for f in measure.figures:
        of_area.setdefault(id(f.area), []).append(f)
    entries = []
    for c in (c for c in councils if c.code in cells):
        mine = sorted(of_area.get(id(c), ()), key=lambda f: (f.period_end, f.period_start))
        text = (f"{mine[-1].value_text}, {mine[-1].period_label}" + (f" (and {len(mine) - 1} more)" if len(mine) > 1
                                                                      else "")) if mine else "no figure"
        entries.append((c.code, c.short_name, f"councils/{c.slug}/", cells[c.code], 0 if mine else None, text))
    known = sum(e[4] is not None for e in entries)
    if not known:
        return None
    return draw(f"map-{measure.id}", f"{measure.label}: councils with a figure",
                f"{known} of {len(entries)} councils have a figure, each linked with its latest; the other "
                f"{len(entries) - known} have none (an outline only). Too few to compare, so not coloured by value.",
                entries, ("a figure",), "no figure")
