"""One basis for a comparison on the built real site: the rank, the words, every median and the over-time chart
all per head (money) or per 100,000 residents (counts), recomputed here from the CSVs."""

from __future__ import annotations

import json
import re
import statistics
from html import unescape
from pathlib import Path

from basis import on_basis, populations, rate_text, read
from conftest import ROOT

REFERENCE = ROOT / "datapackages/reference"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def text(html: str) -> str:
    """Visible text of some HTML, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def periods() -> dict[tuple[str, str, str, str], dict[str, tuple[str, float, str]]]:
    """(measure, start, end, label) -> area code -> (figure id, value, unit), for every reported council figure."""
    known = {r["code"] for name in ("councils.csv", "predecessors.csv") for r in read(REFERENCE / name)}
    out: dict[tuple[str, str, str, str], dict[str, tuple[str, float, str]]] = {}
    for path in sorted((ROOT / "datapackages").glob("*/figures.csv")):
        for r in read(path):
            if r["area_code"] in known and r["status"] == "reported" and r.get("flag", "") != "suspect":
                out.setdefault((r["measure"], r["period_start"], r["period_end"], r["period_label"]), {})[
                    r["area_code"]] = (r["id"], float(r["value"]), r["unit"])
    return {k: v for k, v in out.items() if len(v) >= 10}


def cells(page: str, row_id: str) -> list[str]:
    """The cells of one row of a comparison table, as text."""
    row = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', page, re.S)
    assert row, row_id
    return [text(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row.group(1), re.S)]


def median_cell(values: list[float], unit: str) -> str:
    """A median as a comparison cell says it, on the basis; nil in words."""
    middle = statistics.median(values)
    return "at least half reported none" if middle == 0 else rate_text(middle, unit)


def test_cambridgeshire_rank_column_and_words_agree_on_one_basis(real_site: Path) -> None:
    people, code = populations(), "E10000003"
    page = (real_site / "councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    words = text(page)
    checked = 0
    for (_, _, end, label), values in sorted(periods().items()):
        if code not in values or f'id="compare-{values[code][0]}"' not in page:
            continue  # a monthly measure is compared by its latest month only
        figure_id, value, unit = values[code]
        based = on_basis({c: v for c, (_, v, _) in values.items()}, unit, end, people)
        mine = based[code]
        rank, lower = 1 + sum(v > mine for v in based.values()), sum(v < mine for v in based.values())
        row = cells(page, f"compare-{figure_id}")
        assert row[3] == f"{rank} of {len(based)}", (figure_id, row)
        assert row[4] == median_cell(list(based.values()), unit), (figure_id, row)
        assert row[2].startswith(rate_text(mine, unit)), (figure_id, row)
        if value:
            assert (f"{rate_text(mine, unit)} (mid-" in words and f"higher than {lower} of the {len(based)} councils "
                    f"with a figure for {label}, compared {'per head' if unit == 'GBP' else 'per 100,000 residents'}"
                    in words), figure_id
        checked += 1
    assert checked >= 5


def test_no_page_says_authoritys_and_type_plurals_keep_their_capitals(real_site: Path) -> None:
    pages = {p: p.read_text(encoding="utf-8") for p in real_site.rglob("*.html")}
    assert not [p for p, html in pages.items() if "authoritys" in html.lower()]
    assert not [p for p, html in pages.items() if "london boroughs" in html]
    assert "Median of unitary authorities" in pages[real_site / "councils/york/index.html"]
    assert "Median of London boroughs" in pages[real_site / "councils/camden/index.html"]


def test_a_nil_median_is_said_in_words(real_site: Path) -> None:
    people = populations()
    nil = []
    for (_, _, end, _), values in sorted(periods().items()):
        based = on_basis({c: x for c, (_, x, _) in values.items()}, next(iter(values.values()))[2], end, people)
        if len(based) >= 10 and statistics.median(based.values()) == 0:  # ranked on its basis, with a nil median
            nil.append((end, values))
    assert nil, "the real data has a period where at least half the councils reported none"
    slug = {r["code"]: r["slug"] for r in read(REFERENCE / "councils.csv")}
    checked = 0
    for _, values in nil:
        for code, (figure_id, value, _) in sorted(values.items()):
            if not value or code not in slug:
                continue
            page = (real_site / "councils" / slug[code] / "index.html").read_text(encoding="utf-8")
            if f'id="compare-{figure_id}"' not in page:
                continue  # a monthly measure is compared by its latest month only
            assert cells(page, f"compare-{figure_id}")[4] == "at least half reported none"
            assert "at least half the councils reported none" in text(page)
            assert "England median £0.00" not in text(page) and "median is £0.00" not in text(page)
            checked += 1
            break
    assert checked


def test_cumberland_shows_the_former_cumbrias_comparisons_labelled_as_its(real_site: Path) -> None:
    page = (real_site / "councils/cumberland/index.html").read_text(encoding="utf-8")
    section = re.search(r'<section class="comparisons" aria-labelledby="former-cumbria-county-council-compare-'
                        r'heading">(.*?)</section>', page, re.S)
    assert section, "Cumberland's page compares the former Cumbria"
    shown = text(section.group(1))
    assert shown.startswith("How the former Cumbria County Council compared, in its own time")
    assert "they are the former council's, not Cumberland's" in shown
    people = populations()
    found = 0
    for (_, _, end, _), values in periods().items():
        if "E10000006" in values and f"former-cumbria-county-council-compare-{values['E10000006'][0]}" in page:
            figure_id, value, unit = values["E10000006"]
            based = on_basis({c: v for c, (_, v, _) in values.items()}, unit, end, people)
            rank = 1 + sum(v > based["E10000006"] for v in based.values())
            assert cells(page, f"former-cumbria-county-council-compare-{figure_id}")[3] == f"{rank} of {len(based)}"
            found += 1
    assert found >= 3


def test_a_council_over_time_chart_has_england_and_neighbour_medians_recomputed(real_site: Path) -> None:
    people = populations()
    neighbours: dict[str, list[str]] = {}
    for r in read(REFERENCE / "neighbours.csv"):
        neighbours.setdefault(r["council_code"], []).append(r["neighbour_code"])
    spec = json.loads((real_site / "charts/council-cambridgeshire-asc-income-from-bcf-compared.vl.json")
                      .read_text(encoding="utf-8"))
    rows = {(v["category"], v["series"]): v["shown"] for v in spec["data"]["values"]}
    page = text((real_site / "councils/cambridgeshire/index.html").read_text(encoding="utf-8"))
    assert "Adult social care income from the Better Care Fund, per head: Cambridgeshire against England" in page
    labels = set()
    for (measure, _, end, label), values in periods().items():
        if measure != "asc-income-from-bcf" or "E10000003" not in values:
            continue
        based = on_basis({c: v for c, (_, v, _) in values.items()}, "GBP", end, people)
        assert rows[(label, "Cambridgeshire")] == f"£{based['E10000003']:,.2f}"
        assert rows[(label, "England median")] == f"£{statistics.median(based.values()):,.2f}"
        mine = [based[c] for c in neighbours["E10000003"] if c in based]
        if len(mine) >= 3:
            assert rows[(label, "Median of its statistical neighbours")] == f"£{statistics.median(mine):,.2f}"
        else:
            assert (label, "Median of its statistical neighbours") not in rows
        labels.add(label)
    assert len(labels) >= 2 and {c for c, _ in rows} == labels
    assert "Latest, " in page
