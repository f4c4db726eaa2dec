"""A measure's rankings and maps are made when its pages are rendered: the page record knows them, unmade, by the
measure's figures and the rest of the data. On the real site, whose periods are ranked per head and per 100,000
residents, an edit makes again the pages it changes, and the site equals a cold build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import MINI, ROOT, copy_project
from test_incremental import edit_csv, tree

from sitegen.build.pipeline import build as build_site
from sitegen.build.reuse.later import rest_key
from sitegen.config import load_config
from sitegen.data.validate import validate_packages


def built(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, bytes]]:
    """Build the project: how many pages were rendered (not kept from the last build), and the site."""
    capsys.readouterr()
    build_site(load_config(project))
    said = re.search(r"Built (\d+) pages \((\d+) of them unchanged", capsys.readouterr().out)
    assert said, "no summary"
    return int(said[1]) - int(said[2]), tree(project / "build")


def test_edits_of_a_figure_and_of_a_population_render_the_measure_pages_they_change_as_a_cold_build(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A money figure's value changed: its measure's pages are rendered again, and few others (the other measures'
    rankings, the delayed-transfer months' 47,000 among them, are not made at all). Then a council's population
    doubled in every year: its rates change, and so do its ranks and the medians on the delayed-transfer months'
    pages, which are rendered again. After both, the site is byte for byte a cold build's."""
    project = copy_project(ROOT, tmp_path / "project")
    built(project, capsys)
    edited: dict[str, str] = {}

    def add_one(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        row = next(r for r in rows if r["unit"] == "GBP" and r["value"].isdigit() and r["area_code"] != "E92000001")
        row["value"] = str(int(row["value"]) + 1)
        edited.update(row)
        return rows
    edit_csv(project / "datapackages/better-care-fund/figures.csv", add_one)
    before = tree(project / "build")
    made, after = built(project, capsys)
    changed = {p for p in after if p.endswith(".html") and after[p] != before.get(p)}
    assert f"measures/{edited['measure']}/index.html" in changed
    assert made < 30, f"{made} pages rendered again for one figure"
    assert not any(p.startswith("measures/delayed-days-") for p in changed)

    def double_norfolk(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for r in rows:
            if r["area_code"] == "E10000020":  # Norfolk: a figure in every delayed-transfer month
                r["population"] = str(int(r["population"]) * 2)
        return rows
    edit_csv(project / "datapackages/reference/populations.csv", double_norfolk)
    made, again = built(project, capsys)
    changed = {p for p in again if p.endswith(".html") and again[p] != after.get(p)}
    assert "measures/delayed-days-nhs/december-2019/index.html" in changed
    assert "measures/delayed-days-nhs/march-2018/index.html" in changed
    assert "councils/enfield/index.html" in changed  # its England median for December 2019 moved

    cold = tmp_path / "cold"
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns("build", ".cache"))
    made, fresh = built(cold, capsys)
    assert made == len([p for p in fresh if p.endswith(".html")])  # every page rendered: nothing to reuse
    assert again == fresh


def test_data_read_without_its_bytes_gives_no_key_for_later_made_pages() -> None:
    """`sitegen validate` drops the CSVs' bytes once checked: the key of a later-made page, which hashes them,
    refuses such data rather than hash every file as empty (and keep pages whatever the data said)."""
    kept, _ = validate_packages(MINI / "datapackages", load_config(MINI))
    assert rest_key(kept)  # as a build reads the data
    dropped, problems = validate_packages(MINI / "datapackages", load_config(MINI), keep_bytes=False)
    assert not problems
    with pytest.raises(ValueError, match="were not kept"):
        rest_key(dropped)
