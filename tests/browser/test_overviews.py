"""Issue 22's views as a reader sees them in Chromium: each sample measure page an overview (its map with a
legend, the ten highest and lowest where ranked, a chart over time), each sample council page its charts."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

RANKED = ["measures/delayed-days-social-care/index.html", "measures/ibcf-allocation/index.html",
          "measures/asc-income-from-bcf/index.html"]
TOO_FEW = ["measures/cost-pressure-claimed/index.html", "measures/nhs-overdue-asc-debt/index.html"]
COUNCILS = ["councils/cambridgeshire/index.html", "councils/kent/index.html", "councils/birmingham/index.html"]


@pytest.mark.parametrize("path", RANKED + TOO_FEW)
def test_a_measure_page_is_an_overview(browser, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + path)
    hexes = page.locator("figure.hexmap svg a")
    assert hexes.count() == 153 and page.locator("figure.hexmap .hex-legend li").count() >= 2
    assert all(label.split(": ", 1)[1] for label in hexes.evaluate_all("as => as.map(a => a.ariaLabel)"))
    captions = page.locator("table caption").all_inner_texts()
    if path in RANKED:
        assert any(c.startswith("The 10 highest") for c in captions)
        assert any(c.startswith("The 10 lowest") for c in captions)
        assert page.get_by_role("heading", name="Over time").is_visible()
    else:
        assert page.get_by_role("heading", name="Which councils have a figure").is_visible()
        assert not any(c.startswith("The 10 highest") for c in captions)  # two councils are never ranked
    if path != TOO_FEW[1]:  # one council's figures: nothing to draw over time
        chart = page.locator("figure.chart").first
        assert chart.locator("img").first.is_visible() and chart.locator("figcaption").inner_text()
    context.close()


@pytest.mark.parametrize("path", COUNCILS)
def test_a_council_page_charts_its_series(browser, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + path)
    charts = page.locator("figure.chart")
    assert charts.count() >= 2
    captions = charts.locator("figcaption").all_inner_texts()
    assert any("by month" in c for c in captions)  # the delayed days, by responsible organisation
    for i in range(charts.count()):
        assert charts.nth(i).locator("img").first.is_visible()
    context.close()
