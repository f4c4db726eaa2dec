"""Formatting for people: £13m, £792k, 31 March 2024, 2023-24."""

from __future__ import annotations

import calendar
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from sitegen.data.population import PerHead

MINUS = "\u2212"


UNITS = ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m"), (Decimal(10) ** 4, "k"))


def money(value: float) -> str:
    """A reported amount as precisely as its source gave it: £13m, £1.4m, £15.233m, £792k, £12,345,678."""
    amount = abs(Decimal(str(value)))
    text = compact(amount) or whole(amount)
    # a value that shows as £0 is shown without a sign: never "−£0"
    sign = MINUS if value < 0 and text.strip("0.,bnmk") else ""
    return f"{sign}£{text}"


def compact(amount: Decimal) -> str | None:
    """`13m`, `5.36bn`, `792k` when that is the exact amount (at most 3 decimals), else None."""
    for scale, suffix in UNITS:
        if amount >= scale:
            unit = Decimal(1000) if suffix == "k" else scale  # thousands only from £10,000: £9,500 stays whole
            shown = amount / unit
            places = Decimal(1) if suffix == "k" else Decimal("0.001")  # £792k, never £147.999k
            if shown < 1000 and shown == shown.quantize(places):
                return f"{shown.normalize():f}{suffix}"
            return None
    return None


def whole(amount: Decimal) -> str:
    """`12,345,678`, or with its pence as given: `15.50`, `15.233`."""
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    places = max(2, -int(amount.normalize().as_tuple().exponent))
    return f"{amount:,.{places}f}"


def rounded_money(value: float) -> str:
    """A derived amount (a median, a per-head figure), rounded for reading: £5.36bn, £13.0m, £792k, £950."""
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


def derived(v: float, unit: str) -> str:
    """A value worked out by the site (a median, a quartile) in its unit: money rounded for reading."""
    if unit == "count":  # a median of whole numbers can end in .5, a quartile in .25: counts stay whole
        return number(float(Decimal(str(v)).quantize(Decimal(1), ROUND_HALF_UP)))
    return rounded_money(v) if unit == "GBP" else value(v, unit)


def per_head(v: float) -> str:
    """£12.34: pence matter at this scale; a true minus sign."""
    return f"{MINUS if v < 0 else ''}£{abs(v):,.2f}"


QUALIFIERS = {"approximate": "about {}", "at_least": "at least {}",
              "range_lower_bound": "at least {} (lower end of a range)"}


def qualified(text: str, qualifier: str) -> str:
    """`about £13.0m`, `at least £7.0m`; exact values unchanged."""
    return QUALIFIERS.get(qualifier, "{}").format(text)


def in_sentence(speaker: str) -> str:
    """`The chief executive of …` as it reads inside a sentence: `the chief executive of …`."""
    return "the " + speaker[4:] if speaker.startswith("The ") else speaker


def status_text(status: str, speaker: str) -> str:
    """How a figure stands, saying whose it is: `Claim by X`, `Planned by X`, `Reported, said by X`."""
    speaker = in_sentence(speaker)
    if status == "claim":
        return f"Claim by {speaker}"
    if status == "planned":
        return f"Planned by {speaker}" if speaker else "Planned"
    return f"Reported, said by {speaker}" if speaker else "Reported"


def long_date(d: date) -> str:
    """31 March 2024."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"  # as periods.MONTHS names them


def change(old: float, new: float, unit: str) -> str:
    """`an increase of £11.6m (829%)` / `a fall of …` / `no change`."""
    diff = float(Decimal(str(new)) - Decimal(str(old)))  # in decimal: 4211000 - 3948293.08 is 262706.92, exactly
    if diff == 0:
        return "no change"
    word = "an increase" if diff > 0 else "a fall"
    ratio = abs(diff) / abs(old) * 100 if old else math.inf
    pct = f" ({ratio:,.0f}%)" if math.isfinite(ratio) else ""
    return f"{word} of {value(abs(diff), unit)}{pct}"


def per_head_text(value: float) -> str:
    """`£12.34 per head`: pence matter at this scale."""
    return f"{per_head(value)} per head"


def per_head_words(head: PerHead) -> str:
    """`£12.34 per head (mid-2016 population)`: a per-head value always names its population."""
    return f"{per_head_text(head.value)} ({head.year_text})"
