"""`sitegen serve` in Chromium: an edit reloads the page, a broken edit shows the overlay, fixing it restores."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import Served

pytestmark = pytest.mark.browser
FIGURES = "datapackages/nhs-debts/figures.csv"
WAIT_MS = 30_000  # one rebuild on a busy 2-core machine; the README quotes the real median


@pytest.fixture(scope="module")
def served(mini_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    """A temporary copy of the built mini project (warm caches), served."""
    project = tmp_path_factory.mktemp("serve") / "project"
    shutil.copytree(mini_site.parent, project)
    server = Served(project)
    yield server, project
    server.interrupt()


def test_edit_reloads_bad_edit_shows_overlay_fix_restores(browser, served: tuple[Served, Path]) -> None:
    server, project = served
    base = server.url()
    page = browser.new_context().new_page()
    page.set_default_timeout(WAIT_MS)
    page.set_default_navigation_timeout(WAIT_MS)
    with page.expect_response(lambda r: "/__sitegen/events" in r.url):
        page.goto(base + "about/")
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA sentence added while serving.\n", encoding="utf-8")
    page.get_by_text("A sentence added while serving.").wait_for()

    figures = project / FIGURES
    good = figures.read_text(encoding="utf-8")
    line = 1 + next(n for n, row in enumerate(good.splitlines()) if ",13000000," in row)
    page.evaluate("window.beforeFix = true")
    figures.write_text(good.replace(",13000000,", ",lots,"), encoding="utf-8")
    overlay = page.locator("#sitegen-overlay")
    overlay.wait_for()
    shown = overlay.inner_text()
    assert f"{FIGURES}:{line}" in shown and "field value" in shown and "value 'lots'" in shown, shown
    assert page.get_by_text("A sentence added while serving.").is_visible()  # the last good page stays

    figures.write_text(good, encoding="utf-8")
    overlay.wait_for(state="detached")
    page.wait_for_function("window.beforeFix === undefined")  # the page was reloaded from the new build
    assert page.locator("h1").count() == 1


def test_reload_script_never_reaches_build(served: tuple[Served, Path]) -> None:
    _, project = served
    assert not [p for p in (project / "build").rglob("*.html") if b"__sitegen" in p.read_bytes()]
