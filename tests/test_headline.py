"""The home page's headline map (the measure named in sitegen.toml) and the coverage pages it replaced there."""

from __future__ import annotations

import csv
import html
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from conftest import MINI, copy_project

ROOT = Path(__file__).resolve().parent.parent
MEASURE = "delayed-days-social-care"

pytestmark = pytest.mark.xdist_group("real")


def read(path: Path) -> list[dict[str, str]]:
    """A CSV's rows."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def whole(value: float) -> str:
    """A whole number, half up, with thousands separators."""
    return f"{int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP)):,}"


def rates_2018_19() -> dict[str, float]:
    """Each council's social-care delayed days in 2018-19 per 100,000 residents (mid-2018), recomputed from the CSVs."""
    months: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read(ROOT / "datapackages" / "delayed-transfers" / "figures.csv"):
        if row["measure"] == MEASURE and "2018-04-01" <= row["period_start"] <= "2019-03-01":
            months[row["area_code"]].append(row)
    reference = ROOT / "datapackages" / "reference"
    people = {r["area_code"]: int(r["population"]) for r in read(reference / "populations.csv")
              if r["mid_year"] == "2018"}
    councils = {r["code"] for r in read(reference / "councils.csv")}
    return {code: sum(float(r["value"]) for r in rows) / people[code] * 100_000 for code, rows in months.items()
            if code in councils and len(rows) == 12 and code in people
            and all(r["status"] == "reported" and r["qualifier"] == "exact" and not r["flag"] for r in rows)}


def test_the_home_page_maps_the_headline_measure_per_100000_residents(real_site: Path) -> None:
    page = html.unescape((real_site / "index.html").read_text(encoding="utf-8"))
    rates = rates_2018_19()
    lower, median, upper = statistics.quantiles(sorted(rates.values()), n=4, method="inclusive")
    assert (f"Delayed days attributed to social care, 2018-19: the median council's was {whole(median)} per 100,000 "
            f"residents; half the councils were between {whole(lower)} and {whole(upper)} per 100,000 residents."
            in page)
    assert "Delayed days attributed to social care, 2018-19, per 100,000 residents (mid-2018 population)" in page
    labels = dict(re.findall(r'<a href="councils/([^/]+)/index.html" aria-label="[^:"]+: ([^"]+)">', page))
    total = re.search(r"\(in all, ([\d,]+) in 2018-19", labels["kent"])
    assert total and labels["kent"] == (f"{whole(rates['E10000016'])} per 100,000 residents (in all, {total.group(1)} "
                                        "in 2018-19, the sum of its 12 monthly figures)")
    assert labels["cumberland"].startswith("not a council in 2018-19")  # a successor of 2023: an outline, not a 0
    assert labels["isles-of-scilly"] == "no value for 2018-19: no figure for this measure"
    legend = re.search(r'<ul class="hex-legend".*?</ul>', page, re.S)
    assert legend and f"below {whole(lower)} per 100,000 residents" in legend.group()
    assert "Where figures have been found" not in page  # the coverage map moved to the coverage page


def test_coverage_moved_to_its_pages_one_map_a_topic(real_site: Path) -> None:
    index = (real_site / "coverage" / "index.html").read_text(encoding="utf-8")
    assert 'id="map-topics-caption"' in index
    topics = re.findall(r'<a href="../coverage/([a-z-]+)/index.html">Which councils, on a map</a>', index)
    assert "delayed-transfers" in topics and len(topics) >= 5
    for topic in topics:
        page = (real_site / "coverage" / topic / "index.html").read_text(encoding="utf-8")
        assert f'id="map-topic-{topic}-caption"' in page


def test_a_headline_measure_no_package_defines_is_refused_with_its_line(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "project")
    settings = project / "sitegen.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + 'headline_measure = "no-such-measure"\n',
                        encoding="utf-8")
    line = settings.read_text(encoding="utf-8").splitlines().index('headline_measure = "no-such-measure"') + 1
    result = subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=project, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{settings}\n  line {line}, field headline_measure, value 'no-such-measure': no data package defines" \
        in result.stderr
    assert not (project / "build").exists()
