"""Name matching: councils and NHS bodies as sources write them, to codes in the reference package."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from sitegen.importers.names import area_index, body_index, counterparty, norm

REFERENCE = Path(__file__).resolve().parent.parent / "datapackages" / "reference"


def rows(name: str) -> list[dict[str, str]]:
    """Rows of a reference resource."""
    with (REFERENCE / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def areas():
    """The index of the committed reference package."""
    return area_index(rows("councils"), rows("predecessors"), rows("successions"), rows("nations"),
                      aliases={"Wirral Council": "E08000015"})


@pytest.mark.parametrize(("reported", "code"), [
    ("Stockton on Tees", "E06000004"),
    ("Telford and the Wrekin", "E06000020"),
    ("Telford & Wrekin Council", "E06000020"),
    ("Kingston upon Hull", "E06000010"),
    ("Hammersmith and Fulham (London Borough)", "E09000013"),
    ("Isles of Scilly", "E06000053"),
    ("England", "E92000001"),
    ("Wirral Council", "E08000015"),
])
def test_a_council_is_found_however_the_source_spells_it(areas, reported: str, code: str) -> None:
    assert areas.code(reported) == code


def test_a_name_shared_by_a_council_and_its_predecessor_is_resolved_by_date(areas) -> None:
    assert areas.code("North Yorkshire", date(2015, 3, 31)) == "E10000023"
    assert areas.code("North Yorkshire", date(2023, 3, 31)) == "E10000023"
    assert areas.code("North Yorkshire", date(2023, 4, 1)) == "E06000065"
    assert areas.code("North Yorkshire") == "E06000065"
    assert areas.code("Dorset", date(2016, 3, 31)) == "E10000009"


def test_an_abolished_council_is_found_only_while_it_existed(areas) -> None:
    assert areas.code("Bournemouth", date(2017, 3, 31)) == "E06000028"
    assert areas.code("Poole", date(2017, 3, 31)) == "E06000029"
    assert areas.code("Bournemouth", date(2020, 3, 31)) is None


def test_an_unknown_or_district_name_is_not_guessed(areas) -> None:
    assert areas.code("Gloucester") is None
    assert areas.code("Atlantis") is None


def test_every_council_name_is_distinct_once_normalised() -> None:
    names = [norm(r["name"]) for r in rows("councils")]
    assert len(set(names)) == len(names)


def test_nhs_bodies_are_matched_only_when_named_exactly_enough() -> None:
    bodies = body_index(rows("icbs"), rows("former_ccgs"))
    assert counterparty("NHS (Cambridgeshire and Peterborough ICB)", bodies) == (
        "E54000056", "Cambridgeshire and Peterborough ICB", True)
    assert counterparty("Norfolk and Waveney Integrated Care Board", bodies)[0] == "E54000022"
    assert bodies.code("NHS Norfolk CCGs") == ""
    assert bodies.code("Sandwell and West Birmingham Hospitals NHS Trust") == ""
