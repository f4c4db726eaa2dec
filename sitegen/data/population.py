"""Populations by mid-year and per-head figures: each figure divided by the population of its own year, or why not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitegen.data.model import Area, Council, Figure, Predecessor
    from sitegen.data.rows import Packages

NO_DATA = "The reference data has no population by year for it."
UNKNOWN = "Not known (the reference data has no population by year)."


@dataclass(frozen=True)
class Populations:
    """An area's population at 30 June of each year; for an abolished council, whose populations add up to it."""

    by_year: Mapping[int, int] = field(default_factory=dict)
    made_of: tuple[str, ...] = ()  # the councils of 2023 whose areas together are exactly its area
    missing: str = ""  # why there is none

    @cached_property  # read for each of an area's figures ranked per head: 48,000 on the real site
    def latest(self) -> int | None:
        """The newest mid-year with an estimate."""
        return max(self.by_year) if self.by_year else None

    @cached_property
    def content(self) -> tuple[Any, ...]:
        """Its values as one hashable tuple (what a per-head figure is worked out from; see site.compare.Period)."""
        return tuple(sorted(self.by_year.items())), self.made_of, self.missing

    @cached_property
    def first(self) -> int | None:
        """The oldest mid-year with an estimate."""
        return min(self.by_year) if self.by_year else None


# The one basis of every comparison across councils, by the figure's unit: money per head, counts (of people,
# of bed-days) per 100,000 residents, each of the figure's own mid-year. Percentages and ratios are compared as
# they are: they are already rates.
BASES: Mapping[str, tuple[int, str]] = {"GBP": (1, "per head"), "count": (100_000, "per 100,000 residents")}


def basis(unit: str) -> str:
    """What a unit is compared on: `per head`, `per 100,000 residents`, or "" (as it is)."""
    return BASES[unit][1] if unit in BASES else ""


@dataclass(frozen=True)
class PerHead:
    """A figure divided by the population of its own mid-year (the latest, for a figure after it), on its basis."""

    value: float
    population: int
    mid_year: int
    wanted: int  # the mid-year of the figure's own period; later than mid_year when no estimate is that new
    made_of: tuple[str, ...] = ()
    unit: str = "GBP"  # the figure's unit: money per head, a count per 100,000 residents

    @property
    def label(self) -> str:
        """`per head`, `per 100,000 residents`."""
        return basis(self.unit)

    @property
    def year_text(self) -> str:
        """`mid-2016 population`; `mid-2023 population, the latest estimate: none yet for mid-2024`."""
        text = f"mid-{self.mid_year} population"
        if self.wanted > self.mid_year:
            text += f", the latest estimate: none yet for mid-{self.wanted}"
        if self.made_of:  # an abolished council: the population of the same area, now its successors'
            text += f" of its area, now {' and '.join(self.made_of)}"
        return text


def mid_year(period_end: date) -> int:
    """The mid-year (30 June) on or before a period's last day: 2016-17 -> 2016; 31 March 2024 -> 2023."""
    return period_end.year if (period_end.month, period_end.day) >= (6, 30) else period_end.year - 1


def per_head(f: Figure) -> PerHead | None:
    """A money figure per resident of its area in its own year; None when not money or there is no population."""
    return rate(f) if f.unit == "GBP" else None


def rate(f: Figure) -> PerHead | None:
    """A figure on its unit's basis (BASES) in its own year; None for a percentage, or when there is no population."""
    return rate_of(f.area, f.value, f.unit, f.period_end)


def rate_of(area: Area, value: float, unit: str, period_end: date) -> PerHead | None:
    """A value of an area's (a figure, or a year's total worked out by the site) on its unit's basis."""
    found = area.populations
    if unit not in BASES or found is None or not found.by_year:
        return None
    wanted, latest, first = mid_year(period_end), found.latest, found.first
    assert latest is not None and first is not None
    year = min(wanted, latest)
    if year < first or year not in found.by_year:
        return None
    people, per = found.by_year[year], BASES[unit][0]
    return PerHead(value / people * per, people, year, wanted, found.made_of, unit)


