"""Per head on the built real site: each value recomputed from the CSVs with the population of its own year."""

from __future__ import annotations

import csv
import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from conftest import ROOT

from sitegen.text import slugify

REFERENCE = ROOT / "datapackages/reference"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def text(html: str) -> str:
    """Visible text of some HTML, whitespace collapsed (the punctuation only search and screen readers get left out)."""
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def the_mid_year(end: str) -> int:
    """30 June on or before the period's last day, worked out here by hand."""
    day = date.fromisoformat(end)
    return day.year if day >= date(day.year, 6, 30) else day.year - 1


def populations() -> dict[str, dict[int, int]]:
    """Code -> mid-year -> persons: the councils from populations.csv; an abolished council whose area is exactly
    its successors' has their sum (predecessor_areas.csv), any other none."""
    out: dict[str, dict[int, int]] = {}
    for r in read(REFERENCE / "populations.csv"):
        out.setdefault(r["area_code"], {})[int(r["mid_year"])] = int(r["population"])
    for r in read(REFERENCE / "predecessor_areas.csv"):
        if r["same_area"] == "true":
            parts = r["successor_codes"].split()
            out[r["predecessor_code"]] = {y: sum(out[c][y] for c in parts) for y in out[parts[0]]}
    return out


def areas() -> dict[str, dict[str, str]]:
    """Every council and abolished council by code."""
    return {r["code"]: r for name in ("councils.csv", "predecessors.csv") for r in read(REFERENCE / name)}


def compared() -> dict[str, dict[str, str]]:
    """Figure id -> row, for every reported money figure of a council in a period where 10 councils have one."""
    known = areas()
    rows = [r for path in sorted((ROOT / "datapackages").glob("*/figures.csv")) for r in read(path)
            if r["area_code"] in known and r["status"] == "reported" and r.get("flag", "") != "suspect"]
    groups: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for r in rows:
        groups.setdefault((r["measure"], r["period_start"], r["period_end"], r["period_label"]), []).append(r)
    return {r["id"]: r for group in groups.values() if len({r["area_code"] for r in group}) >= 10 for r in group
            if r["unit"] == "GBP"}


def comparison_cells(page: str, figure_id: str) -> list[str]:
    """The cells of a figure's row in a council page's comparison table."""
    row = re.search(rf'<tr id="compare-{re.escape(figure_id)}">(.*?)</tr>', page, re.S)
    assert row, f"no comparison row for {figure_id}"
    return [text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)]


def test_every_per_head_value_on_a_council_page_is_its_figure_over_the_population_of_its_year(
        real_site: Path) -> None:
    people, known, figures = populations(), areas(), compared()
    assert figures, "the real data has comparable money figures"
    checked = 0
    for figure_id, r in sorted(figures.items()):
        area = known[r["area_code"]]
        page = (real_site / "councils" / area["slug"] / "index.html").read_text(encoding="utf-8")
        cell = comparison_cells(page, figure_id)[2]
        year = the_mid_year(r["period_end"])
        if float(r["value"]) == 0:  # nothing reported: said so, never "£0.00 per head"
            assert cell == "none reported", (figure_id, cell)
            continue
        if r["area_code"] not in people:
            assert cell == "not ranked: no population for its area (its page says why)", (figure_id, cell)
            continue
        latest = max(people[r["area_code"]])
        used = min(year, latest)
        head = float(r["value"]) / people[r["area_code"]][used]
        assert cell.startswith(f"£{head:,.2f} per head (mid-{used} population"), (figure_id, cell)
        if used < year:
            assert f"the latest estimate: none yet for mid-{year}" in cell
        item = re.search(rf'<li><a href="[^"]*measures/{re.escape(r["measure"])}/[^"]*">[^<]*</a>, '
                         rf'{re.escape(r["period_label"])}: (.*?)</li>', page)
        assert item, figure_id
        assert f", or £{head:,.2f} per head (mid-{used} population" in text(item.group(1)), figure_id
        checked += 1
    assert checked > 100


