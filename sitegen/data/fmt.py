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


def value(v: float, unit: str, precision: float | None = None) -> str:
    """A value in its unit, no more precisely than its precision (None: as the data holds it)."""
    if unit == "GBP":
        return money_at(v, precision)
    if unit == "percent":
        return f"{number_at(v, precision)}%"
    if unit == PER_HEAD:
        return per_head(v)
    if unit == PER_100K:
        return on_basis(v, unit)
    return number_at(v, precision)


THOUSANDS = "GBP thousands"
PENNY, POUND, GRAND = Decimal("0.01"), Decimal(1), Decimal(1000)


def shown_precision(precision: float | None, published_value: str = "", published_unit: str = "") -> float | None:
    """How finely a figure is shown: its `precision`, coarsened where the file's digits are not the source's."""
    if published_unit == THOUSANDS:
        # a return collected in £ thousands: its decimals (5074.08, 3948.29308) stay in the source line
        return max(precision or 1000.0, 1000.0)
    if published_unit == "GBP" and decimals(published_value) > 2:
        # digits below a penny (9493273.969999999) mean a spreadsheet worked the value out in floating point:
        # its pence are float noise, not pence the source gave, so it is shown to the pound
        return max(precision or 1.0, 1.0)
    return precision or None  # 0 is not a precision: not recorded


def exactly(precision: float | None) -> Decimal | None:
    """A precision as the decimal it was written as (`0.01`, not the float nearest it); None: not recorded."""
    return Decimal(str(precision)) if precision else None


def decimals(text: str) -> int:
    """How many decimal places a published number is written with (`5074.08` -> 2)."""
    return len(text.strip().partition(".")[2])


def at(amount: Decimal, step: Decimal) -> Decimal:
    """An amount rounded to the nearest multiple of step, halves away from zero."""
    return (amount / step).quantize(POUND, ROUND_HALF_UP) * step


def places(step: Decimal) -> int:
    """Decimal places that write every multiple of step exactly: 0.1 -> 1, 0.25 -> 2, 1000 -> 0."""
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# Money is written by its precision alone, so figures of one precision share a format in any list. From
# £1,000: £k, £m or £bn, with the decimals the precision gives and trailing zeros kept (to £1,000: £12.900m,
# £792k; to £0.1m: £13.0m; to £1m: £13m), never more than three (£1,244.340m, not £1.244340bn). Finer than
# £1,000: the amount in full, to the pound (£3,992,149), with pence only when the source gave pennies.
def money_at(value: float, given: float | None) -> str:
    """Reported money in the one format its precision decides (None: as the data holds it), by the rule above."""
    precision = exactly(given)
    if precision is None:
        return money(value)
    precision = money_step(precision)
    amount = at(abs(Decimal(str(value))), precision)
    text = f"{amount:,.{2 if precision < POUND else 0}f}"
    if precision >= GRAND:
        for scale, suffix in ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m"), (GRAND, "k")):
            if amount >= scale and places(precision / scale) <= 3:
                text = f"{amount / scale:,.{places(precision / scale)}f}{suffix}"
                break
    sign = MINUS if value < 0 and amount else ""  # a value that shows as £0 is shown without a sign
    return f"{sign}£{text}"


def money_step(precision: Decimal) -> Decimal:
    """How finely money of a precision is written: pence only for pennies, a tenth of a pound to the pound."""
    return precision if precision >= POUND else PENNY if precision <= PENNY else POUND


def number_at(value: float, given: float | None) -> str:
    """A count or percentage to its precision: 5, 12.5 (precision None: as the data holds it)."""
    precision = exactly(given)
    if precision is None:
        return number(value)
    return f"{at(Decimal(str(value)), precision):,.{places(precision)}f}"


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


MONTHS = tuple(calendar.month_name[m] for m in range(1, 13))  # looked up once: calendar formats a date each time