def no_per_head(f: Figure) -> str:
    """Why a figure has no value on its basis, in a few words ("" when it has one, or has no basis)."""
    if f.unit not in BASES or rate(f) is not None:
        return ""
    found = f.area.populations
    if found is None or not found.by_year:
        return "no population for its area (its page says why)" if found is not None else "no population known"
    return f"no population estimate for mid-{mid_year(f.period_end)} (they start at mid-{found.first})"


def population_line(area: Area) -> str:
    """What a council page says of its population: the latest estimate (an abolished council's, its last year's)."""
    found = area.populations
    if found is None or not found.by_year:
        return found.missing if found is not None and found.missing else UNKNOWN
    end = getattr(area, "end_date", None)
    latest = found.latest
    assert latest is not None
    year = min(latest, mid_year(end)) if end else latest
    if year not in found.by_year:
        return f"No estimate before mid-{found.first}."
    what = f"mid-{year} estimate, ONS"
    if found.made_of:
        what += f": the population of its area, now {' and '.join(found.made_of)}"
    return f"{found.by_year[year]:,} ({what})"


def population_source(packages: Packages) -> str:
    """The title of the populations' source, from the resource's own descriptor ("" when there is none)."""
    reference = packages.packages.get("reference")
    resource = reference.resources.get("populations") if reference else None
    if resource is None:
        return ""
    sources = resource.descriptor.get("sources") or [{}]
    return str(sources[0].get("title") or "the reference data's populations by year")


def population_note(packages: Packages) -> str:
    """How per-head figures are worked out, with the populations' source (from the resource's own descriptor)."""
    title = population_source(packages)
    if not title:
        return "This site's reference data has no population by year, so no figure is given per head."
    return ("Money is compared per head, counts (of bed-days) per 100,000 residents, percentages as they are. "
            "Per head divides each figure by its council's population in the figure's own year: the estimate at "
            "30 June on or before the period's last day (2016-17 uses mid-2016; 31 March 2024 uses mid-2023), or "
            "the latest estimate for a later figure, which then says so. An abolished council has a population "
            "only where its area is exactly that of one council of 2023 or several together. "
            f"Populations: {title}, Open Government Licence v3.0.")


def read_populations(packages: Packages) -> dict[str, dict[int, int]]:
    """Area code -> mid-year -> persons, from the reference package's populations (empty when it has none)."""
    out: dict[str, dict[int, int]] = {}
    for r in packages.rows("reference", "populations"):
        out.setdefault(r["area_code"], {})[int(r["mid_year"])] = int(r["population"])
    return out


def link_populations(packages: Packages, councils: Mapping[str, Council],
                     predecessors: Mapping[str, Predecessor]) -> None:
    """Each council its populations; an abolished one its successors' added up, only where its area is theirs."""
    table = read_populations(packages)
    if not table:
        return  # a project without populations by year: no per-head figures, and the pages say none
    for code, council in councils.items():
        council.populations = Populations(table[code]) if code in table else Populations(missing=NO_DATA)
    areas = {r["predecessor_code"]: r for r in packages.rows("reference", "predecessor_areas")}
    for code, p in predecessors.items():
        p.populations = predecessor_populations(p, areas.get(code), table)


def predecessor_populations(p: Predecessor, area: Mapping[str, object] | None,
                            table: Mapping[str, Mapping[int, int]]) -> Populations:
    """Its successors' populations added up year by year, where its area is exactly theirs; else why none."""
    if area is None:
        return Populations(missing="The reference data does not say whether its area is its successors'.")
    if not area["same_area"]:
        return Populations(missing=str(area.get("note") or "Its area is not that of its successors together."))
    codes = sorted(str(area["successor_codes"]).split())
    if codes != sorted(s.code for s in p.successors) or not all(c in table for c in codes):
        return Populations(missing="Its successors in the reference data are not the councils its area went to.")
    years = set.intersection(*(set(table[c]) for c in codes))
    return Populations({y: sum(table[c][y] for c in codes) for y in sorted(years)},
                       tuple(s.name for s in p.successors))
