"""The built real site compares councils as the data says: numbers recomputed here from the CSVs themselves."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html import unescape
from pathlib import Path

import openpyxl
from conftest import ROOT

from sitegen.config import load_config
from sitegen.data.model import build_model
from sitegen.data.validate import validate_packages
from sitegen.site.plan import plan_pages
from sitegen.text import slugify


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def council_figures() -> list[dict[str, str]]:
    """Every reported council figure (abolished councils too) of every figures package, straight from the CSVs."""
    reference = ROOT / "datapackages/reference"
    councils = {r["code"] for r in read(reference / "councils.csv")}
    if (reference / "predecessors.csv").exists():
        councils |= {r["code"] for r in read(reference / "predecessors.csv")}
    return [r for path in sorted((ROOT / "datapackages").glob("*/figures.csv")) for r in read(path)
            if r["area_code"] in councils and r["status"] == "reported" and r.get("flag", "") != "suspect"]


def text(html: str) -> str:
    """Visible text of some HTML, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def money(v: float) -> str:
    """£13.0m / £792k, as the site writes money (the cases these tests meet)."""
    if abs(v) >= 999.5e3:
        return f"£{v / 1e6:.1f}m"
    return f"£{v / 1e3:.0f}k" if abs(v) >= 999.5 else f"£{v:.0f}"


def test_every_chart_spec_on_the_site_has_more_than_one_value(real_site: Path) -> None:
    specs = sorted((real_site / "charts").glob("*.vl.json"))
    assert specs, "the real site has charts"
    for path in specs:
        values = json.loads(path.read_text(encoding="utf-8"))["data"]["values"]
        assert len(values) >= 2, f"{path.name} is a one-value chart"
    pages = [p.read_text(encoding="utf-8") for p in real_site.rglob("*.html")]
    shown = {m for page in pages for m in re.findall(r'charts/([^"/]+)\.vl\.json', page)}
    assert shown == {p.name.removesuffix(".vl.json") for p in specs}  # every chart on a page is among them


def test_no_chart_puts_a_balance_at_a_date_beside_a_flow_over_a_period() -> None:
    packages, problems = validate_packages(ROOT / "datapackages")
    assert not problems
    site = build_model(packages, load_config(ROOT))
    time_charts = [c for spec in plan_pages(site, {}, {}) for c in spec.charts if c.kind == "time"]
    assert time_charts
    for chart in time_charts:
        kinds = {end == start for end, start in (p.order.split("|") for p in chart.points)}
        assert len(kinds) == 1, chart.id
        assert len(chart.points) >= 2, chart.id


def test_a_period_with_few_councils_is_not_ranked(real_site: Path) -> None:
    groups: dict[tuple[str, str], set[str]] = {}
    for r in council_figures():
        groups.setdefault((r["measure"], r["period_label"]), set()).add(r["area_code"])
    ranked = {m for (m, _), v in groups.items() if len(v) >= 10}
    few = sorted(k for k, v in groups.items() if 1 < len(v) < 10 and k[0] not in ranked)
    assert few
    for measure, label in few:
        page = text((real_site / "measures" / measure / slugify(label) / "index.html").read_text(encoding="utf-8"))
        n = len(groups[(measure, label)])
        assert re.search(rf"Only {n} of \d+ councils have a figure for {re.escape(label)}: too few to rank them", page)
        assert "highest" not in page.lower() and "Rank" not in page


def test_the_workbook_of_the_built_site_has_every_figure_typed_with_its_source(real_site: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO((real_site / "data/all-figures.xlsx").read_bytes()))
    sheet = book["figures"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    expected = [r for path in sorted((ROOT / "datapackages").glob("*/figures.csv")) for r in read(path)]
    assert len(rows) == len(expected)
    by_id = {r["id"]: r for r in expected}
    for row in rows:
        source = by_id[row["id"]]
        assert isinstance(row["value"], int | float) and row["value"] == float(source["value"])
        assert row["period_end"].date() == date.fromisoformat(source["period_end"])
        assert row["source_url"].startswith("http")
        assert isinstance(row["counterparty_inferred"], bool)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
