"""The home page's headline map: the measure named in the settings, each council's latest full year, per resident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from sitegen.config import key_lines, read_settings_text
from sitegen.data import fmt
from sitegen.data.population import basis, rate_of
from sitegen.data.yearly import SUM_NOTE, year_label, year_totals
from sitegen.errors import Problem, problem
from sitegen.site.compare import MIN_COUNCILS, Spread, existed, periods, spread
from sitegen.site.maps import HexMap, draw, quartile_band

if TYPE_CHECKING:
    from sitegen.data.model import Council, Measure, Site


@dataclass(frozen=True)
class Entry:
    """One council's value for the headline period, and per resident where its population is known."""

    council: Council
    value: float
    rate: float | None
    mid_year: int | None


@dataclass(frozen=True)
class Headline:
    """The headline measure's latest period with enough councils to compare, every council's value in it."""

    measure: Measure
    label: str  # `2018-19`
    summed: bool  # True: each value is a financial year's 12 monthly figures added up
    entries: tuple[Entry, ...]  # highest rate first
    gaps: tuple[Council, ...]  # councils of the time with no value for the period
    absent: tuple[Council, ...]  # councils that did not exist yet (or any more)

    @property
    def basis(self) -> str:
        """`per 100,000 residents`, `per head`, or "" for a percentage or ratio, compared as it is."""
        return basis(self.measure.unit)

    @cached_property
    def spread(self) -> Spread | None:
        """England median and quartiles of the rates (of the values, with no basis)."""
        found = spread(e.rate for e in self.entries if e.rate is not None)
        return found if found is not None and found.count >= MIN_COUNCILS else None

    @property
    def mid_years(self) -> str:
        """`mid-2018 population`: the populations the rates use."""
        years = sorted({e.mid_year for e in self.entries if e.mid_year is not None})
        return f"{' and '.join(f'mid-{y}' for y in years)} population" if years else ""

    def rate_text(self, rate: float) -> str:
        """A rate as the site writes it: pence per head, a whole number per 100,000, else the measure's own unit."""
        if self.measure.unit == "GBP":
            return fmt.per_head(rate)
        return f"{fmt.derived(rate, self.measure.unit)} {self.basis}".strip()

    def value_text(self, value: float) -> str:
        """A council's value for the period, rounded only as its figures were."""
        return fmt.derived(value, self.measure.unit) if self.measure.unit == "GBP" else fmt.value(
            value, self.measure.unit)


def headline_problems(site: Site) -> list[Problem]:
    """A headline measure in the settings that no package defines."""
    wanted, root = site.config.headline_measure, site.config.root
    if not wanted or any(m.id == wanted for m in site.measures):
        return []
    path = site.config.settings_file
    line = key_lines(read_settings_text(path, root)).get("headline_measure", 0)
    known = ", ".join(sorted(m.id for m in site.measures)[:8])
    return [problem("setting", f"no data package defines this measure (measures include {known})", str(path), line,
                    "headline_measure", wanted)]


def headline(site: Site) -> Headline | None:
    """The headline measure's latest comparable period, or None (no such setting, or too few councils)."""
    measure = next((m for m in site.measures if m.id == site.config.headline_measure), None)
    if measure is None:
        return None
    return yearly_headline(site, measure) if measure.monthly else period_headline(site, measure)


def yearly_headline(site: Site, measure: Measure) -> Headline | None:
    """A monthly series: the latest financial year in which enough councils published all 12 months."""
    by_year: dict[int, list[tuple[Council, float]]] = {}
    for council in site.councils:
        for total in year_totals([f for f in council.figures if f.measure is measure]):
            by_year.setdefault(total.start_year, []).append((council, total.value))
    years = [y for y, found in by_year.items() if len(found) >= MIN_COUNCILS]
    if not years:
        return None
    year = max(years)
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    return made(site, measure, year_label(year), True, by_year[year], start, end)


