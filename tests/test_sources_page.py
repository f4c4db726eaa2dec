"""The sources page on the real site: every source has its anchor; a monthly return's editions are one series."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.xdist_group("real")


def test_every_source_has_one_anchor_and_the_monthly_editions_are_one_series_in_order(real_site: Path) -> None:
    page = (real_site / "sources" / "index.html").read_text(encoding="utf-8")
    ids = [row["id"] for path in sorted((ROOT / "datapackages").glob("*/sources.csv"))
           for row in csv.DictReader(path.open(encoding="utf-8", newline=""))]
    anchors = [a for a in re.findall(r'id="source-([^"]+)"', page) if not a.endswith("-title")]  # not headings
    assert sorted(anchors) == sorted(ids)  # a figure's link to its source always lands
    series = re.search(r'<h2 id="series-[^"]+">Delayed Transfer of Care, NHS Organisations, England</h2>\s*'
                       r'<p>NHS England: 105 editions, April 2011 \(local authority basis\) to December 2019 '
                       r'\(local authority basis\)\.(.*?)</section>', page, re.S)
    assert series, "the 105 monthly workbooks are one series"
    months = re.findall(r'<li id="source-src-dtoc-(\d{4}-\d\d)">', series.group(1))
    assert len(months) == 105 and months == sorted(months)
    assert ('<li id="source-src-dtoc-2011-04"><a href="https://www.england.nhs.uk/statistics/statistical-work-areas/'
            'delayed-transfers-of-care/" rel="noopener noreferrer">April 2011 (local authority basis)</a>, published '
            '27 May 2011: 456 figures</li>') in series.group(1)  # each edition links its own address
