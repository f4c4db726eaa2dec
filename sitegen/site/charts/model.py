"""The chart model: points, series and what a chart shows, independent of how it is drawn."""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass, fields
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sitegen.data import fmt
from sitegen.data.periods import MONTHS
from sitegen.site.charts.table import Rows

if TYPE_CHECKING:
    from datetime import date

SPEC_VERSION = 4  # bump when the spec builder changes, so cached specs are rebuilt
# What of a point its spec is made from (Chart.rows): its value as shown, its place and its series (and its period)
IN_SPEC = attrgetter("category", "order", "series", "value", "unit", "qualifier", "status", "precision", "derived")
QUALIFIER_WORDS = {"approximate": "approximate", "at_least": "at least", "range_lower_bound": "lower bound"}


@dataclass(frozen=True)
class Point:
    """One bar: a value for a category (a period, or an area) in a series."""

    category: str
    order: str
    series: str
    value: float
    unit: str
    qualifier: str = "exact"
    status: str = "reported"
    claimant: str = ""
    period: tuple[date, date] | None = None  # start and end, where the category is a period
    flag: str = ""  # "suspect": a likely slip, shown as published but never the start or end of a change
    figure_id: str = ""  # the figure drawn (for a chart's download and its sources; not part of the spec)
    precision: float | None = None  # how finely the value is shown (the figure's); None: as the data holds it
    source: tuple[str, str] = ("", "")  # its source's publisher and id (a monthly chart's table cites each month)
    derived: bool = False  # worked out by the site (a median): shown rounded for reading, as fmt.derived does
    note: str = ""  # the figure's note (a monthly chart's table shows it in the value's cell)

    @property
    def value_text(self) -> str:
        """The value with its qualifier, as precisely as its source gave it: `about £5.0m`."""
        shown = (fmt.derived(self.value, self.unit) if self.derived
                 else fmt.value(self.value, self.unit, self.precision))
        return fmt.qualified(shown, self.qualifier)

    @property
    def shown(self) -> str:
        """The value as a reader should take it: `about £5m`, `£10m (claim by X)`."""
        if self.status == "reported" and not self.claimant:
            return self.value_text
        return f"{self.value_text} ({self.status_text})"

    @property
    def status_text(self) -> str:
        """`reported`, or whose claim, plan or statement it is (`claimant` holds whoever that is)."""
        if self.derived and not self.figure_id:  # a median: no one reported it, this site worked it out
            return "worked out by this site"
        text = fmt.status_text(self.status, self.claimant)
        return text[:1].lower() + text[1:]


POINT_NAMES = tuple(f.name for f in fields(Point))


def point(*values: Any) -> Point:
    """A Point of every field's value, in order, made without its dataclass's __init__: that sets each of the 15
    fields through object.__setattr__ (frozen), and this takes half the time over the council charts' 48,000."""
    made = object.__new__(Point)
    made.__dict__.update(zip(POINT_NAMES, values, strict=True))
    return made


def previous_month(day: str) -> str:
    """`2019-01-01` → `2018-12-01`."""
    y, m = int(day[:4]), int(day[5:7])
    return f"{y - 1:04d}-12-01" if m == 1 else f"{y:04d}-{m - 1:02d}-01"


