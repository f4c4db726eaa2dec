"""Financial-year totals worked out from monthly figures, only where all 12 months are published: never stored."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from sitegen.data.model import Figure, Measure

MONTHS_IN_YEAR = 12
SUM_NOTE = "the sum of its 12 monthly figures"  # how every derived total is labelled


def is_monthly(f: Figure) -> bool:
    """A figure in a monthly series (see Measure.monthly): charted and summed, never listed one by one."""
    return f.measure.monthly


def financial_year(day: date) -> int:
    """The year a financial year (April to March) starts in."""
    return day.year if day.month >= 4 else day.year - 1


def year_label(start_year: int) -> str:
    """`2018-19`."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


@dataclass(frozen=True)
class YearTotal:
    """A measure's total for one financial year, summed from its 12 published months."""

    measure: Measure
    start_year: int
    value: float

    @property
    def label(self) -> str:
        """`2018-19`."""
        return year_label(self.start_year)


def summable(f: Figure) -> bool:
    """A month that may go into a total: reported as exact by the source itself, and not flagged as a slip."""
    return f.status == "reported" and f.qualifier == "exact" and not f.flag and not f.claimant


def year_totals(figures: list[Figure]) -> list[YearTotal]:
    """Each measure's financial-year totals, oldest first; a year with a month missing (or not summable) has none."""
    years: dict[tuple[str, int], list[Figure]] = {}  # one pass, no sort: a council page asks three times
    for f in figures:
        if is_monthly(f):
            years.setdefault((f.measure.id, financial_year(f.period_start)), []).append(f)
    out = []
    for (_, year), months in sorted(years.items()):  # keys differ: no two lists are compared
        if len({f.period_start for f in months}) == len(months) == MONTHS_IN_YEAR and all(map(summable, months)):
            months.sort(key=attrgetter("period_start"))  # summed in order of month, as a reader adds them up
            out.append(YearTotal(months[0].measure, year, sum(f.value for f in months)))
    return out
