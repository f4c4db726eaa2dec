"""Downloads made from unchanged inputs are linked from the last build without being made or read again; one edited
in build/ meanwhile is made afresh."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import MINI, copy_project

from sitegen.build.manifest import MANIFEST, state_file
from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import build as build_site
from sitegen.build.session import Session
from sitegen.cache import USED, Cache
from sitegen.config import load_config


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def entries(folder: Path) -> set[str]:
    """The names of a cache folder's entries (not its record of what builds used)."""
    return {p.name for p in folder.iterdir() if not p.name.startswith(USED)}


def retitle_page(project: Path) -> None:
    """An edit that leaves every download's inputs as they were (the about page's text)."""
    page = project / "content/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")


def test_unchanged_downloads_are_linked_and_an_edited_one_made_again(tmp_path: Path) -> None:
    """After an edit no download or chart depends on, every download and chart file is the last build's very file
    (the same inode), not made again though the cache of made files is gone; one changed in build/ by hand is made
    again; the site is the cold build."""
    project = copy_project(MINI, tmp_path / "project", warm=False)
    build_site(load_config(project))
    made = json.loads(state_file(load_config(project), MANIFEST).read_text(encoding="utf-8"))["made"]
    downloads = sorted(made)
    assert any(p.endswith(".svg") for p in downloads) and any(p.endswith(".vl.json") for p in downloads)
    assert any(p.endswith(".zip") for p in downloads) and any(p.endswith("figures.csv") for p in downloads)
    assert any(p.endswith(".xlsx") for p in downloads)
    assert "api/index.json" in downloads  # the API's files are known unchanged by their keys too
    inodes = {p: (project / "build" / p).stat().st_ino for p in downloads}
    shutil.rmtree(project / ".cache/downloads")
    edited = [next(p for p in downloads if p.endswith("figures.csv")), "api/index.json", next(p for p in downloads if
                                                                                        p.endswith(".svg"))]
    for path in edited:
        (project / "build" / path).write_bytes(b"edited by hand")
    retitle_page(project)
    build_site(load_config(project), session=Session())
    assert {p: (project / "build" / p).stat().st_ino for p in downloads if p not in edited} == {
        p: inode for p, inode in inodes.items() if p not in edited}
    assert all((project / "build" / path).read_bytes() != b"edited by hand" for path in edited)
    # made again: only the edited download (the others were neither made nor looked for in the cache; the API's
    # files and the charts' are never cached there)
    assert len(entries(project / ".cache/downloads")) == 1
    cold = tmp_path / "cold"
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns("build", ".cache"))
    build_site(load_config(cold), BuildOptions(force=True))
    assert tree(project / "build") == tree(cold / "build")


def test_the_downloads_cache_drops_entries_no_recent_build_used(tmp_path: Path) -> None:
    """An entry no build used (another code version's, a figure's old value) goes at the next complete build; what
    the last builds used stays, so a value changed back is not made again."""
    project = copy_project(MINI, tmp_path / "project", warm=False)
    build_site(load_config(project))
    folder = project / ".cache/downloads"
    first = entries(folder)
    stale = folder / ("0" * 64 + ".b64")
    stale.write_bytes(b"an entry of an older version of sitegen")
    figures = project / "datapackages/nhs-debts/figures.csv"
    original = figures.read_text(encoding="utf-8")
    figures.write_text(original.replace(",13000000,", ",13100000,", 1), encoding="utf-8")
    build_site(load_config(project))
    assert not stale.exists()
    assert first <= entries(folder) and entries(folder) != first  # the changed downloads' new entries beside
    figures.write_text(original, encoding="utf-8")
    build_site(load_config(project))
    assert entries(folder) >= first


def test_a_cache_keeps_the_entries_of_its_last_builds_for_each_output(tmp_path: Path) -> None:
    """Entries are kept while one of the last few complete builds of any output sharing the cache used them."""
    def build_using(names: list[str], output: str) -> None:
        cache = Cache(tmp_path, "kind", "code")
        for name in names:
            cache.put(name, ".txt", name)
        cache.prune(output, builds=2)

    build_using(["a", "b"], "site")
    build_using(["x"], "other site")
    build_using(["b", "c"], "site")
    kept = entries(tmp_path / "kind")
    assert kept == {Cache(tmp_path, "kind", "code").path(n, ".txt").name for n in "abcx"}
    foreign = tmp_path / "kind" / "notes.txt"  # cache_dir is a setting: a file sitegen did not make stays
    foreign.write_text("mine", encoding="utf-8")
    build_using(["c"], "site")  # "a" was last used three builds of this output ago
    assert entries(tmp_path / "kind") == kept - {Cache(tmp_path, "kind", "code").path("a", ".txt").name} | {
        foreign.name}


def test_the_chart_caches_drop_entries_no_recent_build_used(tmp_path: Path) -> None:
    """The chart specs, SVGs and scripts kept in the cache: an entry no build used goes at the next complete
    build, those in use stay, and the build after draws nothing (every chart and spec found)."""
    project = copy_project(MINI, tmp_path / "project", warm=False)
    build_site(load_config(project))
    folders = [project / ".cache" / kind for kind in ("specs", "charts", "js")]
    first = {folder: entries(folder) for folder in folders}
    assert all(first.values())
    stale = [folder / ("0" * 64 + suffix) for folder, suffix in zip(folders, (".vl.json", ".svg", ".js"),
                                                                     strict=True)]
    for path in stale:
        path.write_bytes(b"an entry of an older version of sitegen")
    figures = project / "datapackages/nhs-debts/figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",13000000,", ",13100000,", 1),
                       encoding="utf-8")
    build_site(load_config(project))
    assert not any(path.exists() for path in stale)
    assert all(entries(folder) >= first[folder] for folder in folders)  # the last builds' entries stay
    made = {folder: entries(folder) for folder in folders}
    project.joinpath("content/about.md").write_text("# About\n\nWritten again.\n", encoding="utf-8")
    build_site(load_config(project))
    assert {folder: entries(folder) for folder in folders} == made  # nothing drawn, nothing pruned that was used


def test_the_verdicts_cache_keeps_only_what_recent_builds_used(tmp_path: Path) -> None:
    """frictionless's verdict on each descriptor: one a descriptor edit, which no build uses once the edit is ten
    builds old (each edit of a descriptor added one, never removed)."""
    project = copy_project(MINI, tmp_path / "project", warm=False)
    build_site(load_config(project))
    folder = project / ".cache/verdicts"
    first = entries(folder)
    assert first
    stale = folder / ("0" * 64 + ".json")
    stale.write_bytes(b"a verdict of an older version of sitegen")
    descriptor = project / "datapackages/nhs-debts/datapackage.json"
    body = json.loads(descriptor.read_text(encoding="utf-8"))
    body["description"] = "Edited."
    descriptor.write_text(json.dumps(body, indent=2), encoding="utf-8")
    build_site(load_config(project))
    assert not stale.exists()
    assert first < entries(folder)  # the edited descriptor's verdict beside those of the last builds
