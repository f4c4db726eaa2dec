"""Search, hex maps and page widths in real Chromium, as a reader meets them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import ROOT

from browser.conftest import watch

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "home": "index.html",
    "council with figures": "councils/cambridgeshire/index.html",
    "council compared": "councils/birmingham/index.html",
    "council without figures": "councils/hartlepool/index.html",
    "england": "councils/england/index.html",
    "councils": "councils/index.html",
    "icb": "icbs/cambridgeshire-and-peterborough/index.html",
    "icbs": "icbs/index.html",
    "measure ranked": "measures/ibcf-allocation/index.html",
    "measure with few councils": "measures/nhs-overdue-asc-debt/index.html",
    "measures": "measures/index.html",
    "dataset": "data/nhs-debts/index.html",
    "datasets": "data/index.html",
    "resource": "data/nhs-debts/figures/index.html",
    "sources": "sources/index.html",
    "coverage": "coverage/index.html",
    "coverage of a topic": "coverage/delayed-transfers/index.html",
    "search": "search/index.html?q=Kent",
    "about": "about/index.html",
    "methodology": "methodology/index.html",
    "404": "no/such/page/",
}


def councils() -> dict[str, dict[str, str]]:
    with (ROOT / "datapackages/reference/councils.csv").open(encoding="utf-8", newline="") as handle:
        return {r["slug"]: r for r in csv.DictReader(handle)}


def first_result(browser, base_url: str, query: str) -> str:  # type: ignore[no-untyped-def]
    """Type a query into the header's search box, as a reader would; the first result's link."""
    return results(browser, base_url, query)[0]


def results(browser, base_url: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type a query into the header's search box, as a reader would; the results' links, best first."""
    context = browser.new_context()
    page = context.new_page()
    visit = watch(page, base_url)
    page.goto(base_url + "index.html", wait_until="networkidle")
    assert page.locator(".search-fallback").is_hidden()
    page.get_by_role("searchbox").fill(query)
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("#search-results li a", timeout=10_000)
    hrefs = page.locator("#search-results li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert visit.foreign == [] and visit.failed == [] and visit.console_errors == []
    context.close()
    return hrefs


@pytest.mark.parametrize(("query", "slug"), [("Harrogate", "north-yorkshire"), ("Cheltenham", "gloucestershire"),
                                              ("Cambridgeshire", "cambridgeshire")])
def test_search_finds_a_council_by_its_name_and_its_districts(browser, base_url: str, query: str,
                                                               slug: str) -> None:
    # the council's page first, or second after a page about it alone (Cambridgeshire's dispute over its NHS debt)
    found = results(browser, base_url, query)[:2]
    assert found[0].endswith(f"councils/{slug}/index.html") or (
        found[1].endswith(f"councils/{slug}/index.html") and "/disputes/" in found[0])


def test_search_finds_a_council_by_a_council_it_replaced(browser, base_url: str) -> None:
    assert first_result(browser, base_url, "Poole").endswith("councils/bournemouth-christchurch-and-poole/index.html")
    if not (ROOT / "datapackages/reference/predecessors.csv").exists():
        pytest.skip("the reference package has no predecessors resource yet (issue 9 adds it)")
    # Cumbria County Council, split in two in 2023: its own page, and both councils that replaced it
    found = results(browser, base_url, "Cumbria County Council")
    successors = {"councils/cumberland/index.html", "councils/westmorland-and-furness/index.html"}
    assert {h[h.find("councils/"):] for h in found} >= successors  # whatever path the site is served under


def test_search_finds_icbs_measures_and_sources(browser, base_url: str) -> None:
    assert "icbs/" in first_result(browser, base_url, "Lancashire and South Cumbria")
    assert "measures/ibcf-allocation/" in first_result(browser, base_url, "Improved BCF grant allocation")


def test_without_javascript_the_search_box_is_a_link_to_the_councils(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "measures/index.html")
    link = page.locator(".search-fallback")
    assert link.is_visible() and link.get_attribute("href") == "../councils/index.html"
    assert page.locator(".site-search form").is_hidden()
    context.close()


def test_each_hex_links_to_its_council_and_the_list_names_the_same_councils(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "index.html")
    hexes = page.locator("figure.hexmap svg a")
    links = hexes.evaluate_all("as => as.map(a => [a.getAttribute('href'), a.getAttribute('aria-label')])")
    known = councils()
    assert len(links) == len(known) == 153
    assert {href.removeprefix("councils/").removesuffix("/index.html") for href, _ in links} == set(known)
    for href, label in links:
        assert label.startswith(known[href.split("/")[1]]["short_name"] + ": ")
    listed = page.locator("figure.hexmap details li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert sorted(listed) == sorted(href for href, _ in links)
    page.locator("figure.hexmap svg a").first.click()
    page.wait_for_url("**/councils/*/index.html")  # a click starts the navigation; it need not have committed yet
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_type_scrolls_sideways(browser, base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = {}
    for name, path in PAGE_TYPES.items():
        page.goto(base_url + path, wait_until="networkidle")
        page.wait_for_timeout(100)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide[name] = scroll
    assert wide == {}
    context.close()


def test_a_table_wider_than_the_screen_keeps_its_caption_in_view(browser, base_url: str) -> None:
    """At 390 px a period's ranked table scrolls in a region of its own; its caption wraps to that region's width
    and stays in it as the table scrolls, so none of its words is out of sight."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "measures/delayed-days-nhs/december-2019/index.html", wait_until="load")
    regions = page.locator(".table-scroll:has(caption)")
    wide = [regions.nth(i) for i in range(regions.count())
            if regions.nth(i).evaluate("r => r.scrollWidth > r.clientWidth + 1")]
    assert wide, "no table scrolls in its own region at 390 px: this test checks nothing"
    for region in wide:
        for left in (0, 10_000):  # the table scrolled to its left, then to its right end
            region.evaluate("(r, x) => { r.scrollLeft = x; }", left)
            seen, caption = region.evaluate("r => [r, r.querySelector('caption')].map(e => "
                                            "[e.getBoundingClientRect().left, e.getBoundingClientRect().right])")
            assert seen[0] - 1 <= caption[0] and caption[1] <= seen[1] + 1, (left, seen, caption)
    context.close()


def test_charts_text_is_at_least_11px_at_390(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    for path in (PAGE_TYPES["measure ranked"], PAGE_TYPES["council with figures"]):
        page.goto(base_url + path, wait_until="networkidle")
        images = page.locator("figure.chart .chart-view img")
        assert images.count() > 0
        for i in range(images.count()):
            shown, natural = images.nth(i).evaluate("img => [img.getBoundingClientRect().width, img.naturalWidth]")
            spec = page.locator("figure.chart").nth(i).get_attribute("data-spec") or ""
            smallest = page.evaluate(
                """async (url) => { const svg = await (await fetch(url.replace('.vl.json', '.svg'))).text();
                   const sizes = [...svg.matchAll(/font-size="([0-9.]+)px"/g)].map(m => Number(m[1]));
                   return Math.min(...sizes); }""", spec)
            assert smallest * shown / natural >= 11, f"{spec}: text {smallest * shown / natural:.1f} px"
    context.close()


@pytest.mark.parametrize("base", ["http://127.0.0.1/", "https://example.org/deep/path/"])
def test_the_404_page_works_at_the_root_and_under_a_path(browser, tmp_path: Path, base: str) -> None:
    from conftest import MINI, build, copy_project

    from browser.conftest import serve

    project = copy_project(MINI, tmp_path / "site")
    settings = project / "sitegen.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("https://example.org/test/", base),
                        encoding="utf-8")
    build(project)
    for url in serve(project):
        context = browser.new_context()
        page = context.new_page()
        visit = watch(page, url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + "/")
        response = page.goto(url + "no/such/page/", wait_until="networkidle")
        assert response is not None and response.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
        assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"  # the site's CSS loaded
        page.get_by_role("link", name="list of councils").click()
        page.wait_for_url(url + "councils/index.html")  # before it commits, the load state is the old page's
        page.wait_for_load_state("networkidle")
        assert page.url == url + "councils/index.html" and page.locator("h1").inner_text() == "All councils"
        assert [f for f in visit.failed if "no/such/page" not in f] == [] and visit.foreign == []
        context.close()


def test_the_ranked_table_is_sorted_per_head_and_sorts_by_any_column(browser, base_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + PAGE_TYPES["measure ranked"], wait_until="networkidle")
    ranked = page.url
    page.get_by_role("link", name="Every council's figure for").click()  # the latest period's own page
    page.wait_for_url(lambda now: now != ranked)  # before it commits, the load state is the old page's
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith(page.title().split(" · ")[0].split(",")[0])
    table = page.locator("table.compare").first
    # ranked per head (money), as on every council page, before any script ran; councils with no population last
    heads = table.locator("tbody td:nth-child(4)").evaluate_all("tds => tds.map(td => td.dataset.value)")
    values = [float(v) for v in heads if v]
    assert len(values) >= 10 and values == sorted(values, reverse=True)
    assert all(heads[:len(values)])
    table.get_by_role("button", name="Council").click()
    names = table.locator("tbody th").all_inner_texts()
    assert names == sorted(names, key=str.lower) and names != table.locator("tbody th").all_inner_texts()[::-1]
    assert table.locator("th[aria-sort='ascending']").inner_text().startswith("Council")
    context.close()


def test_search_finds_a_source_by_its_title(browser, base_url: str) -> None:
    found = results(browser, base_url, "Learning Disability Partnership dissolved")
    assert any(href.endswith("sources/index.html") for href in found)


def test_search_results_of_hostile_data_are_text_and_run_nothing(browser, tmp_path: Path) -> None:
    from conftest import build
    from hostile import SCRIPT, hostile_project

    from browser.conftest import serve

    project = hostile_project(tmp_path / "hostile")
    build(project)
    for url in serve(project):
        context = browser.new_context()
        page = context.new_page()
        visit = watch(page, url)
        page.goto(url + "search/index.html?q=alert", wait_until="networkidle")
        page.wait_for_selector("#search-results li a", timeout=10_000)
        page.wait_for_timeout(300)
        assert visit.dialogs == [] and visit.console_errors == [] and visit.foreign == []
        assert page.locator("#search-results img, #search-results script, [onerror]").count() == 0
        assert SCRIPT in page.locator("#search-results").inner_text()
        context.close()


@pytest.mark.parametrize("slug", ["cambridgeshire", "cumberland"])
def test_the_comparison_is_cards_at_390_and_a_table_at_1280(browser, base_url: str, slug: str) -> None:
    for width, display in ((390, "block"), (1280, "table-row")):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(base_url + f"councils/{slug}/index.html", wait_until="networkidle")
        rows = page.locator("table.council-compare tbody tr")
        assert rows.count() >= 3
        assert rows.first.evaluate("r => getComputedStyle(r).display") == display
        assert page.locator("section.comparisons .table-scroll").count() == 0  # no sideways-scrolling box
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        cells = page.locator("table.council-compare tbody td")
        right = cells.evaluate_all("cs => Math.max(...cs.map(c => c.getBoundingClientRect().right))")
        assert right <= width
        if width == 390:  # each value under its heading: the rank says what it ranks on
            label = cells.nth(2).evaluate("c => getComputedStyle(c, '::before').content")
            assert label.startswith('"Rank per ')
        context.close()