def period_headline(site: Site, measure: Measure) -> Headline | None:
    """Any other measure: its latest period with enough councils' reported figures to compare."""
    comparable = [p for p in periods(measure, site.councils) if p.comparable]
    if not comparable:
        return None
    latest = comparable[-1]
    first = latest.figures[0]
    codes = {c.code: c for c in site.councils}
    values = [(codes[f.area.code], f.value) for f in latest.figures if f.area.code in codes]
    return made(site, measure, latest.label, False, values, first.period_start, first.period_end)


def made(site: Site, measure: Measure, label: str, summed: bool, values: list[tuple[Council, float]],
         start: date, end: date) -> Headline:
    """The headline from each council's value for one period."""
    rates = [(c, v, rate_of(c, v, measure.unit, end)) for c, v in values]
    entries = [Entry(c, v, r.value if r else None, r.mid_year if r else None) for c, v, r in rates]
    entries.sort(key=lambda e: (-(e.rate if e.rate is not None else float("-inf")), e.council.short_name))
    having = {e.council.code for e in entries}
    missing = [c for c in site.councils if c.code not in having]
    return Headline(measure, label, summed, tuple(entries), tuple(c for c in missing if existed(c, start)),
                    tuple(c for c in missing if not existed(c, start)))


def headline_map(found: Headline, cells: dict[str, tuple[int, int]]) -> HexMap | None:
    """The headline as a hex map: four bands split at the England quartiles; councils with no value as outlines."""
    middle = found.spread
    if not cells or middle is None:
        return None
    cuts = (middle.lower_quartile, middle.median, middle.upper_quartile)
    of = f"{found.label}{', ' + SUM_NOTE if found.summed else ''}"
    entries = []
    for e in found.entries:
        if e.council.code in cells:
            said = (f"{found.rate_text(e.rate)} (in all, {found.value_text(e.value)} in {of})" if e.rate is not None
                    else f"{found.value_text(e.value)} in {of}; no population for that year")
            entries.append((e.council.code, e.council.short_name, f"councils/{e.council.slug}/",
                            cells[e.council.code], None if e.rate is None else quartile_band(e.rate, cuts), said))
    entries += [(c.code, c.short_name, f"councils/{c.slug}/", cells[c.code], None,
                 f"no value for {found.label}: {why_none(found, c)}") for c in found.gaps if c.code in cells]
    entries += [(c.code, c.short_name, f"councils/{c.slug}/", cells[c.code], None,
                 f"not a council in {found.label}: its predecessors' figures are on its page")
                for c in found.absent if c.code in cells]
    show = found.rate_text
    bands = (f"below {show(cuts[0])}", f"{show(cuts[0])} to {show(cuts[1])}", f"{show(cuts[1])} to {show(cuts[2])}",
             f"above {show(cuts[2])}")
    basis = f", {found.basis} ({found.mid_years})" if found.basis else ""
    total = " Each council's value is the sum of its 12 monthly figures." if found.summed else ""
    return draw(f"map-headline-{found.measure.id}", f"{found.measure.label}, {found.label}{basis}",
                f"One hex per council, coloured in four bands split at the England quartiles.{total} "
                f"{len(found.entries)} councils have a value; {len(found.gaps)} have none and "
                f"{len(found.absent)} were not councils then (an outline only).", entries, bands, "no value")


def why_none(found: Headline, council: Council) -> str:
    """Why a council of the time has no value: months missing from its series, or no figure at all."""
    if not any(f.measure is found.measure for f in council.figures):
        return "no figure for this measure"
    return "not all 12 months published" if found.summed else "no figure for that period"


def headline_words(found: Headline) -> str:
    """`Delayed days attributed to social care, 2018-19: the median council's was 1,234 per 100,000 residents; …`"""
    middle = found.spread
    assert middle is not None, "words only for a headline drawn on a map"
    low = found.rate_text(middle.lower_quartile)
    if found.basis and found.measure.unit != "GBP":  # "between 271 and 1,071 per 100,000 residents": said once
        low = low.removesuffix(f" {found.basis}")
    return (f"{found.measure.label}, {found.label}: the median council's was {found.rate_text(middle.median)}; "
            f"half the councils were between {low} and {found.rate_text(middle.upper_quartile)}.")
