"""Period labels (`2023-24`, `31 March 2024`, …) and the dates they stand for."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

MONTHS = [calendar.month_name[m] for m in range(1, 13)]
_MONTH = "(" + "|".join(MONTHS) + ")"
_FY = r"(\d{4})-(\d{2})"
_DAY = r"(\d{1,2}) " + _MONTH + r" (\d{4})"

FORMS = (
    "financial year `2023-24`",
    "run of financial years `2017-18 to 2019-20`",
    "day `31 March 2024`",
    "run of days `1 January 2004 to 14 January 2004`",
    "month `March 2024`",
    "calendar year `2019`",
)


def _fy(start: str, end: str) -> tuple[date, date] | None:
    """Dates of financial year `start`-`end` (April to March), or None if the years don't follow."""
    year = int(start)
    if (year + 1) % 100 != int(end):
        return None
    return date(year, 4, 1), date(year + 1, 3, 31)


def _day(d: str, month: str, year: str) -> date | None:
    """A calendar date from its parts, or None if there is no such day."""
    try:
        return date(int(year), MONTHS.index(month) + 1, int(d))
    except ValueError:
        return None


def _month(month: str, year: str) -> tuple[date, date]:
    """First and last day of a month."""
    m, y = MONTHS.index(month) + 1, int(year)
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def period_dates(label: str) -> tuple[date, date] | None:
    """The start and end dates a label stands for, or None when it is not one of FORMS."""
    if m := re.fullmatch(_FY, label):
        return _fy(*m.groups())
    if m := re.fullmatch(_FY + " to " + _FY, label):
        first, last = _fy(*m.groups()[:2]), _fy(*m.groups()[2:])
        return (first[0], last[1]) if first and last and first[0] <= last[0] else None
    if m := re.fullmatch(_DAY, label):
        day = _day(*m.groups())
        return (day, day) if day else None
    if m := re.fullmatch(_DAY + " to " + _DAY, label):
        start, end = _day(*m.groups()[:3]), _day(*m.groups()[3:])
        return (start, end) if start and end and start <= end else None
    if m := re.fullmatch(_MONTH + r" (\d{4})", label):
        return _month(*m.groups())
    if m := re.fullmatch(r"(\d{4})", label):
        return date(int(label), 1, 1), date(int(label), 12, 31)
    return None


def label_from_reported(period: str, kind: str) -> str | None:
    """A label for a cleanly reported period (`2024-03-31` or `2023-24`), else None."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        d = date.fromisoformat(period)
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if kind == "financial_year" and re.fullmatch(_FY, period):
        return period
    return None


def is_month(start: date, end: date) -> bool:
    """Whether a period is one whole calendar month."""
    # the month's last day is the one whose next day is a first (December's is the 31st: date.max has no next day):
    # a third of monthrange's cost, asked of every figure of every measure
    return (start.day == 1 and end.month == start.month and end.year == start.year
            and (end.day == 31 if end.month == 12 else (end + ONE_DAY).day == 1))


ONE_DAY = timedelta(days=1)


def months_spanned(start: date, end: date) -> int:
    """Whole months a period spans (0 for a day, 12 for a year): the one rule for a period's length."""
    return round((end - start).days / 30.4)


def years_spanned(start: date, end: date) -> int:
    """Whole years a period spans (0 for a day or a month, 1 for a year)."""
    return round(months_spanned(start, end) / 12)


def consecutive(first: tuple[date, date], then: tuple[date, date]) -> bool:
    """Whether `then` directly follows `first`: the next day's balance a year on, or the next span."""
    (start, end), (next_start, next_end) = first, then
    if start == end and next_start == next_end:  # balances at a date, usually a year apart
        return 0 < (next_end - end).days <= 366
    return (next_start - end).days == 1
