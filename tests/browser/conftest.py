"""Browser fixtures: Debian's Chromium through Playwright, and the built site on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Dialog, Page

from sitegen.config import load_config

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under PREFIX, as GitHub Pages would; a missing path gets 404.html with status 404."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "no-such-file")
        return super().translate_path("/" + path.removeprefix(self.prefix))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""


def serve(project: Path) -> Iterator[str]:
    """Serve a built project on a free loopback port, below its base_url's path; yield that URL."""
    prefix = urlsplit(load_config(project).base_url).path or "/"
    handler = type("ProjectHandler", (Handler,), {"prefix": prefix})
    files = functools.partial(handler, directory=str(project / "build"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def base_url(real_site: Path) -> Iterator[str]:
    """The real site, served locally."""
    yield from serve(real_site.parent)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium; never a downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: run `make chromium` (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """What happened while a page loaded."""

    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def watch(page: Page, base: str) -> Visit:
    """Record console errors, failed requests, requests to other hosts and dialogs."""
    visit = Visit()
    page.on("console", lambda m: visit.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: visit.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: visit.failed.append(r.url))
    # an HTTP error for anything but the page itself (the 404 page is fetched with status 404, by design)
    page.on("response", lambda r: visit.failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    page.on("request", lambda r: None if r.url.startswith((base, "data:")) else visit.foreign.append(r.url))
    page.on("dialog", lambda d: dismiss(d, visit))
    return visit


def dismiss(dialog: Dialog, visit: Visit) -> None:
    """Record a dialog's message and close it, so no page ever waits on one."""
    visit.dialogs.append(dialog.message)
    dialog.dismiss()
