"""Take the README's picture: the Cambridgeshire page of build/, in Debian's Chromium (run `make site` first).

Usage: python scripts/screenshot.py [--build build] [--out docs/screenshot-council.png]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def main() -> None:
    """Serve build/ on loopback and save a screenshot of one council page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot-council.png"))
    parser.add_argument("--page", default="councils/cambridgeshire/index.html")
    args = parser.parse_args()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(args.build))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1500}, device_scale_factor=1)
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{args.page}", wait_until="networkidle")
        page.wait_for_timeout(500)
        page.screenshot(path=str(args.out))
        browser.close()
    server.shutdown()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
