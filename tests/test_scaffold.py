"""`sitegen new`: a project that validates and builds with no broken link and none of this site's wording, written
whole into a new or empty folder, never over anything."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import run_here
from test_build import broken_links
from theme_words import this_sites_wording

from sitegen.scaffold.new import PROJECT, project_files

WRITTEN = {".gitignore", "README.md", "sitegen.toml", "content/home.md", "content/about.md", "content/methodology.md",
           "datapackages/reference/datapackage.json", "datapackages/example-figures/datapackage.json"}


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`sitegen new my-site`, validated and built as a user would, from the folder above it."""
    here = tmp_path_factory.mktemp("new")
    made = run_here(here, "new", "my-site")
    assert made.returncode == 0, made.stderr
    assert "Next: sitegen build --project my-site" in made.stdout
    checked = run_here(here, "validate", "--project", "my-site")
    assert checked.returncode == 0 and "no problems" in checked.stdout, checked.stdout + checked.stderr
    built = run_here(here, "build", "--project", "my-site")
    assert built.returncode == 0, built.stderr
    return here / "my-site"


def test_new_writes_settings_packages_pages_and_a_readme(new_site: Path) -> None:
    files = {p.relative_to(new_site).as_posix() for p in new_site.rglob("*") if p.is_file()
             and p.relative_to(new_site).parts[0] not in ("build", ".cache")}
    assert files >= WRITTEN and len(files) == len(project_files())
    readme = (new_site / "README.md").read_text(encoding="utf-8")
    assert "## What to edit first" in readme and "SYNTHETIC" in readme
    assert (new_site / ".gitignore").read_text(encoding="utf-8").count("/build/") == 1


def test_every_resource_has_a_full_schema_and_every_figure_says_it_is_synthetic(new_site: Path) -> None:
    for descriptor in (new_site / "datapackages").glob("*/datapackage.json"):
        for resource in json.loads(descriptor.read_text(encoding="utf-8"))["resources"]:
            with (descriptor.parent / resource["path"]).open(encoding="utf-8") as table:
                header = next(csv.reader(table))
            assert header == [f["name"] for f in resource["schema"]["fields"]]
            assert all(f.get("description") for f in resource["schema"]["fields"]), resource["name"]
    with (new_site / "datapackages/example-figures/figures.csv").open(encoding="utf-8") as table:
        figures = list(csv.DictReader(table))
    assert len(figures) >= 8 and all(row["note"].startswith("SYNTHETIC") for row in figures)
    assert "SYNTHETIC" in (new_site / "build/sources/index.html").read_text(encoding="utf-8")


def test_the_built_site_has_no_broken_link_and_none_of_this_sites_wording(new_site: Path) -> None:
    site = new_site / "build"
    assert broken_links(site) == []
    assert this_sites_wording(site) == []
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<p class="lede">How much money passes between Exampleshire' in home  # content/home.md
    assert 'href="about/index.html">About</a>' in home and 'href="methodology/index.html">Methodology</a>' in home
    assert (site / "about/index.html").is_file() and (site / "councils/exampleton/index.html").is_file()


@pytest.mark.parametrize("present", ["a file", "a folder", "a hidden file"])
def test_new_refuses_a_folder_that_is_not_empty_and_changes_nothing(tmp_path: Path, present: str) -> None:
    folder = tmp_path / "my-site"
    folder.mkdir()
    kept = {"a file": folder / "notes.txt", "a folder": folder / "data" / "x.csv",
            "a hidden file": folder / ".git" / "HEAD"}[present]
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text("mine\n", encoding="utf-8")
    result = run_here(tmp_path, "new", "my-site")
    assert result.returncode == 2
    assert result.stderr == "Error: my-site is not empty: name a new or empty folder, nothing was written\n"
    assert [p.relative_to(tmp_path) for p in sorted(tmp_path.rglob("*")) if p.is_file()] == \
        [kept.relative_to(tmp_path)] and kept.read_text(encoding="utf-8") == "mine\n"


def test_new_refuses_a_file_of_that_name(tmp_path: Path) -> None:
    (tmp_path / "my-site").write_text("mine\n", encoding="utf-8")
    result = run_here(tmp_path, "new", "my-site")
    assert (result.returncode, result.stderr) == (2, "Error: my-site is there and is not a folder: name a new "
                                                      "folder, nothing was written\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-site"]


def test_new_writes_into_an_empty_folder_and_makes_missing_parents(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run_here(tmp_path, "new", "empty").returncode == 0
    assert run_here(tmp_path, "new", "sites/deeper/mine").returncode == 0
    for folder in (tmp_path / "empty", tmp_path / "sites/deeper/mine"):
        assert (folder / "sitegen.toml").read_bytes() == (PROJECT / "sitegen.toml").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "sites"]  # no staging folder left


def test_an_interrupted_new_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    real = shutil.copyfile

    def fail_on_fifth(src: str, dst: str) -> str:  # a disk filling up part way through
        if len(copied) == 4:
            raise OSError(28, "No space left on device", dst)
        copied.append(dst)
        return real(src, dst)

    monkeypatch.setattr(shutil, "copyfile", fail_on_fifth)
    result = run_here(tmp_path, "new", "my-site")
    assert (result.returncode, result.stderr) == (1, "Error: cannot write my-site: the disk is full; nothing was "
                                                      "written\n")
    assert list(tmp_path.iterdir()) == []


def test_the_wording_check_finds_this_sites_words_in_text_and_attributes_not_in_addresses(tmp_path: Path) -> None:
    (tmp_path / "icbs").mkdir()
    (tmp_path / "icbs/index.html").write_text('<a href="../icbs/index.html" title="NHS bodies">ICBs</a>'
                                              '<p>Money in England.</p>', encoding="utf-8")
    assert this_sites_wording(tmp_path) == ["icbs/index.html: England", "icbs/index.html: ICB",
                                            "icbs/index.html: NHS"]
