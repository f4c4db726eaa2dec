"""One figure changed: exactly the API files, chart zips and workbook sheet rows holding it are made again, the
rest linked or read from the cache, and the site is the cold build's."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

from conftest import MINI, copy_project

from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import build as build_site
from sitegen.build.session import Session
from sitegen.cache import Cache
from sitegen.config import load_config
from sitegen.publish.xlsx import FLUSH_ROWS, Sheet, workbook

FIGURE = "cambridgeshire-s75-council-contribution-2023-24"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def change_figure(project: Path) -> None:
    """Change one figure's value and note in its CSV."""
    path = project / "datapackages/better-care-fund/figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    found = [i for i, line in enumerate(lines) if line.startswith(FIGURE + ",")]
    assert len(found) == 1
    lines[found[0]] = lines[found[0]].replace(",93700000,", ",93800000,").replace("pooled budget.", "pooled fund.")
    path.write_text("".join(lines), encoding="utf-8")


def holding(files: dict[str, bytes], prefix: str, suffix: str) -> set[str]:
    """The files under prefix with the suffix whose text (a zip's members) names the figure."""
    found = set()
    for path, data in files.items():
        if path.startswith(prefix) and path.endswith(suffix):
            if suffix == ".zip":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    data = archive.read(next(n for n in archive.namelist() if n.endswith("data.csv")))
            if FIGURE.encode() in data:
                found.add(path)
    return found


def test_a_changed_figure_makes_again_only_the_files_holding_it(tmp_path: Path) -> None:
    """The API files and chart zips that hold the figure change; every other one is the last build's very file
    (the same inode, not even made); the workbook shows the new value; the whole site is a cold build's."""
    project = copy_project(MINI, tmp_path / "project", warm=False)
    build_site(load_config(project))
    before = tree(project / "build")
    inodes = {p: (project / "build" / p).stat().st_ino for p in before if p.startswith(("api/", "charts/"))}
    change_figure(project)
    build_site(load_config(project), session=Session())
    after = tree(project / "build")
    changed = {p for p in inodes if before[p] != after[p]}
    api, zips = holding(after, "api/", ".json"), holding(after, "charts/", ".zip")
    assert len(api) == 2 and zips  # its council's and its measure's files; its charts
    assert {p for p in changed if p.startswith("api/") or p.endswith(".zip")} == api | zips
    assert {p: (project / "build" / p).stat().st_ino for p in inodes if p not in changed} == {
        p: inode for p, inode in inodes.items() if p not in changed}
    assert b'"value":93800000' in after[next(p for p in api if "/measures/" in p)]
    with zipfile.ZipFile(project / "build/data/all-figures.xlsx") as archive:
        strings = archive.read("xl/sharedStrings.xml")
        assert b"pooled fund." in strings and b"<v>93800000</v>" in archive.read("xl/worksheets/sheet2.xml")
    cold = tmp_path / "cold"
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns("build", ".cache"))
    build_site(load_config(cold), BuildOptions(force=True))
    assert after == tree(cold / "build")


def rows(count: int, renamed: int = -1, revalued: int = -1) -> list[list[object]]:
    """A header and count rows of text, numbers and dates; one row's text new, one row's number other."""
    out: list[list[object]] = [["name", "value", "day", "kind"]]
    for i in range(count):
        out.append([f"row {i % 700}" if i != renamed else "a new name", i * 1.5 if i != revalued else -1,
                    date(2024, 1 + i % 12, 1), ["odd", "even"][i % 2]])
    return out


def keyed(table: list[list[object]]) -> Sheet:
    """The table as a sheet whose rows are keyed by their text."""
    return Sheet("figures", table, bold_header=True, row_keys=[repr(row).encode() for row in table])


def test_sheet_chunks_from_the_cache_make_the_cold_bytes(tmp_path: Path) -> None:
    """A workbook made with its sheet's chunks cached is the workbook made without a cache, byte for byte, after a
    number changes in one chunk (that chunk alone made again, the strings read from the cache) and after a new text
    in the first chunk (which renumbers the shared strings of every later chunk)."""
    cache = Cache(tmp_path / "cache", "downloads", "code")
    count = FLUSH_ROWS * 3 - 5
    day = date(2026, 1, 1)
    assert workbook("t", day, [keyed(rows(count))], cache) == workbook("t", day, [keyed(rows(count))])
    entries = set(cache.folder.iterdir())
    assert sorted(p.suffix for p in entries) == [".sstz", ".xmlz", ".xmlz", ".xmlz"]  # the strings, 3 chunks of rows
    revalued = rows(count, revalued=FLUSH_ROWS + 7)
    assert workbook("t", day, [keyed(revalued)], cache) == workbook("t", day, [Sheet(
        "figures", revalued, bold_header=True)])
    assert [p.suffix for p in set(cache.folder.iterdir()) - entries] == [".xmlz"]  # one chunk; the same strings
    renamed = rows(count, renamed=3)
    made = workbook("t", day, [keyed(renamed)], cache)
    assert made == workbook("t", day, [Sheet("figures", renamed, bold_header=True)])
    with zipfile.ZipFile(io.BytesIO(made)) as archive:
        assert b"a new name" in archive.read("xl/sharedStrings.xml")
