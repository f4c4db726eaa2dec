"""Statistical neighbours on the built real site: the 10 of each council, and their median in every comparison."""

from __future__ import annotations

import calendar
import csv
import re
import statistics
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from pathlib import Path

import pytest
from basis import PER, on_basis, populations, rate_text
from conftest import ROOT

REFERENCE = ROOT / "datapackages/reference"
SHARED = ROOT.parent / "shared" / "data" / "reference" / "neighbours"
MONTH_NAMES = {calendar.month_name[m] for m in range(1, 13)}
LABEL = "statistical neighbours (Department for Education, 2025 model, built for children's services)"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def text(html: str) -> str:
    """Visible text of some HTML, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def money(v: float) -> str:
    """A median as the site rounds money for reading (the cases these tests meet)."""
    sign, v = ("\u2212" if v < 0 else ""), abs(v)
    if v >= 999.95e6:
        shown = f"{v / 1e9:,.2f}".rstrip("0").rstrip(".") + "bn"
    elif v >= 999.5e3:
        shown = f"{v / 1e6:.1f}m"
    else:
        shown = f"{v / 1e3:.0f}k" if v >= 999.5 else f"{v:.0f}"
    return f"{sign}£{shown}"


def shown(v: float, unit: str) -> str:
    """A median as the site writes it in its unit: money rounded for reading, counts and percentages plainly."""
    if unit == "GBP":
        return money(v)
    if unit == "count":  # a median of counts is shown whole, half rounded up
        return f"{int(Decimal(str(v)).quantize(Decimal(1), ROUND_HALF_UP)):,}"
    plain = f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
    return plain + ("%" if unit == "percent" else "")


def neighbours() -> dict[str, list[str]]:
    """Council code -> its neighbours' codes, closest first, from the reference CSV."""
    out: dict[str, list[tuple[int, str]]] = {}
    for r in read(REFERENCE / "neighbours.csv"):
        out.setdefault(r["council_code"], []).append((int(r["rank"]), r["neighbour_code"]))
    return {code: [c for _, c in sorted(pairs)] for code, pairs in out.items()}


def test_each_council_page_lists_exactly_its_10_neighbours_linked_and_labelled(real_site: Path) -> None:
    councils = {r["code"]: r for r in read(REFERENCE / "councils.csv")}
    found = neighbours()
    assert set(found) == set(councils) and all(len(v) == 10 for v in found.values())
    for code, council in councils.items():
        page = (real_site / "councils" / council["slug"] / "index.html").read_text(encoding="utf-8")
        section = re.search(r'<section class="neighbours".*?</section>', page, re.S)
        assert section, council["name"]
        links = re.findall(r'<li><a href="\.\./\.\./councils/([^"/]+)/index\.html">([^<]+)</a>', section.group(0))
        assert [(slug, unescape(name)) for slug, name in links] == [
            (councils[c]["slug"], councils[c]["short_name"]) for c in found[code]]
        assert LABEL in unescape(section.group(0))


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside this checkout")
def test_the_neighbours_are_dfes_with_its_numbers_resolved_to_gss_codes() -> None:
    newest: dict[str, tuple[int, str]] = {}
    for r in read(SHARED / "dfe_la_codes_from_ons_mid-year_population_estimates_2012_to_2024.csv"):
        if r["geographic_level"] == "Local authority" and r["old_la_code"]:
            year = int(r["time_period"])
            if r["old_la_code"] not in newest or year > newest[r["old_la_code"]][0]:
                newest[r["old_la_code"]] = (year, r["new_la_code"])
    gss = {number: code for number, (_, code) in newest.items()}
    expected = {gss[r["old_la_code"]]: [gss[r[f"SN_{n}"]] for n in range(1, 11)]
                for r in read(SHARED / "sn_model_2025_wide.csv")}
    assert neighbours() == expected
    assert neighbours()["E06000053"][:1] and gss["420"] == "E06000053"  # Isles of Scilly, as the README says


def test_the_neighbour_median_of_every_comparison_is_recomputed_from_the_neighbours_figures(real_site: Path) -> None:
    councils = {r["code"]: r for r in read(REFERENCE / "councils.csv")}
    known = councils.keys() | {r["code"] for r in read(REFERENCE / "predecessors.csv")}
    rows = [r for path in sorted((ROOT / "datapackages").glob("*/figures.csv")) for r in read(path)
            if r["area_code"] in known and r["status"] == "reported" and r.get("flag", "") != "suspect"]
    periods: dict[tuple[str, ...], dict[str, float]] = {}
    for r in rows:
        periods.setdefault((r["measure"], r["period_start"], r["period_end"], r["period_label"]), {})[
            r["area_code"]] = float(r["value"])
    latest: dict[tuple[str, str], str] = {}  # a monthly series is compared by its latest month only
    for r in rows:
        if len(r["period_label"].split()) == 2 and r["period_label"].split()[0] in MONTH_NAMES:
            key = (r["area_code"], r["measure"])
            latest[key] = max(latest.get(key, ""), r["period_start"])
    rows = [r for r in rows if latest.get((r["area_code"], r["measure"]), r["period_start"]) == r["period_start"]]
    found, checked, both, people = neighbours(), 0, set(), populations()
    pages: dict[str, str] = {}
    for r in rows:
        values = periods[(r["measure"], r["period_start"], r["period_end"], r["period_label"])]
        if len(values) < 10 or r["area_code"] not in councils:
            continue
        slug = councils[r["area_code"]]["slug"]
        if slug not in pages:  # each page read once: a council has hundreds of monthly figures
            pages[slug] = (real_site / "councils" / slug / "index.html").read_text(encoding="utf-8")
        page = pages[slug]
        row = re.search(rf'<tr id="compare-{re.escape(r["id"])}">(.*?)</tr>', page, re.S)
        assert row, r["id"]
        cell = text(re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)[7])
        based = on_basis(values, r["unit"], r["period_end"], people)  # the period's basis, as its rank
        mine = [based[c] for c in found[r["area_code"]] if c in based]
        if len(mine) >= 3:
            middle = statistics.median(mine)
            median = ("at least half reported none" if middle == 0 else
                      rate_text(middle, r["unit"]) if r["unit"] in PER else shown(middle, r["unit"]))
            assert cell == f"{median} ({len(mine)} of 10 neighbours)", (r["id"], cell)
            both.add("median")
        else:
            assert cell == f"too few neighbours with a figure ({len(mine)} of 10)", (r["id"], cell)
            both.add("too few")
        checked += 1
    assert checked > 100 and "median" in both
