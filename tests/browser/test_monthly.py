"""A monthly series in the browser: a link to one month's figure unfolds the chart's table at that cell."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_link_to_one_month_opens_the_folded_table_at_its_cell(browser, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 800})
    cell_id = "figure-cambridgeshire-delayed-days-nhs-april-2011"
    page.goto(base_url + "councils/cambridgeshire/index.html", wait_until="networkidle")
    cell = page.locator(f"#{cell_id}")
    assert not cell.is_visible()  # folded: the chart, its words and its totals come first
    page.goto(base_url + f"councils/cambridgeshire/index.html#{cell_id}", wait_until="networkidle")
    assert cell.is_visible() and cell.inner_text().replace(",", "").isdigit()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
