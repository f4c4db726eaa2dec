"""Issue 22's page budgets in Chromium, on every page of the real site: none taller than 15,000 px at 1280 px wide,
and none scrolls sideways at 1280 or 390 px (read without scripts, as the page first arrives; the page types are
checked with scripts running in test_compare.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

MAX_HEIGHT = 15_000  # px, at 1280 px wide
PARTS = 2  # the pages in two halves per width, so the test workers share them


def pages(site: Path, part: int) -> list[str]:
    """Every page of the site (its folder's index.html), one part of them."""
    found = sorted(str(p.relative_to(site)) for p in site.rglob("index.html"))
    return found[part::PARTS]


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_keeps_its_budget(browser, base_url: str, real_site: Path, width: int, part: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    paths = pages(real_site, part)
    assert len(paths) > 400
    tall, wide = {}, {}
    for path in paths:
        page.goto(base_url + path, wait_until="load")
        height, scroll = page.evaluate("[document.documentElement.scrollHeight, document.documentElement.scrollWidth]")
        if width == 1280 and height > MAX_HEIGHT:
            tall[path] = height
        if scroll > width:
            wide[path] = scroll
    context.close()
    assert tall == {}, f"pages taller than {MAX_HEIGHT:,} px at {width} px"
    assert wide == {}, f"pages that scroll sideways at {width} px"
