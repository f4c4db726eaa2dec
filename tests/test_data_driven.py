"""The data drives the site: topics, measures and figures packages are data changes only, and a second
project on another topic (SYNTHETIC) builds with no code change."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI, build, copy_project
from other_project import make_other_project
from test_build import broken_links
from theme_words import this_sites_wording

GOLDEN = Path(__file__).resolve().parent / "golden" / "other"
OTHER_PAGES = {"home.html": "index.html", "council.html": "councils/northvale/index.html",
               "measure.html": "measures/pooled-budget/index.html", "nation.html": "councils/synthland/index.html"}


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SYNTHETIC fictional-country project, built once."""
    return build(make_other_project(tmp_path_factory.mktemp("other")))


@pytest.mark.parametrize(("golden", "page"), sorted(OTHER_PAGES.items()))
def test_other_project_golden_pages(other_site: Path, golden: str, page: str) -> None:
    actual = (other_site / page).read_text(encoding="utf-8")
    expected = GOLDEN / golden
    if os.environ.get("SITEGEN_UPDATE_GOLDEN") == "1":
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8"), f"{page} differs from tests/golden/other/{golden}"


def test_other_project_speaks_of_its_own_country_and_topics(other_site: Path) -> None:
    council = (other_site / "councils/northvale/index.html").read_text(encoding="utf-8")
    assert "Joint funding" in council and "Late payments" in council and "England" not in council
    assert council.index("Joint funding") < council.index("Late payments")  # the topics' own order
    assert "Synthland: national figures" in (other_site / "councils/synthland/index.html").read_text(encoding="utf-8")


def test_other_project_shows_none_of_this_sites_wording(other_site: Path) -> None:
    # its data pages show its descriptors, copied from the mini fixture's: the theme's words are what is tested
    assert this_sites_wording(other_site, skip=("data/",)) == []
    home = (other_site / "index.html").read_text(encoding="utf-8")
    assert "<h2>Contribute a figure</h2>" not in home  # no repository and no methodology: nowhere to send anyone
    assert ">Partners</a>" in home and "Counterparty" in (other_site / "councils/northvale/index.html").read_text()


def test_navigation_links_only_to_pages_that_exist(other_site: Path) -> None:
    assert not (other_site / "about").exists() and not (other_site / "methodology").exists()
    assert broken_links(other_site) == []
    for page in other_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "about/index.html" not in text and "methodology/index.html" not in text, page


def test_each_written_page_is_linked_once_it_is_there(tmp_path: Path) -> None:
    project = make_other_project(tmp_path / "p")
    (project / "content").mkdir()
    (project / "content/methodology.md").write_text("How figures are chosen.\n", encoding="utf-8")
    (project / "content/home.md").write_text("Money between *boards* and councils.\n\nNorthvale pooled "
                                             "{{ figure:northvale-pooled-budget-2023-24 }}.\n", encoding="utf-8")
    (project / "sitegen.toml").write_text((project / "sitegen.toml").read_text() + 'icb_label = "health board"\n'
                                          'icb_short = "board"\ncounterparty_label = "health board"\n')
    site = build(project)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<p class="lede">Money between <em>boards</em> and councils.</p>\n<p>Northvale pooled <a class="figref" ' \
        'href="councils/northvale/index.html#figure-northvale-pooled-budget-2023-24">£5m</a>.</p>' in home
    assert 'href="methodology/index.html">Methodology</a>' in home and "about/index.html" not in home
    assert ">Boards</a>" in home and broken_links(site) == []
    board = (site / "icbs/northvale-and-fells/index.html").read_text(encoding="utf-8")
    assert "<h2>Figures where this board is the health board</h2>" in board
    assert "<title>Health boards · " in (site / "icbs/index.html").read_text(encoding="utf-8")


def append_row(path: Path, row: list[str]) -> None:
    """Add one row to a CSV file."""
    with path.open("a", newline="", encoding="utf-8") as out:
        csv.writer(out, lineterminator="\n").writerow(row)


FIGURE = ["cambridgeshire-carers-breaks-2023-24", "E10000003", "Cambridgeshire County Council", "", "", "false",
          "carers-breaks", "1200", "count", "2023-04-01", "2024-03-31", "2023-24", "exact", "reported", "",
          "src-c363f583", "", ""]  # no note, no dispute


def test_a_new_topic_and_measure_are_data_changes_only(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "p")
    package = project / "datapackages/nhs-debts"
    append_row(package / "topics.csv", ["carers", "Support for carers", "0"])
    append_row(package / "measures.csv", ["carers-breaks", "Carers' breaks funded", "count",
                                          "Breaks for unpaid carers the council paid for.", "carers", "false", ""])
    append_row(package / "figures.csv", FIGURE)
    page = (build(project) / "councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert "Support for carers" in page and "1,200" in page
    assert page.index("<h3>Support for carers") < page.index("<h3>NHS debt")  # order 0 comes first
    assert (project / "build/measures/carers-breaks/index.html").is_file()


def test_a_third_figures_package_reaches_council_pages(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "p")
    third = project / "datapackages/carers"
    shutil.copytree(project / "datapackages/nhs-debts", third)
    descriptor = json.loads((third / "datapackage.json").read_text(encoding="utf-8"))
    (third / "datapackage.json").write_text(json.dumps(descriptor | {"name": "carers"}), encoding="utf-8")
    for table, row in (("topics", ["carers", "Support for carers", "10"]),
                       ("measures", ["carers-breaks", "Carers' breaks funded", "count", "Breaks for unpaid carers.",
                                     "carers", "false", ""]),
                       ("figures", FIGURE)):  # sources.csv stays as copied: the figure cites one of them
        header = next(csv.reader((third / f"{table}.csv").open(encoding="utf-8")))
        (third / f"{table}.csv").write_text(",".join(header) + "\n", encoding="utf-8")
        append_row(third / f"{table}.csv", row)
    page = (build(project) / "councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert "Support for carers" in page and "Carers&#39; breaks funded" in page
    assert (project / "build/data/carers/carers.zip").is_file()


def test_a_topic_missing_from_the_data_is_a_located_problem(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "p")
    measures = project / "datapackages/nhs-debts/measures.csv"
    append_row(measures, ["carers-breaks", "Carers' breaks funded", "count", "Breaks.", "carers", "false"])
    result = subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=project, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "datapackages/nhs-debts/measures.csv" in result.stderr and "value 'carers'" in result.stderr
    assert not (project / "build").exists()


def test_a_package_without_what_the_site_reads_is_a_located_problem(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "p")
    descriptor = project / "datapackages/nhs-debts/datapackage.json"
    body = json.loads(descriptor.read_text(encoding="utf-8"))
    body["resources"] = [r for r in body["resources"] if r["name"] != "topics"]
    for resource in body["resources"]:
        resource["schema"]["foreignKeys"] = [k for k in resource["schema"].get("foreignKeys", [])
                                             if k["reference"]["resource"] != "topics"]
    descriptor.write_text(json.dumps(body), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sitegen", "validate"], cwd=project, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert "datapackages/nhs-debts/datapackage.json" in result.stdout
    assert "field resources, value 'topics': package nhs-debts needs a `topics` resource" in result.stdout
