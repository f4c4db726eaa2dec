"""The hostile fixture in real Chromium: every accepted value shows as text; nothing injected ever runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import build
from hostile import ATTRIBUTE, SCRIPT, hostile_project

from browser.conftest import serve, watch

pytestmark = pytest.mark.browser

PAGES = ["councils/cambridgeshire/index.html", "about/index.html", "sources/index.html",
         "measures/client-debt-overdue/index.html", "data/nhs-debts/sources/index.html", "data/nhs-debts/index.html",
         "icbs/cambridgeshire-and-peterborough/index.html", "coverage/nhs-debt/index.html", "index.html"]
INJECTED = "img[src='x'], iframe, [onerror], [onclick], a[href^='javascript']"


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile project, built and served."""
    project = hostile_project(tmp_path_factory.mktemp("hostile-browser") / "project")
    build(project)
    yield from serve(project)


@pytest.mark.parametrize("path", PAGES)
def test_injected_markup_never_runs_and_shows_as_text(browser, hostile_url: str, path: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    visit = watch(page, hostile_url)
    response = page.goto(hostile_url + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    page.wait_for_timeout(300)
    assert visit.dialogs == [] and visit.console_errors == [] and visit.foreign == [] and visit.failed == []
    assert page.locator(INJECTED).count() == 0
    inline = page.evaluate("Array.from(document.scripts).filter(s => !s.src && s.type !== 'application/ld+json')"
                           ".length")
    assert inline == 0
    if not path.startswith("data/"):  # dataset pages describe the schema, not the rows
        text = page.locator("body").inner_text()
        assert SCRIPT in text or ATTRIBUTE in text or "a javascript link" in text
    context.close()


def test_hostile_council_page_screenshot(browser, hostile_url: str) -> None:
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(hostile_url + PAGES[0], wait_until="networkidle")
    page.screenshot(path=str(artifacts / "hostile-council.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1200, "a 10,000-character value must not stretch the page sideways"
    context.close()
