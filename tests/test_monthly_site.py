"""The monthly delayed transfers on the built real site: every month on its area's page, yearly sums, measure pages."""

from __future__ import annotations

import csv
import html
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "datapackages" / "delayed-transfers"
CELL = re.compile(r'<td class="num" id="figure-([^"]+)">([^<]*)(?:<br><span class="note">([^<]*)</span>)?</td>')
MONTHS = 105  # April 2011 to December 2019
MEASURES = ["delayed-days-both", "delayed-days-social-care", "delayed-days-nhs"]  # the totals' columns: label order

pytestmark = pytest.mark.xdist_group("real")


def rows() -> list[dict[str, str]]:
    """The package's figures, as committed."""
    with (PACKAGE / "figures.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def financial_year(period_start: str) -> str:
    """`2018-04-01` → `2018-19`."""
    year, month = int(period_start[:4]), int(period_start[5:7])
    first = year if month >= 4 else year - 1
    return f"{first}-{(first + 1) % 100:02d}"


@pytest.fixture(scope="module")
def cells(real_site: Path) -> dict[str, tuple[str, str, str]]:
    """Figure id -> (page it is on, the text of its cell, its note), from every area page of the built site."""
    found: dict[str, tuple[str, str, str]] = {}
    for page in sorted((real_site / "councils").glob("*/index.html")):
        for figure_id, text, note in CELL.findall(page.read_text(encoding="utf-8")):
            assert figure_id not in found, f"{figure_id} is on two pages"
            found[figure_id] = (page.parent.name, html.unescape(text), html.unescape(note))
    return found


def test_every_month_of_every_area_is_on_its_page_as_published(cells: dict[str, tuple[str, str, str]]) -> None:
    figures = rows()
    assert len(figures) == 47_820
    for row in figures:
        page, text, note = cells[row["id"]]
        assert row["id"].startswith(page + "-"), f"{row['id']} is on {page}'s page"
        assert text.replace(",", "") == row["published_value"], row["id"]
        assert note == row["note"], row["id"]  # April 2019's inferred BCP row says it is an inference
    assert any("Bournemouth UA" in row["note"] for row in figures if row["area_code"] == "E06000058")


def test_each_area_charts_its_three_series_and_shows_its_gaps_as_gaps(real_site: Path) -> None:
    months: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows():
        months[row["id"].split("-delayed-days-")[0]].add((row["measure"], row["period_start"]))
    assert len(months) >= 152  # 151 councils or predecessors, and England
    for slug, have in months.items():
        page = (real_site / "councils" / slug / "index.html").read_text(encoding="utf-8")
        chart = re.search(r'<figure class="chart" id="chart-(council-[a-z0-9-]+-by-month)".*?</figure>', page, re.S)
        assert chart, f"{slug}: no monthly chart"
        table = chart.group(0)
        assert "Delayed days attributed to the NHS" in table and "Delayed days attributed to social care" in table
        starts = sorted({start for _, start in have})
        span = (int(starts[-1][:4]) - int(starts[0][:4])) * 12 + int(starts[-1][5:7]) - int(starts[0][5:7]) + 1
        measures = {m for m, _ in have}
        expected_gaps = span * len(measures) - len(have)
        assert table.count(">no figure</td>") == expected_gaps, slug
        assert (real_site / "charts" / f"{chart.group(1)}.svg").is_file()


def test_yearly_totals_are_the_sum_of_twelve_published_months(real_site: Path) -> None:
    sums: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for row in rows():
        if row["id"].startswith("cambridgeshire-"):
            sums[(row["measure"], financial_year(row["period_start"]), row["period_start"])].append(int(row["value"]))
    year = {(m, fy): 0 for m, fy, _ in sums}
    count = dict.fromkeys(year, 0)
    for (m, fy, _), values in sums.items():
        year[(m, fy)] += sum(values)
        count[(m, fy)] += 1
    page = (real_site / "councils" / "cambridgeshire" / "index.html").read_text(encoding="utf-8")
    table = page.split('<table class="year-totals">')[1].split("</table>")[0]
    row_2018 = re.search(r'<th scope="row">2018-19</th>(.*?)</tr>', table).group(1)  # type: ignore[union-attr]
    shown = re.findall(r'<td class="num">([^<]*)</td>', row_2018)
    expected = [year[(m, "2018-19")] for m in MEASURES]
    assert [int(s.replace(",", "")) for s in shown] == expected
    assert count[("delayed-days-nhs", "2018-19")] == 12
    assert "2019-20" not in table  # nine months only: no total, never a part-year sum called a year
    assert f"{expected[1]:,} in 2018-19 (the sum of its 12 monthly figures)" in page


def test_a_year_with_a_missing_month_has_no_total(real_site: Path) -> None:
    by_year: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows():
        by_year[(row["id"].split("-delayed-days-")[0], financial_year(row["period_start"]), row["measure"])] += 1
    # a year with a month missing (a gap in the workbook, not a council's first or last year) has no total
    short = sorted((slug, fy, m) for (slug, fy, m), n in by_year.items() if n < 12 and fy != "2019-20"
                   and by_year.get((slug, str(int(fy[:4]) - 1) + "-" + fy[2:4], m)) == 12)
    assert short, "the data has a gap within a whole year"
    with (PACKAGE / "measures.csv").open(encoding="utf-8", newline="") as f:
        labels = {m["id"]: html.escape(m["label"]) for m in csv.DictReader(f)}
    for slug, fy, measure in short:
        page = (real_site / "councils" / slug / "index.html").read_text(encoding="utf-8")
        table = page.split('<table class="year-totals">')[1].split("</table>")[0]
        year_row = re.search(rf'<th scope="row">{fy}</th>(.*?)</tr>', table)
        if year_row:  # the year has other measures' totals: this measure's cell says why it has none
            cells = re.findall(r'<td class="num">([^<]*)</td>', year_row.group(1))
            assert cells[MEASURES.index(measure)] == "not all 12 months published", (slug, fy, measure)
        sentence = re.search(rf"<li>{re.escape(labels[measure])}: [^<]*</li>", page)
        assert sentence and f"in {fy} (the sum" not in sentence.group(0), (slug, fy, measure)  # nor in words


def test_a_measure_page_is_an_overview_with_a_page_per_month(real_site: Path) -> None:
    folder = real_site / "measures" / "delayed-days-social-care"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Latest: December 2019" in page
    # counts of bed-days are ranked per 100,000 residents, as the rank on every council page
    assert "The 10 highest per 100,000 residents" in page
    assert "The 10 lowest per 100,000 residents, lowest first" in page
    assert 'id="chart-measure-delayed-days-social-care-over-time"' in page
    assert page.count('<li><a href="') >= MONTHS
    assert len(page.encode()) < 300_000
    periods = [p for p in folder.iterdir() if p.is_dir()]
    assert len(periods) == MONTHS
    december = {r["area_code"] for r in rows() if r["measure"] == "delayed-days-social-care"
                and r["period_start"] == "2019-12-01" and r["area_code"] != "E92000001"}
    month = (folder / "december-2019" / "index.html").read_text(encoding="utf-8")
    ranked = month.split('<table class="compare"')[1].split("</table>")[0]
    assert ranked.count("<tr>") - 1 == len(december)


def test_a_successor_points_to_its_predecessors_monthly_figures(real_site: Path) -> None:
    page = (real_site / "councils" / "bournemouth-christchurch-and-poole" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Delayed days attributed to the NHS: \d+ monthly figures, April 2011 to March 2019", page)
    assert "councils/bournemouth-borough-council/index.html#figures-by-topic" in page
    for former in ("bournemouth-borough-council", "borough-of-poole", "dorset-county-council"):
        assert f'id="chart-council-{former}-delayed-transfers-count-by-month"' in page  # its chart, drawn here too


def test_every_council_shows_its_own_or_its_predecessors_delayed_days(real_site: Path) -> None:
    reference = ROOT / "datapackages" / "reference"
    with (reference / "councils.csv").open(encoding="utf-8", newline="") as f:
        councils = list(csv.DictReader(f))
    assert len(councils) == 153
    without = [c["slug"] for c in councils if "-by-month\"" not in (real_site / "councils" / c["slug"] / "index.html")
               .read_text(encoding="utf-8")]
    assert without == ["isles-of-scilly"]  # in no workbook: its page says it has no figures of its own
