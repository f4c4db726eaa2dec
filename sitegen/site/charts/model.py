"""The chart model: points, series and what a chart shows, independent of how it is drawn."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitegen.data import fmt

if TYPE_CHECKING:
    from datetime import date

SPEC_VERSION = 4  # bump when the spec builder changes, so cached specs are rebuilt
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

    @property
    def value_text(self) -> str:
        """The value with its qualifier, as precisely as its source gave it: `about £5.0m`."""
        return fmt.qualified(fmt.value(self.value, self.unit, self.precision), self.qualifier)

    @property
    def shown(self) -> str:
        """The value as a reader should take it: `about £5m`, `£10m (claim by X)`."""
        if self.status == "reported" and not self.claimant:
            return self.value_text
        return f"{self.value_text} ({self.status_text})"

    @property
    def status_text(self) -> str:
        """`reported`, or whose claim, plan or statement it is (`claimant` holds whoever that is)."""
        text = fmt.status_text(self.status, self.claimant)
        return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Chart:
    """A chart and everything needed to show it without JavaScript."""

    id: str
    title: str
    kind: str  # "time" (by period) or "compare" (across areas)
    points: tuple[Point, ...]
    subject: str = ""  # e.g. "owed to Cambridgeshire", used in the description
    note: str = ""  # the description's last sentence: where derived values come from (a per-head chart's populations)

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
            return 1.0, {"percent": "Per cent", fmt.PER_HEAD: "£ per head"}.get(self.unit, "Count")
        top = max(abs(p.value) for p in self.points)
        for divisor, title in ((1e9, "£ billion"), (1e6, "£ million"), (1e3, "£ thousand")):
            if top >= divisor:
                return divisor, title
        return 1.0, "£"

    def rows(self) -> list[dict[str, Any]]:
        """The chart's data as Vega-Lite values, scaled to the axis unit."""
        divisor, _ = self.scale()
        return [{"category": p.category, "series": p.series or self.title, "amount": round(p.value / divisor, 6),
                 "shown": p.value_text,
                 "kind": p.status if p.status in ("claim", "planned") else QUALIFIER_WORDS.get(p.qualifier, "reported")}
                for p in self.ordered()]

    def content_key(self) -> str:
        """A hash of everything the spec is made from, so an unchanged chart skips Altair entirely (the cache
        adds the code and library versions)."""
        made_of = [SPEC_VERSION, self.title, self.kind, self.rows()]
        return hashlib.sha256(json.dumps(made_of, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def description(self) -> str:
        """What the chart shows, in words generated from its data."""
        from sitegen.site.words import describe  # prose lives apart from the model

        return describe(self) + (f" {self.note}" if self.note else "")

    def table(self) -> tuple[list[str], list[list[str]]]:
        """Headers and formatted rows of the chart's data."""
        first = "Area" if self.kind == "compare" else "Period"
        if not any(p.series for p in self.points):  # one measure, named by the caption: no column repeating it
            return [first, "Value", "Status"], [[p.category, p.value_text, p.status_text] for p in self.ordered()]
        rows = [[p.category, p.series or self.title, p.value_text, p.status_text] for p in self.ordered()]
        return [first, "Measure", "Value", "Status"], rows
