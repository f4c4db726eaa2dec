"""Benchmark `sitegen serve`: seconds from saving an edit to the browser showing it, on the real project (medians).

A clone of the repository (so the changelog has its history) is built once, served, and opened in Chromium on
the Cambridgeshire page. Each round saves an edit and times until the page shows it: a Markdown edit, a data
edit (one figure's value), then a template edit (council.html). Target (issue 12): within 2 s.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from served import Served  # noqa: E402 - the tests' own helper for a serve process

ROUNDS = 5
TARGET = 2.0
CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
PAGE = "councils/cambridgeshire/"
FIGURES = "datapackages/nhs-debts/figures.csv"
FIGURE = "cambridgeshire-nhs-overdue-asc-debt-31-march-2024,"


def edit_markdown(project: Path, n: int) -> str:
    """Append a sentence to the council's written page; the text to wait for."""
    path = project / "content" / "councils" / "cambridgeshire.md"
    marker = f"Benchmark edit number {n}."
    path.write_text(path.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    return marker


def edit_template(project: Path, n: int) -> str:
    """Add a sentence under the heading of the council page template (every council's page loads it)."""
    path = project / "templates" / "council.html"
    text = re.sub(r"(<h1>\{\{ council.name \}\}</h1>)(<p>Template edit number \d+\.</p>)?",
                  rf"\1<p>Template edit number {n}.</p>", path.read_text(encoding="utf-8"), count=1)
    path.write_text(text, encoding="utf-8")
    return f"Template edit number {n}."


def edit_value(project: Path, n: int) -> str:
    """Set one figure's value; the formatted value to wait for on the page."""
    path = project / FIGURES
    lines = path.read_text(encoding="utf-8").splitlines()
    value = 13_000_000 + (n + 1) * 100_000
    for i, line in enumerate(lines):
        if line.startswith(FIGURE):
            cells = line.split(",")
            cells[7] = str(value)
            lines[i] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"£{value / 1e6:.1f}m"


def time_edit(page: Any, project: Path, edit: Callable[[Path, int], str], n: int) -> float:
    """Seconds from saving the edit to the reloaded page holding the text (its DOMContentLoaded event).

    Waiting on the event rather than polling for the text: Playwright polls a locator again after a navigation
    at growing intervals (up to 0.5 s), which would be timed too.
    """
    started = time.perf_counter()
    wanted = edit(project, n)
    while time.perf_counter() - started < 60:
        page.wait_for_event("domcontentloaded", timeout=60_000)
        shown = time.perf_counter()
        if page.get_by_text(wanted).count():
            return shown - started
    raise AssertionError(f"the page did not show {wanted!r} within 60 s")


def main() -> int:
    """Print the medians of each kind of edit."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="sitegen-bench-serve-") as tmp:
        project = Path(tmp) / "project"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(project)], check=True, timeout=120)
        server = Served(project)
        try:
            base = server.url(timeout=600)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page()
                with page.expect_response(lambda r: "/__sitegen/events" in r.url):
                    page.goto(base + PAGE)
                edits = (("Markdown edit", edit_markdown), ("data edit", edit_value), ("template edit", edit_template))
                for name, edit in edits:
                    times = [time_edit(page, project, edit, n) for n in range(ROUNDS)]
                    median = statistics.median(times)
                    print(f"real site, {name} -> browser: median {median:.2f} s of {ROUNDS} "
                          f"(min {min(times):.2f}, max {max(times):.2f}; target <= {TARGET:.0f} s)"
                          f"{'' if median <= TARGET else '  OVER TARGET'}", flush=True)
                browser.close()
            said = ("Built ", "Previewed ", "Downloads ")
            builds = [line.strip() for line in server.text().splitlines() if line.startswith(said)]
            print("the server's own build times, first build included:\n  " + "\n  ".join(builds), flush=True)
        finally:
            server.interrupt()
    return 0


if __name__ == "__main__":
    sys.exit(main())