@dataclass(frozen=True)
class Chart:
    """A chart and everything needed to show it without JavaScript."""

    id: str
    title: str
    kind: str  # "time" (by period), "monthly" (a line by month) or "compare" (across areas)
    points: tuple[Point, ...]
    subject: str = ""  # e.g. "owed to Cambridgeshire", used in the description
    note: str = ""  # the description's last sentence: where derived values come from (a per-head chart's populations)
    series_title: str = "Measure"  # what the series are, heading their column: measures, or councils and medians

    @property
    def unit(self) -> str:
        """The one unit of the chart."""
        return self.points[0].unit

    def ordered(self) -> list[Point]:
        """Points in display order."""
        if self.kind == "compare":
            return sorted(self.points, key=lambda p: (-p.value, p.category))
        return sorted(self.points, key=lambda p: (p.order, p.series, p.category))

    def scale(self) -> tuple[float, str]:
        """Divisor and axis title so money reads in £bn, £m or £k."""
        if self.unit != "GBP":
            return 1.0, {"percent": "Per cent", fmt.PER_HEAD: "£ per head",
                         fmt.PER_100K: "Per 100,000 residents"}.get(self.unit, "Count")
        top = max(abs(p.value) for p in self.points)
        for divisor, title in ((1e9, "£ billion"), (1e6, "£ million"), (1e3, "£ thousand")):
            if top >= divisor:
                return divisor, title
        return 1.0, "£"

    def rows(self) -> list[dict[str, Any]]:
        """The chart's data as Vega-Lite values, scaled to the axis unit."""
        divisor, _ = self.scale()
        rows: list[dict[str, Any]] = [
                {"category": p.category, "series": p.series or self.title, "amount": round(p.value / divisor, 6),
                 "shown": p.value_text,
                 "kind": p.status if p.status in ("claim", "planned") else QUALIFIER_WORDS.get(p.qualifier, "reported")}
                for p in self.ordered()]
        if self.kind == "monthly":  # a line over time: each month at its first day, a missing month breaks it
            missing = {(series, day) for series, _, day in self.gaps()}
            runs: dict[str, int] = {}
            for row, p in zip(rows, self.ordered(), strict=True):
                series, month = str(row["series"]), p.period[0].isoformat() if p.period else ""
                if (series, previous_month(month)) in missing:
                    runs[series] = runs.get(series, 0) + 1
                row["month"], row["run"] = month, f"{series} {runs.get(series, 0)}"  # one line per run of months
        return rows

    def months(self) -> list[tuple[str, str]]:
        """(label, first day) of every month from the first point to the last, gaps included, oldest first."""
        starts = sorted({p.period[0] for p in self.points if p.period})
        if not starts:
            return []
        out, (y, m) = [], (starts[0].year, starts[0].month)
        while (y, m) <= (starts[-1].year, starts[-1].month):
            out.append((f"{MONTHS[m - 1]} {y}", f"{y:04d}-{m:02d}-01"))  # not calendar's: it formats a date each time
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def gaps(self) -> list[tuple[str, str, str]]:
        """(series, month label, first day) for each month within the chart's span that a series has no figure for."""
        have = {(p.series or self.title, p.period[0].isoformat()) for p in self.points if p.period}
        months = self.months()  # once, not once a series
        return [(series, label, day) for series in self.series_names() for label, day in months
                if (series, day) not in have]

    def series_names(self) -> list[str]:
        """Each series once, in name order."""
        return sorted({p.series or self.title for p in self.points})

    def grid(self) -> tuple[list[str], list[tuple[str, list[tuple[str, str, str]], list[tuple[str, str]]]]]:
        """A monthly chart's data as a table: a row per month, a column per series, then the month's sources.

        Each cell is (text, figure id, note); each source (publisher, source id). Worked out once a chart (it is
        shown on its council's page, its embed page and more): not to be changed by whoever reads it.
        """
        return self._grid

    @cached_property
    def _grid(self) -> tuple[list[str], list[tuple[str, list[tuple[str, str, str]], list[tuple[str, str]]]]]:
        """Chart.grid(), kept on the chart (a frozen chart's table never changes)."""
        series = self.series_names()
        cells = {(p.series or self.title, p.period[0].isoformat()): p for p in self.points if p.period}
        rows = []
        for label, day in self.months():
            found = [cells.get((name, day)) for name in series]
            row = [(p.shown + (" (flagged as a likely slip, published as published)" if p.flag else ""),
                    p.figure_id, p.note) if p else ("no figure", "", "") for p in found]
            rows.append((label, row, sorted({p.source for p in found if p and p.source[0]})))
        cited = any(sources for _, _, sources in rows)
        return ["Month", *series, *(["Source"] if cited else [])], Rows(rows)

    def content_key(self) -> str:
        """A hash of everything the spec is made from, so an unchanged chart skips Altair entirely (the cache
        adds the code and library versions, so the code making the spec from these is part of the key): each
        point's fields that its row holds or orders it by, not the row itself (formatting every value of 500 charts
        to hash them took seconds); its note, sources and figure are in its page, not in its spec."""
        points = self.points
        return hashed((SPEC_VERSION, self.title, self.kind, list(map(IN_SPEC, points)), periods(points)))

    def canonical_parts(self) -> tuple[tuple[()], tuple[Any, ...]]:
        """All a chart is, every point's every field included, as plain values, for the page record
        (sitegen.build.reuse.canon): what its repr says, at a third of the cost (9,000 charts on a large site)."""
        points = self.points
        return (), (CHART_FIELDS(self), list(map(POINT_FIELDS, points)), periods(points))

    def description(self) -> str:
        """What the chart shows, in words generated from its data (worked out once a chart, as grid() is)."""
        return self._description

    @cached_property
    def _description(self) -> str:
        """Chart.description(), kept on the chart."""
        from sitegen.site.words import describe  # prose lives apart from the model

        return describe(self) + (f" {self.note}" if self.note else "")

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Headers and formatted rows of the chart's data (worked out once a chart, as grid() is: not to be changed
        by whoever reads it)."""
        return self._table

    @cached_property
    def _table(self) -> tuple[list[str], list[list[str]]]:
        """Chart.table(), kept on the chart."""
        first = "Area" if self.kind == "compare" else "Period"
        if not any(p.series for p in self.points):  # one measure, named by the caption: no column repeating it
            return [first, "Value", "Status"], [[p.category, p.value_text, p.status_text] for p in self.ordered()]
        rows = [[p.category, p.series or self.title, p.value_text, p.status_text] for p in self.ordered()]
        return [first, self.series_title, "Value", "Status"], rows


# Every field but a point's period (dates: periods() gives them as day numbers) and a chart's points, in order
POINT_FIELDS = attrgetter(*(f.name for f in fields(Point) if f.name != "period"))
CHART_FIELDS = attrgetter(*(f.name for f in fields(Chart) if f.name != "points"))


def periods(points: tuple[Point, ...]) -> list[tuple[int, int] | None]:
    """Each point's period as day numbers (None where it has none): what marshal writes, as it writes no date."""
    return [p.period and (p.period[0].toordinal(), p.period[1].toordinal()) for p in points]


def hashed(parts: Any) -> str:
    """A hash of plain values: equal values, equal bytes (marshal), or by their repr where marshal cannot."""
    try:
        data = b"m" + marshal.dumps(parts, 2)
    except ValueError:  # a value of another type than the fields hold (a str subclass, say)
        data = b"r" + repr(parts).encode()
    return hashlib.sha256(data).hexdigest()