def long_date(d: date) -> str:
    """31 March 2024."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


# A change is the difference of the two values as shown, to the finer of their precisions (£1.4m to £13m:
# £11.6m). Its percentage is a whole percent at most and, when both precisions are known, has no more
# significant figures than the least precise of the old value, the new one and their difference (to the
# coarser precision): £1.4m to £13m (two each) gives "about 830%", never "829%"; a difference smaller than
# the coarser precision gives none. A change of a percentage is in percentage points, with no percentage.
def change(old: float, new: float, unit: str, precision: tuple[float | None, float | None] = (None, None)) -> str:
    """`an increase of £11.6m (about 830%)`, `a fall of 4 percentage points`, `no change`, by the rule above."""
    p_old, p_new = exactly(precision[0]), exactly(precision[1])
    steps = (p_old, p_new) if p_old and p_new else None  # either unknown: as the data holds them, as before
    if steps and unit == "GBP":
        steps = (money_step(steps[0]), money_step(steps[1]))
    a, b = Decimal(str(old)), Decimal(str(new))
    if steps:
        a, b = at(a, steps[0]), at(b, steps[1])
    diff = b - a  # in decimal: 4211000 - 3948293.08 is 262706.92, exactly
    if diff == 0:
        return "no change"
    word = "an increase" if diff > 0 else "a fall"
    finer = float(min(steps)) if steps else None
    if unit == "percent":  # a percentage of a percentage misleads
        points = number_at(float(abs(diff)), finer)
        return f"{word} of {points} percentage point{'' if points == '1' else 's'}"
    return f"{word} of {value(float(abs(diff)), unit, finer)}{share(a, b, steps)}"


def share(old: Decimal, new: Decimal, steps: tuple[Decimal, Decimal] | None) -> str:
    """` (829%)`, ` (about 830%)` or nothing: the change as a percentage of the old value, by the rule above."""
    if not old:
        return ""
    if steps is None:
        ratio_f = abs(float(new - old)) / abs(float(old)) * 100
        return f" ({ratio_f:,.0f}%)" if math.isfinite(ratio_f) else ""
    ratio = abs(new - old) / abs(old) * 100
    known = [(old, steps[0]), (new - old, max(steps))] + ([(new, steps[1])] if new else [])  # a zero has no digits
    figures = min(v.adjusted() - step.adjusted() + 1 for v, step in known)  # £1.4m to £0.1m: 2
    whole = ratio.quantize(POUND, ROUND_HALF_UP)
    if figures < 1:
        return ""
    if not whole or figures > whole.adjusted():
        return f" ({whole:,}%)"
    return f" (about {at(ratio, Decimal(10) ** (whole.adjusted() - figures + 1)):,.0f}%)"


PER_100K = "count per 100,000 residents"  # a derived unit: a count for every 100,000 residents, never in the data


def on_basis(v: float, unit: str) -> str:
    """A value on its unit's basis, without the label: £12.34 (money per head), 123.4 (a count per 100,000)."""
    if unit == "count" or unit == PER_100K:
        return f"{MINUS if v < 0 else ''}{abs(v):,.1f}"
    return per_head(v) if unit in ("GBP", PER_HEAD) else derived(v, unit)


def rate_text(v: float, unit: str, label: str) -> str:
    """`£12.34 per head`, `123.4 per 100,000 residents`: a value on its basis (population.basis), labelled."""
    return f"{on_basis(v, unit)} {label}" if label else derived(v, unit)


def rate_words(r: PerHead) -> str:
    """`£12.34 per head (mid-2016 population)`: a value on a basis always names its population."""
    return f"{rate_text(r.value, r.unit, r.label)} ({r.year_text})"


NONE_REPORTED = "at least half reported none"  # a median of nil: said, never "£0.00 per head"


def median_text(v: float, unit: str, label: str) -> str:
    """A median as a table cell: on its basis (labelled) where the comparison has one, in words where it is nil."""
    if v == 0:
        return NONE_REPORTED
    return rate_text(v, unit, label) if label else derived(v, unit)
