"""Per head by the population of the figure's own year: the rules, on SYNTHETIC figures made in code."""

from __future__ import annotations

from datetime import date

import pytest

from sitegen.data.model import Council, Figure, Measure, Predecessor, Source, Topic
from sitegen.data.population import (
    Populations,
    mid_year,
    no_per_head,
    per_head,
    population_line,
    predecessor_populations,
)

TOPIC = Topic("t", "SYNTHETIC topic", 1)
SOURCE = Source("s", "SYNTHETIC source", "Test", None, "https://example.org/", "primary", "high")
MONEY = Measure("m", "SYNTHETIC money", "GBP", "", TOPIC, False, "p")
COUNT = Measure("c", "SYNTHETIC count", "count", "", TOPIC, False, "p")
PEOPLE = {year: 100_000 + 1_000 * (year - 2011) for year in range(2011, 2024)}  # SYNTHETIC


def council(code: str = "E06000999", populations: Populations | None = None) -> Council:
    """A SYNTHETIC council with populations mid-2011 to mid-2023."""
    return Council(code, f"Council {code}", f"C{code[-3:]}", f"c{code[-3:]}",
                   populations=populations if populations is not None else Populations(PEOPLE))


def figure(area: Council, start: date, end: date, label: str, value: float = 1_000_000.0,
           measure: Measure = MONEY) -> Figure:
    """A SYNTHETIC figure of an area."""
    return Figure(f"{area.slug}-{label}", area, measure, value, measure.unit, start, end, label, "exact", "reported",
                  "", SOURCE, "", "", False, None, "p")


@pytest.mark.parametrize(("end", "year"), [
    (date(2017, 3, 31), 2016),  # a financial year 2016-17 -> mid-2016
    (date(2024, 3, 31), 2023),  # a date -> the mid-year on or before it
    (date(2019, 6, 30), 2019),  # 30 June is that year's mid-year
    (date(2019, 6, 29), 2018),
    (date(2019, 12, 31), 2019),  # a calendar year
])
def test_the_mid_year_is_the_30_june_on_or_before_the_period_end(end: date, year: int) -> None:
    assert mid_year(end) == year


def test_a_financial_year_is_divided_by_the_population_of_its_own_mid_year() -> None:
    area = council()
    found = per_head(figure(area, date(2016, 4, 1), date(2017, 3, 31), "2016-17"))
    assert found is not None
    assert (found.mid_year, found.population) == (2016, PEOPLE[2016])
    assert found.value == pytest.approx(1_000_000 / PEOPLE[2016])
    assert found.year_text == "mid-2016 population" and found.label == "per head"


def test_a_figure_after_the_latest_estimate_uses_it_and_says_so() -> None:
    found = per_head(figure(council(), date(2024, 4, 1), date(2025, 3, 31), "2024-25"))
    assert found is not None and (found.mid_year, found.population) == (2023, PEOPLE[2023])
    assert found.year_text == "mid-2023 population, the latest estimate: none yet for mid-2024"


def test_a_figure_before_the_first_estimate_has_no_per_head_and_says_why() -> None:
    f = figure(council(), date(2009, 4, 1), date(2010, 3, 31), "2009-10")
    assert per_head(f) is None
    assert no_per_head(f) == "no population estimate for mid-2009 (they start at mid-2011)"


def test_counts_and_areas_without_populations_have_no_per_head() -> None:
    assert per_head(figure(council(), date(2016, 4, 1), date(2017, 3, 31), "2016-17", 5, COUNT)) is None
    bare = Council("E06000998", "Council", "C", "c")  # a project whose reference data has no populations
    f = figure(bare, date(2016, 4, 1), date(2017, 3, 31), "2016-17")
    assert per_head(f) is None and no_per_head(f) == "no population known"
    assert population_line(bare) == "Not known (the reference data has no population by year)."


def predecessor(successors: list[Council]) -> Predecessor:
    """A SYNTHETIC abolished council."""
    p = Predecessor("E10000999", "Old County Council", "Old County", "old-county-council", "County council",
                    end_date=date(2021, 3, 31), successors=successors)
    return p


def test_an_abolished_council_whose_area_is_its_successors_gets_their_populations_added_up() -> None:
    north, west = council("E06000901"), council("E06000902", Populations({y: 2 * v for y, v in PEOPLE.items()}))
    p = predecessor([north, west])
    table = {c.code: dict(c.populations.by_year) for c in (north, west) if c.populations}
    p.populations = predecessor_populations(
        p, {"same_area": True, "successor_codes": "E06000901 E06000902", "note": ""}, table)
    found = per_head(figure(p, date(2014, 4, 1), date(2015, 3, 31), "2014-15"))
    assert found is not None and found.population == 3 * PEOPLE[2014]
    assert found.year_text == ("mid-2014 population of its area, now Council E06000901 and "
                               "Council E06000902")
    assert population_line(p) == f"{3 * PEOPLE[2020]:,} (mid-2020 estimate, ONS: the population of its area, " \
                                 "now Council E06000901 and Council E06000902)"  # its last mid-year: 2020


def test_an_abolished_council_whose_area_is_split_has_none_and_says_why() -> None:
    p = predecessor([council("E06000901")])
    reason = "SYNTHETIC: part of it went to another council."
    p.populations = predecessor_populations(p, {"same_area": False, "successor_codes": "E06000901", "note": reason},
                                            {"E06000901": PEOPLE})
    f = figure(p, date(2014, 4, 1), date(2015, 3, 31), "2014-15")
    assert per_head(f) is None
    assert no_per_head(f) == "no population for its area (its page says why)"
    assert population_line(p) == reason
