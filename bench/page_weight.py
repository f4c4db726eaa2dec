"""What a chart page weighs with JavaScript on, everything it loads counted, gzipped (run by bench/run.py).

Serves a built site on 127.0.0.1, opens the council page with the most charts in Debian's Chromium (never a
downloaded browser), records every response until the network is idle, then hovers and focuses the first chart
(a first interaction) and records again. Sizes are the files on disk, raw and gzipped at level 6.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    """A static file server that logs nothing."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""


def chart_page(site: Path) -> Path:
    """The council page with the most charts (the heaviest case)."""
    pages = sorted(site.glob("councils/*/index.html"))
    return max(pages, key=lambda p: (p.read_text(encoding="utf-8").count('class="chart"'), p.as_posix()))


def weigh(site: Path, paths: list[str]) -> dict[str, int]:
    """Raw and gzipped bytes of the site's files at these URL paths."""
    files = [site / unquote(p).lstrip("/") for p in paths]
    files = [f / "index.html" if f.is_dir() else f for f in files]
    return {"files": len(files), "bytes": sum(f.stat().st_size for f in files),
            "gzip": sum(len(gzip.compress(f.read_bytes(), 6, mtime=0)) for f in files)}


def main() -> None:
    """Print the page, and its weight on load and after a first interaction, as JSON."""
    site = Path(sys.argv[1])
    page_path = chart_page(site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seen: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("response", lambda r: seen.append(urlsplit(r.url).path) if r.ok else None)
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{page_path.relative_to(site).as_posix()}",
                  wait_until="networkidle")
        on_load = sorted(set(seen))
        first = page.locator("figure.chart").first
        first.hover()
        first.focus()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        browser.close()
    server.shutdown()
    print(json.dumps({"page": page_path.relative_to(site).as_posix(),
                      "charts": page_path.read_text(encoding="utf-8").count('class="chart"'),
                      "on_load": weigh(site, on_load), "interacted": weigh(site, sorted(set(seen)))}))


if __name__ == "__main__":
    main()
