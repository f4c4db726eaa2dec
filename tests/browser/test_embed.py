"""Embeds in Chromium: an embed page framed by another site shows its chart; a main page refuses to be framed.

The site cannot send headers itself: it writes `_headers` (what the host must send). The test server here sends
exactly those, as Netlify or Cloudflare Pages would.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser.conftest import Handler, watch

pytestmark = pytest.mark.browser
PREFIX = "/test/"  # the mini fixture's base_url path
CHART = "council-cambridgeshire-nhs-debt-gbp"
MAIN = "councils/cambridgeshire/"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        "resultTypes": ["violations"]}


def header_rules(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """`_headers` as (path pattern, [(name, value)]), in file order."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def matches(pattern: str, path: str) -> bool:
    """A `_headers` pattern: a trailing * matches any rest of the path; otherwise the path exactly."""
    return path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern


class HeaderHandler(Handler):
    """Serves the site and sends the headers its `_headers` file asks for."""

    rules: list[tuple[str, list[tuple[str, str]]]] = []

    def end_headers(self) -> None:
        path = self.path.split("?", 1)[0]
        for pattern, headers in self.rules:
            if matches(pattern, path):
                for name, value in headers:
                    self.send_header(name, value)
        super().end_headers()


def start(handler: type[http.server.SimpleHTTPRequestHandler], directory: Path) -> http.server.ThreadingHTTPServer:
    """A server for directory on a free loopback port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site_url(mini_site: Path) -> Iterator[str]:
    """The mini site with the headers it specifies."""
    rules = header_rules((mini_site / "_headers").read_text(encoding="utf-8"))
    handler = type("SiteHandler", (HeaderHandler,), {"prefix": PREFIX, "rules": rules})
    server = start(handler, mini_site)
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()


@pytest.fixture(scope="module")
def framer(site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Another site (another port, so another origin) framing an embed page and a main page."""
    folder = tmp_path_factory.mktemp("framer")
    (folder / "index.html").write_text(
        f'<!doctype html><title>Another site</title><h1>A news article</h1>'
        f'<iframe id="embed" title="embed" src="{site_url}embed/{CHART}/" width="800" height="700"></iframe>'
        f'<iframe id="main" title="main" src="{site_url}{MAIN}" width="800" height="700"></iframe>', encoding="utf-8")
    server = start(type("FramerHandler", (Handler,), {"prefix": "/"}), folder)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_embed_page_shows_its_chart_when_framed_and_main_page_refuses(browser, framer: str, site_url: str) -> None:
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(framer, wait_until="load", timeout=15_000)
    embed = page.frame_locator("#embed")
    image = embed.locator("figure.chart img")
    image.wait_for()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert embed.locator("h1").inner_text() == "NHS debt: Cambridgeshire"
    assert "Sources:" in embed.locator(".embed-source").inner_text()
    assert embed.locator(".embed-back a").get_attribute("href") == f"https://example.org/test/{MAIN}"
    main = page.frame(url=lambda url: not url.startswith(framer) and "embed" not in url)
    assert main is not None and main.url.startswith("chrome-error://"), main and main.url
    assert page.frame_locator("#main").locator("main#main").count() == 0


def test_main_page_loads_on_its_own(browser, site_url: str) -> None:
    """The control: the same page, not framed, loads; so the frame above was refused, not broken."""
    page = browser.new_context().new_page()
    response = page.goto(site_url + MAIN, timeout=15_000)
    assert response is not None and response.status == 200
    assert response.headers["x-frame-options"] == "DENY"
    assert page.locator("main#main h1").inner_text() == "Cambridgeshire County Council"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [f"embed/{CHART}/", "changes/"])
def test_new_pages_load_cleanly_and_axe_finds_nothing(browser, site_url: str, path: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    visit = watch(page, site_url)
    page.goto(site_url + path, wait_until="networkidle", timeout=15_000)
    assert (visit.console_errors, visit.failed, visit.foreign) == ([], [], [])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # axe's own script needs the bypass
    page = context.new_page()
    page.goto(site_url + path, wait_until="networkidle", timeout=15_000)
    results = Axe().run(page, options=WCAG)
    assert results.violations_count == 0, results.generate_report()
    context.close()
