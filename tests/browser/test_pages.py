"""Every page type in real Chromium: no errors, no foreign requests, works without JavaScript, axe-clean."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from browser.conftest import ARTIFACTS, watch

pytestmark = pytest.mark.browser

PAGES = {
    "home": "index.html",
    "council with figures": "councils/cambridgeshire/index.html",
    "council without figures": "councils/cumberland/index.html",  # none of its own; its predecessor's shown
    "council with predecessors": "councils/bournemouth-christchurch-and-poole/index.html",
    "former council": "councils/borough-of-poole/index.html",
    "england": "councils/england/index.html",
    "councils": "councils/index.html",
    "icb": "icbs/cambridgeshire-and-peterborough/index.html",
    "measure": "measures/nhs-overdue-asc-debt/index.html",
    "measure ranked": "measures/ibcf-allocation/index.html",
    "measure monthly": "measures/delayed-days-social-care/index.html",  # an overview: map, ten and ten, over time
    "measure period": "measures/delayed-days-social-care/december-2019/index.html",  # every council ranked
    "council compared": "councils/birmingham/index.html",
    "icbs": "icbs/index.html",
    "dispute": "disputes/lancashire-cost-sharing/index.html",  # two sides, a plan and a speaker, two charts' worth
    "dispute with a chart": "disputes/cambridgeshire-overdue-nhs-debt/index.html",
    "disputes": "disputes/index.html",
    "search": "search/index.html?q=Kent",
    "dataset": "data/nhs-debts/index.html",
    "resource": "data/nhs-debts/figures/index.html",
    "sources": "sources/index.html",
    "coverage": "coverage/index.html",
    "coverage of a topic": "coverage/delayed-transfers/index.html",
    "about": "about/index.html",
    "methodology": "methodology/index.html",
    "404": "no/such/page/",
}
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"]}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_loads_cleanly(browser, base_url: str, name: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    visit = watch(page, base_url)
    response = page.goto(base_url + PAGES[name], wait_until="networkidle")
    assert response is not None and response.status == (404 if name == "404" else 200)
    page.wait_for_timeout(200)
    assert page.locator("h1").count() == 1 and page.locator("main#main").count() == 1
    assert page.locator("footer").inner_text().count("Open Government Licence") == 1
    assert visit.foreign == [] and visit.failed == [] and visit.dialogs == []
    # a 404 status is expected for the 404 page itself, and Chromium logs it
    errors = [e for e in visit.console_errors if not (name == "404" and "404" in e)]
    assert errors == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_finds_no_wcag_violations(browser, base_url: str, name: str, scheme: str) -> None:
    # bypass_csp lets axe's own script into the page; CSP itself is checked in test_page_loads_cleanly
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(base_url + PAGES[name], wait_until="networkidle")
    page.wait_for_timeout(300)
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    context.close()


def test_without_javascript_every_chart_is_complete(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path in (PAGES["council with figures"], PAGES["measure ranked"]):
        page.goto(base_url + path, wait_until="networkidle")
        figures = page.locator("figure.chart")
        assert figures.count() > 0
        for i in range(figures.count()):
            figure = figures.nth(i)
            assert figure.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
            assert figure.locator("figcaption").inner_text().strip()
            assert figure.locator(".chart-description").inner_text().strip()
            assert figure.locator("table.chart-data tbody tr").count() > 0
        assert page.locator("footer").is_visible()
    context.close()


def test_with_javascript_the_enhancement_loads_from_the_site(browser, base_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    visit = watch(page, base_url)
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(base_url + PAGES["council with figures"], wait_until="networkidle")
    assert not any(url.endswith("/charts.js") for url in scripts)  # the 900 KB library only on request
    page.locator(".chart-explore").first.click()
    page.wait_for_selector("figure.chart-interactive .chart-view svg", timeout=10_000)
    assert any(url.endswith("/charts.js") for url in scripts)
    assert scripts and all(url.startswith(base_url) for url in scripts)
    assert visit.console_errors == [] and visit.foreign == []
    context.close()


def test_a_successor_shows_its_predecessors_figures_labelled_as_theirs(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + PAGES["council with predecessors"])
    for former, short in (("Borough of Poole", "Poole"), ("Bournemouth Borough Council", "Bournemouth")):
        heading = page.get_by_role("heading", name=f"Figures for the former {former}")
        section = page.locator("section.former", has=heading)
        assert section.is_visible()
        assert f"These figures are {short}'s" in section.inner_text()
        items = section.locator(":scope > ul").first.get_by_role("listitem").all_inner_texts()
        assert items and all(text.endswith(f"({short})") for text in items)
        compared = section.locator("section.comparisons")  # its comparisons, in its own time, said to be its own
        assert compared.get_by_role("heading", name=f"How the former {former} compared, in its own time").is_visible()
        assert "they are the former council's, not Bournemouth, Christchurch and Poole's" in compared.inner_text()
    poole = page.locator("section.former", has=page.get_by_role("heading", name="Figures for the former Borough of "
                                                                           "Poole"))
    poole.get_by_role("link", name=re.compile(r"^Adult social care income from the NHS, 2014-15: £")).click()
    # the URL changes when the response commits, before the page is parsed: wait for the heading, don't poll it once
    page.wait_for_url("**/councils/borough-of-poole/index.html#figure-borough-of-poole-asc-income-from-nhs-2014-15")
    expect(page.get_by_role("heading", name="Borough of Poole", level=1)).to_be_visible()
    context.close()


def test_keyboard_skip_link_and_visible_focus(browser, base_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + PAGES["council without figures"], wait_until="networkidle")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    focusable = page.evaluate(
        "Array.from(document.querySelectorAll('a[href], [tabindex]:not([tabindex=\"-1\"])'))"
        ".filter(el => !el.closest('details:not([open])') || el.matches('summary *')).length")  # folded: not reachable
    visited = set()
    for _ in range(focusable + 2):
        visited.add(page.evaluate("document.activeElement.outerHTML.slice(0, 120)"))
        page.keyboard.press("Tab")
    assert len(visited) >= focusable
    context.close()


def test_screenshots(browser, base_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    for name, path in (("home", PAGES["home"]), ("council", PAGES["council with figures"]),
                       ("dataset", PAGES["dataset"])):
        page.goto(base_url + path, wait_until="networkidle")
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
    context.close()
