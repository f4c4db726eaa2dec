"""Disputes side by side, and measures too few councils have a figure for: the pages a reader sees."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from conftest import MINI, ROOT, build, copy_project

from sitegen.config import load_config
from sitegen.data.model import Site, build_model
from sitegen.data.validate import validate_packages
from sitegen.site.disputes import dispute_view, whose
from sitegen.site.page import PageSpec
from sitegen.site.plan import plan_pages
from sitegen.site.views import time_points

DISPUTE = "disputes/cambridgeshire-overdue-nhs-debt/index.html"


def text(html: str) -> str:
    """Visible text of some HTML, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def rows(path: Path) -> list[dict[str, str]]:
    """A CSV's rows."""
    return list(csv.DictReader(path.open(encoding="utf-8")))


def set_column(path: Path, column: str, values: dict[str, str]) -> None:
    """Set one column of the rows whose id is a key of values (the rest untouched)."""
    data = rows(path)
    out = io.StringIO()
    writer = csv.DictWriter(out, list(data[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([r | ({column: values[r["id"]]} if r["id"] in values else {}) for r in data])
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_new_dispute_is_rows_its_page_linked_from_the_council(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "project")
    debts = project / "datapackages" / "nhs-debts"
    with (debts / "disputes.csv").open("a", encoding="utf-8") as handle:
        handle.write("norfolk-invoices,Norfolk's invoices,Norfolk County Council; NHS Norfolk and Waveney ICB,"
                     ",settled,Settled in our words.\n")
    settled = {"norfolk-dispute-settlement-2018-19-to-2022-23": "norfolk-invoices",
               "norfolk-nhs-debt-written-off-2018-19-to-2022-23": "norfolk-invoices"}
    set_column(debts / "figures.csv", "dispute", settled)
    site = build(project)
    page = text((site / "disputes/norfolk-invoices/index.html").read_text(encoding="utf-8"))
    assert "Norfolk's invoices" in page and "Settled, as reported" in page and "Settled in our words." in page
    assert "First reported not known" in page
    for r in rows(debts / "figures.csv"):
        if r["id"] in settled:
            assert f"{r['period_label']}" in page
    council = (site / "councils/norfolk/index.html").read_text(encoding="utf-8")
    assert 'href="../../disputes/norfolk-invoices/index.html">Norfolk&#39;s invoices</a>' in council
    assert "Norfolk's invoices" in text((site / "disputes/index.html").read_text(encoding="utf-8"))
    assert "Disputes" in text((site / "index.html").read_text(encoding="utf-8"))  # in the navigation


def test_the_dispute_page_sets_out_each_side_with_its_sources(mini_site: Path) -> None:
    html = (mini_site / DISPUTE).read_text(encoding="utf-8")
    page = text(html)
    assert "Cambridgeshire County Council; NHS Cambridgeshire and Peterborough ICB" in page
    assert "Open: the latest report we cite describes it as unresolved" in page
    figures = [r for r in rows(MINI / "datapackages/nhs-debts/figures.csv")
               if r["dispute"] == "cambridgeshire-overdue-nhs-debt"]
    sources = {r["id"]: r for r in rows(MINI / "datapackages/nhs-debts/sources.csv")}
    assert len(figures) == 3
    for r in figures:  # every figure on the timeline, with whose it is; every source cited and linked
        assert r["period_label"] in page
        assert f'href="{sources[r["source_id"]]["url"]}"' in html
    claim = next(r for r in figures if r["status"] == "claim")
    assert f"<strong>£10m</strong> <a href=\"../../measures/disputed-amount/index.html\">Amount in dispute</a>, " \
        f"{claim['period_label']}" in html
    assert f"claimed by {claim['claimant']}" in page
    assert "No figure given by NHS Cambridgeshire and Peterborough ICB is in the data." in page
    assert "reported by LocalGov" in page  # a figure neither side said is the source's
    assert 'id="chart-dispute-cambridgeshire-overdue-nhs-debt-gbp-at-date"' in html
    assert "Data for: Cambridgeshire's overdue NHS debt: amounts at a date" in page


def test_the_council_icb_and_measure_pages_link_their_dispute(mini_site: Path) -> None:
    for page in ("councils/cambridgeshire/index.html", "icbs/cambridgeshire-and-peterborough/index.html",
                 "measures/nhs-overdue-asc-debt/index.html", "measures/disputed-amount/index.html"):
        html = (mini_site / page).read_text(encoding="utf-8")
        assert '"../../disputes/cambridgeshire-overdue-nhs-debt/index.html">Cambridgeshire&#39;s overdue NHS debt<' \
            in html, page
    hartlepool = (mini_site / "councils/hartlepool/index.html").read_text(encoding="utf-8")
    assert "disputes-heading" not in hartlepool


def test_the_nhs_debt_page_names_its_councils_says_where_to_look_and_ranks_none(mini_site: Path) -> None:
    html = (mini_site / "measures/nhs-overdue-asc-debt/index.html").read_text(encoding="utf-8")
    page = text(html)
    measure = next(r for r in rows(MINI / "datapackages/nhs-debts/measures.csv") if r["id"] == "nhs-overdue-asc-debt")
    codes = {r["area_code"] for r in rows(MINI / "datapackages/nhs-debts/figures.csv")
             if r["measure"] == "nhs-overdue-asc-debt"}
    councils = [r for r in rows(MINI / "datapackages/reference/councils.csv") if r["code"] in codes]
    assert f"{len(councils)} council has a figure for this measure" in page
    for c in councils:
        assert f'<a href="../../councils/{c["slug"]}/index.html">{c["short_name"]}</a>' in html
    assert "statement of accounts" in measure["how_to_find"]
    assert text(measure["how_to_find"]) in page  # the guidance is the data's, word for word
    assert 'href="https://github.com/example/who-pays-for-care">Contribute it</a>' in html
    assert "highest" not in page and "so there is no ranking" in page


def test_a_measure_ranked_elsewhere_has_no_too_few_section(mini_site: Path) -> None:
    for page in (mini_site / "measures").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        if "The 10 highest" in html:
            assert "too-few-heading" not in html, page


@pytest.fixture(scope="module")
def real_plan() -> tuple[Site, dict[str, PageSpec]]:
    """The real site's model and its planned pages by path."""
    packages, problems = validate_packages(ROOT / "datapackages")
    assert not problems
    site = build_model(packages, load_config(ROOT))
    return site, {spec.path: spec for spec in plan_pages(site, {}, {})}


def test_every_seeded_dispute_has_its_page_with_its_figures(real_plan: tuple[Site, dict[str, PageSpec]]) -> None:
    _, specs = real_plan
    seeded = rows(ROOT / "datapackages/nhs-debts/disputes.csv")
    assert {d["id"] for d in seeded} >= {"cambridgeshire-overdue-nhs-debt", "lancashire-cost-sharing",
                                         "norfolk-withheld-bcf-payment", "birmingham-delayed-discharge-fines",
                                         "torbay-care-funding-gap", "brent-continuing-care-bills"}
    named: dict[str, set[str]] = {}
    for package in ("nhs-debts", "better-care-fund"):
        for r in rows(ROOT / "datapackages" / package / "figures.csv"):
            if r["dispute"]:
                named.setdefault(r["dispute"], set()).add(r["id"])
    assert "disputes/index.html" in specs
    for d in seeded:
        spec = specs[f"disputes/{d['id']}/index.html"]
        view = spec.context["view"]
        assert {f.id for f in view.timeline} == named[d["id"]], d["id"]  # every seeded dispute has figures
    norfolk = specs["disputes/norfolk-withheld-bcf-payment/index.html"].context["view"]
    assert [i.slug for i in norfolk.icbs] == ["norfolk-and-waveney"]  # through the CCGs it took over


def test_whose_figure_says_claimant_planner_and_speaker(real_plan: tuple[Site, dict[str, PageSpec]]) -> None:
    site, _ = real_plan
    lancashire = dispute_view(next(d for d in site.disputes if d.id == "lancashire-cost-sharing"), time_points)
    said = {f.measure.id: whose(f) for f in lancashire.timeline}
    assert said["cost-sharing-savings-target"] == "planned by Lancashire County Council, in its budget"
    assert said["bcf-total"] == "said by the chief executive of NHS Lancashire and South Cumbria ICB"
    assert [s.name for s in lancashire.sides if s.figures] == ["Lancashire County Council",
                                                               "NHS Lancashire and South Cumbria ICB"]
    torbay = dispute_view(next(d for d in site.disputes if d.id == "torbay-care-funding-gap"), time_points)
    assert "claimed by Torbay and South Devon NHS Foundation Trust" in [whose(f) for f in torbay.timeline]
    claim = next(f for f in site.figures if f.id == "cambridgeshire-disputed-amount-march-2025")
    assert whose(replace(claim, said_by="The leader of the council")) == (
        "claimed by Cambridgeshire County Council, said by the leader of the council")


def test_the_real_nhs_debt_page_names_every_council_with_a_figure(real_plan: tuple[Site, dict[str, PageSpec]]) -> None:
    _, specs = real_plan
    spec = specs["measures/nhs-overdue-asc-debt/index.html"]
    codes = {r["area_code"] for r in rows(ROOT / "datapackages/nhs-debts/figures.csv")
             if r["measure"] == "nhs-overdue-asc-debt"}
    published = spec.whole_context()["published"]
    assert {area.code for area, _ in published} == codes and len(codes) < 10
