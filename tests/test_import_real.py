"""Each adapter against the real official file: counts, councils covered, and values checked by hand."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sitegen.importers import ascfr_keyed, ascfr_labelled, ascfr_wide, bcf_eoy
from sitegen.importers.core import Reading, gap, read_raw
from sitegen.importers.run import ENGLAND, load_areas, rows_of

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT.parent / "shared" / "data" / "official"
pytestmark = pytest.mark.skipif(not OFFICIAL.is_dir(), reason="needs ../shared/data/official")
AREAS = load_areas(ROOT / "datapackages" / "reference")


def imported(layout: Any, name: str) -> tuple[Reading, dict[tuple[str, str], dict[str, str]]]:
    """What an adapter reads from a real file, and its figure rows by (area, measure)."""
    raw = read_raw(OFFICIAL / name)
    assert layout.detect(raw)
    reading = layout.read(raw, AREAS)
    return reading, {(r["area_code"], r["measure"]): r for r in rows_of(reading, AREAS)}


def councils(reading: Reading) -> set[str]:
    """Areas covered, England aside."""
    return {cell.area for cell in reading.cells} - {ENGLAND}


def test_ascfr_2014_15_wide() -> None:
    reading, rows = imported(ascfr_wide, "ascfr/pss-exp-eng-14-15-fin-coun-lev-exp-data.csv")
    assert (len(reading.cells), reading.gaps, len(councils(reading))) == (304, 0, 152)
    # checked by hand in the raw file, line 2665 (Income from NHS) and line 2664 (joint arrangements)
    assert rows[("E10000006", "asc-income-from-nhs")]["value"] == "14484960"  # 102 - Cumbria: 14484.96
    assert rows[("E06000057", "asc-income-from-nhs")]["value"] == "6367000"  # 104 - Northumberland: 6367
    assert rows[("E06000027", "asc-income-from-nhs")]["value"] == "4823730"  # 914 - Torbay: 4823.73
    assert rows[("E08000037", "asc-income-from-joint-arrangements")]["value"] == "232000"  # 106 - Gateshead: 232
    assert rows[("E08000021", "asc-income-from-joint-arrangements")]["value"] == "0"  # Newcastle: a reported 0
    assert rows[("E10000006", "asc-income-from-nhs")]["precision"] == "10"
    assert {"E06000028", "E06000029", "E10000009", "E10000023"} <= councils(reading)  # old codes kept


def test_ascfr_2015_16_labelled() -> None:
    reading, rows = imported(ascfr_labelled, "ascfr/pss-exp-eng-15-16-fin-add-data.csv")
    assert (len(reading.cells), reading.gaps, len(councils(reading))) == (103, 49, 103)
    # item 8328110, checked by hand: lines 3, 131, 515, 4163, 4611
    assert rows[("E10000006", "asc-income-from-bcf")]["value"] == "36013000"  # Cumbria: 36013
    tyneside = rows[("E08000022", "asc-income-from-bcf")]  # North Tyneside: 15.233, a suspect unit slip
    assert (tyneside["value"], tyneside["published_value"], tyneside["flag"]) == ("15233", "15.233", "suspect")
    assert ("E08000019", "asc-income-from-bcf") not in rows  # Sheffield: blank, a gap
    assert rows[("E06000028", "asc-income-from-bcf")]["value"] == "0"  # Bournemouth: a reported 0
    assert rows[("E06000053", "asc-income-from-bcf")]["value"] == "15000"  # Isles of Scilly: 15
    assert [r["area_code"] for r in rows.values() if r["flag"]] == ["E08000022"]


def test_ascfr_2016_17_keyed() -> None:
    reading, rows = imported(ascfr_keyed, "ascfr/CSV ASCFR Additional.csv")
    assert (len(reading.cells), reading.gaps, len(councils(reading)), len(reading.skipped)) == (120, 32, 119, 9)
    # item 8328110, checked by hand: lines 2, 3, 156, 203, 5123
    assert ("E10000006", "asc-income-from-bcf") not in rows  # Cumbria: ':'
    assert rows[("E06000057", "asc-income-from-bcf")]["value"] == "825000"  # Northumberland: 825
    assert rows[("E08000022", "asc-income-from-bcf")]["value"] == "15724000"  # North Tyneside: 15724
    assert ("E08000025", "asc-income-from-bcf") not in rows  # Birmingham: ':'
    assert rows[(ENGLAND, "asc-income-from-bcf")]["value"] == "1244340320"  # England: 1244340.32
    assert "E06000053" not in councils(reading)  # the Isles of Scilly are absent from this file


def test_bcf_end_of_year_2022_23() -> None:
    reading, rows = imported(bcf_eoy, "bcf-eoy/BCF.csv")
    assert (len(reading.cells), reading.gaps, len(councils(reading)), reading.skipped) == (
        261, 41, 147, ["line 153: Total"])
    # checked by hand: lines 10, 50, 138, 146
    bed, home = "bcf-planned-bed-based-intermediate-care", "bcf-planned-reablement-at-home"
    assert rows[("E06000009", bed)]["value"] == "4563258" and ("E06000009", home) not in rows  # Blackpool, NA
    assert rows[("E06000052", bed)]["value"] == "8884000"  # Cornwall & Scilly, one board
    kent = rows[("E10000016", bed)]  # Kent: to the penny; the extract's own digits kept beside it
    assert (kent["value"], kent["published_value"]) == ("26512560.93", "26512560.932641156")
    assert rows[("E10000027", bed)]["value"] == "2280000"  # Somerset County Council, still its code in 2022-23
    assert rows[("E06000052", home)]["value"] == "5647512"
    assert {r["status"] for r in rows.values()} == {"planned"}


def test_2016_17_regions_and_england_equal_the_sum_of_their_councils() -> None:
    raw = read_raw(OFFICIAL / "ascfr" / "CSV ASCFR Additional.csv")
    header = raw.records[0]
    rows = [dict(zip(header, r, strict=True)) for r in raw.records[1:] if r[0] == "8328110"]
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row["GEOGRAPHY_CODE"] and not gap(row["ItemValue"]):
            sums[row["REGION_GO_CODE"]] += Decimal(row["ItemValue"])
            sums[ENGLAND] += Decimal(row["ItemValue"])
    totals = {r["REGION_GO_CODE"]: Decimal(r["ItemValue"]) for r in rows if not r["GEOGRAPHY_CODE"]}
    assert len(totals) == 10
    for region, total in totals.items():
        assert abs(sums[region] - total) < Decimal("0.01"), region


def test_the_committed_figures_are_what_the_importers_make() -> None:
    with (ROOT / "datapackages" / "official-returns" / "figures.csv").open(encoding="utf-8", newline="") as handle:
        committed = {r["id"]: r for r in csv.DictReader(handle)}
    made: dict[str, dict[str, str]] = {}
    for layout, name in ((ascfr_wide, "ascfr/pss-exp-eng-14-15-fin-coun-lev-exp-data.csv"),
                         (ascfr_labelled, "ascfr/pss-exp-eng-15-16-fin-add-data.csv"),
                         (ascfr_keyed, "ascfr/CSV ASCFR Additional.csv"), (bcf_eoy, "bcf-eoy/BCF.csv")):
        made |= {r["id"]: r for r in imported(layout, name)[1].values()}
    assert len(made) == 788
    for ident, row in made.items():
        assert {k: v for k, v in committed[ident].items() if v} == {k: v for k, v in row.items() if v}, ident
