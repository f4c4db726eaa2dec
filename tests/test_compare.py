"""Comparisons across councils, checked against numbers recomputed here by hand (SYNTHETIC figures, made in code)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.data.model import Council, Figure, Measure, Source, Topic
from sitegen.data.population import Populations
from sitegen.site.compare import (
    MIN_COUNCILS,
    all_periods,
    all_positions,
    period_words,
    periods,
    position,
    position_words,
    positions,
    spread,
)

TOPIC = Topic("bcf", "SYNTHETIC topic", 1)
SOURCE = Source("s", "SYNTHETIC source", "Test", None, "https://example.org/", "primary", "high")


def make_councils(n: int) -> list[Council]:
    """SYNTHETIC councils in two regions and two types, mid-2023 populations 100,000 upwards (mid-2022: 1,000 fewer)."""
    return [Council(f"E0600{i:04d}", f"Council {i}", f"C{i:02d}", f"c{i}",
                    type="Unitary authority" if i % 2 else "County council",
                    region="North" if i < n // 2 else "South",
                    populations=Populations({2022: 99_000 + 10_000 * i, 2023: 100_000 + 10_000 * i}))
            for i in range(n)]


def add_figures(measure: Measure, councils: list[Council], values: list[float | None], label: str = "2023-24",
                start: date = date(2023, 4, 1), end: date = date(2024, 3, 31)) -> None:
    """One SYNTHETIC figure per council (None: a gap)."""
    for council, value in zip(councils, values, strict=True):
        if value is None:
            continue
        f = Figure(f"{council.slug}-{label}", council, measure, value, measure.unit, start, end, label, "exact",
                   "reported", "", SOURCE, "", "", False, None, "p")
        measure.figures.append(f)
        council.figures.append(f)


def people(council: Council) -> int:
    """A SYNTHETIC council's mid-2023 population (always set)."""
    assert council.populations
    return council.populations.by_year[2023]


def quartiles_by_hand(values: list[float]) -> tuple[float, float, float]:
    """Lower quartile, median, upper quartile by linear interpolation between order statistics."""
    v = sorted(values)

    def at(p: float) -> float:
        k = (len(v) - 1) * p
        lo = int(k)
        return v[lo] + (v[min(lo + 1, len(v) - 1)] - v[lo]) * (k - lo)

    return at(0.25), at(0.5), at(0.75)


@pytest.fixture
def world() -> tuple[Measure, list[Council], list[float | None]]:
    councils = make_councils(14)
    values: list[float | None] = [3e6, 1e6, None, 5e6, 2e6, 2e6, 8e6, 4e6, None, 7e6, 6e6, 9e6, 1.5e6, 2.5e6]
    measure = Measure("m", "SYNTHETIC measure", "GBP", "", TOPIC, False, "p")
    add_figures(measure, councils, values)
    return measure, councils, values


def test_rank_median_quartiles_and_per_head_match_a_recount(world: tuple[Measure, list[Council], list]) -> None:
    measure, councils, values = world
    [period] = periods(measure, councils)
    heads = {c.code: v / people(c) for c, v in zip(councils, values, strict=True) if v is not None}
    assert period.comparable and len(period.figures) == 12 and period.basis == "per head"
    assert [c.short_name for c in period.gaps] == ["C02", "C08"]
    lq, med, uq = quartiles_by_hand(list(heads.values()))  # money: every median per head, as the rank
    assert period.spread is not None
    assert (period.spread.lower_quartile, period.spread.median, period.spread.upper_quartile) == pytest.approx(
        (lq, med, uq))
    council = councils[4]
    mine = 2e6 / people(council)
    p = position(next(f for f in council.figures), period)
    assert p is not None
    assert p.rank == 1 + sum(h > mine for h in heads.values()) and p.lower == sum(h < mine for h in heads.values())
    assert p.per_head is not None and p.per_head.value == pytest.approx(mine)
    assert p.per_head.mid_year == 2023 and p.per_head.population == people(council)
    north = [h for c in councils if c.region == "North" and (h := heads.get(c.code)) is not None]
    assert p.region is not None and p.region.median == pytest.approx(quartiles_by_hand(north)[1])
    same = [h for c in councils if c.type == council.type and (h := heads.get(c.code)) is not None]
    assert p.same_type is not None and p.same_type.median == pytest.approx(quartiles_by_hand(same)[1])
    words = position_words(p)
    assert f"higher than {p.lower} of the 12 councils with a figure for 2023-24, compared per head" in words
    assert words.startswith(f"£2m, or £{mine:,.2f} per head (mid-2023 population): ")
    assert f"the England median is £{med:,.2f} per head" in words


