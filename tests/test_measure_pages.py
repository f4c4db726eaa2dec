"""Every measure page of the real site is an overview: a map with its legend; where a period can be ranked, the ten
highest and lowest and (from two such periods) a chart over time; where none can, who has a figure, never a rank."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MIN_COUNCILS = 10  # the site ranks a period from this many councils with a figure

pytestmark = pytest.mark.xdist_group("real")


def read(path: Path) -> list[dict[str, str]]:
    """A CSV's rows."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def council_periods() -> tuple[dict[str, int], dict[str, bool]]:
    """Measure -> how many of its periods can be ranked (reported, unflagged figures of 10 councils or more), and
    measure -> whether any council (or former council) has a figure for it at all; worked out from the CSVs."""
    reference = ROOT / "datapackages" / "reference"
    councils = {r["code"] for r in read(reference / "councils.csv")} | {
        r["code"] for r in read(reference / "predecessors.csv")}
    having: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    any_council: dict[str, bool] = defaultdict(bool)
    for path in sorted((ROOT / "datapackages").glob("*/figures.csv")):
        for r in read(path):
            if r["area_code"] in councils:
                any_council[r["measure"]] = True
                if r["status"] == "reported" and r.get("flag", "") != "suspect":
                    having[(r["measure"], r["period_start"], r["period_end"], r["period_label"])].add(r["area_code"])
    ranked: dict[str, int] = defaultdict(int)
    for (measure, *_), codes in having.items():
        ranked[measure] += len(codes) >= MIN_COUNCILS
    return ranked, any_council


def test_every_measure_page_is_an_overview(real_site: Path) -> None:
    ranked, any_council = council_periods()
    measures = [r["id"] for path in sorted((ROOT / "datapackages").glob("*/measures.csv")) for r in read(path)]
    assert len(measures) > 50
    for measure in measures:
        page = (real_site / "measures" / measure / "index.html").read_text(encoding="utf-8")
        if any_council[measure]:
            assert re.search(r'<figure class="hexmap".*?<ul class="hex-legend"', page, re.S), measure
        highest = "<caption>The 10 highest" in page and "<caption>The 10 lowest" in page
        assert highest == (ranked[measure] > 0), measure
        if ranked[measure] >= 2:
            assert "<h2>Over time</h2>" in page, measure
        if any_council[measure] and not ranked[measure]:
            assert "Which councils have a figure" in page and "Rank" not in page, measure
