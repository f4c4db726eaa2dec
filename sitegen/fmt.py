"""Formatting for people: £13.0m, £792k, 31 March 2024, 2023-24."""

from __future__ import annotations

import math
from datetime import date

from sitegen.periods import MONTHS

MINUS = "\u2212"


def money(value: float) -> str:
    """£5.36bn, £13.0m, £792k, £950; negatives with a true minus sign."""
    v = abs(value)
    # thresholds sit where rounding would otherwise show £1000.0m or £1000k
    if v >= 999.95e6:
        text = f"{v / 1e9:,.2f}".rstrip("0").rstrip(".") + "bn"
    elif v >= 999.5e3:
        text = f"{v / 1e6:.1f}m"
    elif v >= 999.5:
        text = f"{v / 1e3:.0f}k"
    else:
        text = f"{v:.0f}"
    # a value that rounds to £0 is shown without a sign: never "−£0"
    sign = MINUS if value < 0 and text.strip("0.,bnmk") else ""
    return f"{sign}£{text}"


def number(value: float) -> str:
    """1,234 or 12.5, without float noise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def value(v: float, unit: str) -> str:
    """A value in its unit."""
    if unit == "GBP":
        return money(v)
    if unit == "percent":
        return f"{number(v)}%"
    if unit == PER_HEAD:
        return per_head(v)
    return number(v)


PER_HEAD = "GBP per head"  # a derived unit: pounds per resident, never in the data


def per_head(v: float) -> str:
    """£12.34: pence matter at this scale; a true minus sign."""
    return f"{MINUS if v < 0 else ''}£{abs(v):,.2f}"


QUALIFIERS = {"approximate": "about {}", "at_least": "at least {}",
              "range_lower_bound": "at least {} (lower end of a range)"}


def qualified(text: str, qualifier: str) -> str:
    """`about £13.0m`, `at least £7.0m`; exact values unchanged."""
    return QUALIFIERS.get(qualifier, "{}").format(text)


def long_date(d: date) -> str:
    """31 March 2024."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def financial_year(start_year: int) -> str:
    """2023-24."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def change(old: float, new: float, unit: str) -> str:
    """`an increase of £11.6m (829%)` / `a fall of …` / `no change`."""
    diff = new - old
    if diff == 0:
        return "no change"
    word = "an increase" if diff > 0 else "a fall"
    ratio = abs(diff) / abs(old) * 100 if old else math.inf
    pct = f" ({ratio:,.0f}%)" if math.isfinite(ratio) else ""
    return f"{word} of {value(abs(diff), unit)}{pct}"
