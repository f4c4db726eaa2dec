"""Values and changes are written no more precisely than their sources gave them, one format per precision."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.data import fmt

D = Decimal
MONEY = re.compile(r"^(\u2212?)£(\d{1,3}(?:,\d{3})*)(?:\.(\d+))?(bn|m|k)?$")
SCALE = {"bn": D(10) ** 9, "m": D(10) ** 6, "k": D(1000), None: D(1)}
STEPS = [D("0.01"), D("0.1"), D(1), D(10), D(100), D(1000), D(10000), D(100000), D(10) ** 6, D(10) ** 7,
         D(10) ** 8, D(10) ** 9]


def read(text: str) -> tuple[Decimal, Decimal]:
    """`£12.900m` -> (12900000, 1000): the amount a text states and how finely it states it."""
    match = MONEY.match(text)
    assert match, text
    sign, whole, decimals, suffix = match.groups()
    digits = D(whole.replace(",", "") + (f".{decimals}" if decimals else ""))
    shown = digits * SCALE[suffix] * (-1 if sign else 1)
    return shown, SCALE[suffix] / D(10) ** len(decimals or "")


@pytest.mark.parametrize(("value", "precision", "shown"), [
    (13_000_000, "1000000", "£13m"), (13_000_000, "100000", "£13.0m"), (1_400_000, "100000", "£1.4m"),
    (12_900_000, "1000", "£12.900m"), (15_457_000, "1000", "£15.457m"), (792_000, "1000", "£792k"),
    (10_000_000, "10000000", "£10m"), (5_360_000_000, "10000000", "£5.36bn"), (1_000_000_000, "1000000000", "£1bn"),
    (1_244_340_320, "1000", "£1,244.340m"), (3_992_149, "1", "£3,992,149"), (2_032_000, "1", "£2,032,000"),
    (9_493_273.97, "1", "£9,493,274"), (2_793_587.99, "0.01", "£2,793,587.99"), (348_653.7, "0.1", "£348,654"),
    (335_900, "100", "£335,900"), (-660_000, "10000", "\u2212£660k"), (0, "1000000", "£0"), (-0.4, "1", "£0"),
    (999_500, "1000", "£1.000m"),
])
def test_money_at_examples(value: float, precision: str, shown: str) -> None:
    assert fmt.money_at(value, float(precision)) == shown


def test_money_without_a_precision_is_shown_as_before() -> None:
    for value in (13_000_000, 15_233, 15.5, 9_493_273.97, -660_000):
        assert fmt.money_at(value, None) == fmt.money(value)


@given(st.integers(min_value=-10**13, max_value=10**13), st.sampled_from(STEPS))
def test_money_at_states_the_value_rounded_to_its_precision_and_no_finer(cents: int, step: Decimal) -> None:
    value = D(cents) / 100
    text = fmt.money_at(float(value), float(step))
    shown, stated = read(text)
    suffix = MONEY.match(text).group(4)  # type: ignore[union-attr]
    if step >= 1000 and shown:  # £k, £m, £bn: the digits the precision gives (a whole unit at coarsest)
        assert suffix and stated == min(step, SCALE[suffix]), text
    elif step < 1000:  # in full: to the pound, pence only for pennies
        assert stated == (D("0.01") if step == D("0.01") else D(1)), text
    unit = max(step, stated) if step >= 1 else stated
    assert abs(shown - value) <= unit / 2, text


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=10**9),
       st.sampled_from(STEPS))
def test_two_amounts_of_one_precision_share_a_format(a: int, b: int, step: Decimal) -> None:
    texts = tuple(fmt.money_at(float(n * step), float(step)) for n in (a, b))  # values as given: multiples of it
    suffixes = [MONEY.match(t).group(4) for t in texts]  # type: ignore[union-attr]
    assert all(suffixes) if step >= 1000 else not any(suffixes), texts  # compact from £1,000, else in full
    if suffixes[0] == suffixes[1]:  # in one unit, the same decimals
        assert read(texts[0])[1] == read(texts[1])[1], texts


@pytest.mark.parametrize(("precision", "published", "unit", "shown"), [
    (1000.0, "15457", "GBP thousands", 1000.0), (10.0, "5074.08", "GBP thousands", 1000.0),
    (0.01, "3948.29308", "GBP thousands", 1000.0), (0.01, "9493273.969999999", "GBP", 1.0),
    (0.01, "2793587.99", "GBP", 0.01), (1.0, "3992149", "GBP", 1.0), (100000.0, "", "", 100000.0),
    (None, "", "", None), (0.0, "", "", None), (None, "12900", "GBP thousands", 1000.0),
])
def test_shown_precision(precision: float | None, published: str, unit: str, shown: float | None) -> None:
    assert fmt.shown_precision(precision, published, unit) == shown


@pytest.mark.parametrize(("old", "new", "unit", "precision", "text"), [
    (1.4e6, 13e6, "GBP", ("100000", "1000000"), "an increase of £11.6m (about 830%)"),
    (1.4e6, 13e6, "GBP", (None, None), "an increase of £11.6m (829%)"),  # precision not recorded: as before
    (15_457_000, 16_071_000, "GBP", ("1000", "1000"), "an increase of £614k (4%)"),
    (11_280_000, 0, "GBP", ("1000", "1000"), "a fall of £11.280m (100%)"),
    (16.6e6, 19.3e6, "GBP", ("100000", "100000"), "an increase of £2.7m (16%)"),
    (13e6, 13.4e6, "GBP", ("1000000", "100000"), "an increase of £400k"),  # within the coarser precision: no %
    (2e6, 9e6, "GBP", ("1000000", "1000000"), "an increase of £7m (about 400%)"),  # 350% to one figure
    (3_948_293.08, 4_211_000, "GBP", ("1000", "1000"), "an increase of £263k (7%)"),  # as shown: £3.948m
    (82, 40, "percent", ("1", "10"), "a fall of 42 percentage points"),
    (5, 6, "percent", ("1", "1"), "an increase of 1 percentage point"),
    (1_000_000.4, 1_000_000.2, "GBP", ("1", "1"), "no change"),  # the same pound as shown
    (348_653.7, 348_654.2, "GBP", ("0.1", "0.1"), "no change"),  # money to 10p is shown to the pound: £348,654
])
def test_change_is_no_more_precise_than_its_values(old: float, new: float, unit: str,
                                                  precision: tuple[str | None, str | None], text: str) -> None:
    steps = (float(precision[0]) if precision[0] else None, float(precision[1]) if precision[1] else None)
    assert fmt.change(old, new, unit, steps) == text


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**6),
       st.sampled_from(STEPS[2:]), st.sampled_from(STEPS[2:]))
def test_a_percentage_has_no_more_significant_figures_than_its_values(a: int, b: int, p: Decimal, q: Decimal) -> None:
    old, new = D(a) * p, D(b) * q
    text = fmt.change(float(old), float(new), "GBP", (float(p), float(q)))
    found = re.search(r"\((about )?([\d,]+)%\)$", text)
    if not found:
        return
    digits = found.group(2).replace(",", "").rstrip("0") or "0"
    figures = [old.adjusted() - p.adjusted() + 1, (new - old).adjusted() - max(p, q).adjusted() + 1]
    figures += [new.adjusted() - q.adjusted() + 1] if new else []
    assert len(digits) <= max(1, min(figures)), text
    assert bool(found.group(1)) == (len(str(round(abs(new - old) / old * 100))) > min(figures)), text