def test_counts_are_compared_per_100000_residents(world: tuple[Measure, list[Council], list]) -> None:
    _, councils, values = world
    days = Measure("d", "SYNTHETIC delayed days", "count", "", TOPIC, False, "p")
    add_figures(days, councils, [None if v is None else v / 1000 for v in values])
    [period] = periods(days, councils)
    rates = {c.code: v / 1000 / people(c) * 100_000 for c, v in zip(councils, values, strict=True) if v is not None}
    assert period.basis == "per 100,000 residents"
    assert period.spread is not None and period.spread.median == pytest.approx(quartiles_by_hand([*rates.values()])[1])
    p = position(councils[0].figures[-1], period)
    assert p is not None and p.rank == 1 + sum(r > rates[councils[0].code] for r in rates.values())
    assert f"{rates[councils[0].code]:,.1f} per 100,000 residents (mid-2023 population)" in position_words(p)


def test_a_nil_median_is_said_in_words() -> None:
    councils = make_councils(12)
    measure = Measure("m", "SYNTHETIC measure", "GBP", "", TOPIC, False, "p")
    values: list[float | None] = [*[0.0] * 8, *[1e6] * 4]
    add_figures(measure, councils, values)
    [period] = periods(measure, councils)
    none, some = position(councils[0].figures[0], period), position(councils[-1].figures[0], period)
    assert none is not None and some is not None
    assert position_words(none) == ("£0: one of the 8 of the 12 councils with a figure for 2023-24 that reported "
                                    "none; at least half the councils reported none.")
    assert "; at least half the councils reported none." in position_words(some)
    assert "£0.00" not in position_words(some)
    assert period.median_text(period.spread) == "at least half reported none"
    assert period.spread is not None
    assert period_words(period) == ("12 of 12 councils have a figure for 2023-24. Compared per head (mid-2023 "
                                    "population), 12 of them ranked. At least half the councils reported none; about "
                                    f"a quarter have more than £{period.spread.upper_quartile:,.2f} per head.")


def test_fewer_than_ten_councils_get_words_and_no_ranking() -> None:
    councils = make_councils(MIN_COUNCILS + 2)
    measure = Measure("m", "SYNTHETIC measure", "GBP", "", TOPIC, False, "p")
    add_figures(measure, councils, [float(i) for i in range(MIN_COUNCILS - 1)] + [None, None, None])
    [period] = periods(measure, councils)
    assert not period.comparable and period.spread is None
    assert position(period.figures[0], period) is None
    assert positions(councils[0], [measure], councils) == {}


def test_periods_are_kept_apart_and_percentages_have_no_per_head(world: tuple[Measure, list, list]) -> None:
    measure, councils, _ = world
    add_figures(measure, councils, [1.0] * 14, "2024-25", date(2024, 4, 1), date(2025, 3, 31))
    assert [p.label for p in periods(measure, councils)] == ["2023-24", "2024-25"]
    share = Measure("s", "SYNTHETIC share", "percent", "", TOPIC, False, "p")
    add_figures(share, councils, [float(i) for i in range(14)])
    [period] = periods(share, councils)
    assert not period.per_head and not period.basis
    p = position(period.figures[0], period)
    assert p is not None and p.per_head is None and "per head" not in position_words(p)


def test_spread_needs_two_values() -> None:
    assert spread([1.0]) is None
    assert spread([1.0, 3.0]) is not None


@given(st.lists(st.one_of(st.none(), st.integers(-10**9, 10**9).map(float)), min_size=10, max_size=40))
@settings(max_examples=60, deadline=None)
def test_ranks_match_a_count_for_any_values(values: list[float | None]) -> None:
    councils = make_councils(len(values))
    measure = Measure("m", "SYNTHETIC measure", "GBP", "", TOPIC, True, "p")
    add_figures(measure, councils, values)
    known = [v for v in values if v is not None]
    found = positions_of(measure, councils)
    if len(known) < MIN_COUNCILS:
        assert found == {}
        return
    heads = [v / people(c) for c, v in zip(councils, values, strict=True) if v is not None]
    for council, value in zip(councils, values, strict=True):
        if value is None:
            continue
        p = found[council.figures[0].id]
        mine = value / people(council)  # money: ranked per head
        assert p.rank == 1 + sum(h > mine for h in heads) and p.lower == sum(h < mine for h in heads)


def positions_of(measure: Measure, councils: list[Council]) -> dict:
    return all_positions(all_periods([measure], councils))
