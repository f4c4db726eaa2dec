"""The page budgets of issue 22, on the real site: no HTML page over 300 KB (heights: tests/browser/test_budgets.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

MAX_PAGE_BYTES = 300_000

pytestmark = pytest.mark.xdist_group("real")


def test_no_html_page_of_the_real_site_is_over_300_kb(real_site: Path) -> None:
    pages = sorted(real_site.rglob("*.html"))
    assert len(pages) > 1000  # the whole site, delayed transfers included
    heavy = {str(p.relative_to(real_site)): p.stat().st_size for p in pages if p.stat().st_size > MAX_PAGE_BYTES}
    assert not heavy, f"pages over {MAX_PAGE_BYTES:,} bytes: {heavy}"