def test_an_abolished_council_with_its_successors_area_is_divided_by_their_populations_added_up(
        real_site: Path) -> None:
    same = {r["predecessor_code"]: r["successor_codes"].split() for r in read(REFERENCE / "predecessor_areas.csv")
            if r["same_area"] == "true"}
    assert {"E10000021", "E10000027", "E10000023", "E10000002", "E10000006"} <= set(same)
    people, known, figures = populations(), areas(), compared()
    mine = sorted((i, r) for i, r in figures.items() if r["area_code"] == "E10000021")  # Northamptonshire
    assert mine
    page = (real_site / "councils/northamptonshire-county-council/index.html").read_text(encoding="utf-8")
    for figure_id, r in mine:
        year = the_mid_year(r["period_end"])
        total = sum(int(p["population"]) for p in read(REFERENCE / "populations.csv")
                    if p["area_code"] in same["E10000021"] and int(p["mid_year"]) == year)
        assert total == people["E10000021"][year]
        cell = comparison_cells(page, figure_id)[2]
        names = " and ".join(known[c]["name"] for c in same["E10000021"])
        if float(r["value"]):
            assert cell.startswith(f"£{float(r['value']) / total:,.2f} per head (mid-{year} population of its area, "
                                   f"now {names})")


def test_an_abolished_council_whose_area_is_split_has_no_per_head_and_its_page_says_why(real_site: Path) -> None:
    notes = {r["predecessor_code"]: r["note"] for r in read(REFERENCE / "predecessor_areas.csv")
             if r["same_area"] == "false"}
    assert "E10000009" in notes and "Christchurch" in notes["E10000009"]  # Dorset County Council
    page = (real_site / "councils/dorset-county-council/index.html").read_text(encoding="utf-8")
    identity = text(re.search(r'<dl class="identity">(.*?)</dl>', page, re.S).group(1))  # type: ignore[union-attr]
    assert f"Population {notes['E10000009']}" in identity
    rows = [i for i, r in compared().items() if r["area_code"] == "E10000009"]
    assert rows
    for figure_id in rows:
        assert comparison_cells(page, figure_id)[2] in ("not ranked: no population for its area (its page says why)",
                                                        "none reported")
        assert comparison_cells(page, figure_id)[3] == "not ranked"  # the period is ranked per head: it has none
    sentences = re.search(r'<ul class="narrative">(.*?)</ul>', page.split('id="compare-heading"')[1], re.S)
    assert sentences and not re.search(r"per head \(", text(sentences.group(1)))  # no per-head value of its own


def test_a_measure_period_page_names_the_population_year_of_its_per_head_values(real_site: Path) -> None:
    figures = compared()
    measure, end, label = sorted((r["measure"], r["period_end"], r["period_label"]) for r in figures.values())[0]
    year = the_mid_year(end)
    page = (real_site / "measures" / measure / slugify(label) / "index.html").read_text(encoding="utf-8")
    assert f"Per head (mid-{year} population)" in text(page)
    overview = (real_site / "measures" / measure / "index.html").read_text(encoding="utf-8")
    assert "per head" in text(overview).lower()


@pytest.mark.parametrize("slug", ["kent", "cambridgeshire"])
def test_a_council_page_says_its_latest_population_from_the_reference_csv(real_site: Path, slug: str) -> None:
    council = next(r for r in read(REFERENCE / "councils.csv") if r["slug"] == slug)
    latest = max((int(r["mid_year"]), int(r["population"])) for r in read(REFERENCE / "populations.csv")
                 if r["area_code"] == council["code"])
    page = (real_site / "councils" / slug / "index.html").read_text(encoding="utf-8")
    hidden = '<span class="visually-hidden">: </span>'  # punctuation for search snippets and screen readers
    assert f"<dt>Population{hidden}</dt><dd>{latest[1]:,} (mid-{latest[0]} estimate, ONS)" in page
    assert "mid-2020" not in text(page)
