"""The parsed data kept in the cache between processes: a new `sitegen build` parses only the files that changed,
a damaged or planted cache file costs time and nothing else."""

from __future__ import annotations

import csv
import io
import os
import pickle
import shutil
import time
from pathlib import Path

import pytest
from conftest import MINI, copy_project

from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import build as build_site
from sitegen.build.reuse.parsed import KIND, load_memo, signature
from sitegen.build.session import Session
from sitegen.build.stamp import RACY_NS
from sitegen.cache import pack
from sitegen.config import load_config
from sitegen.data import read as read_module
from sitegen.files import Inputs


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def project_in(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the mini project with a cache of its own (not the tests' shared one), and that cache."""
    project = copy_project(MINI, tmp_path / "project", warm=False)
    return project, project / ".cache"


def change_value(project: Path) -> Path:
    """The first figure of nhs-debts, a tenth up; the edited file."""
    path = project / "datapackages/nhs-debts/figures.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    rows[0]["value"] = str(int(float(rows[0]["value"]) * 1.1))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path.resolve()


def cold_build_of(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """The site a forced build of a fresh copy of project's inputs makes."""
    cold = tmp_path / "cold"
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns("build", ".cache"))
    build_site(load_config(cold), BuildOptions(force=True))
    return tree(cold / "build")


def test_a_new_process_parses_again_only_the_edited_file(tmp_path: Path) -> None:
    """After a build, the cache holds every CSV as parsed; a build in a new session after an edit to one CSV finds
    the others there (same key: not parsed again) and saves the edited one's new version; the site is the cold
    build's."""
    project, cache = project_in(tmp_path)
    build_site(load_config(project))
    code = Session().code
    first = dict(signature(load_memo(cache, code)))
    csvs = {str(p.resolve()) for p in (project / "datapackages").rglob("*.csv")}
    assert csvs <= set(first)
    edited = str(change_value(project))
    build_site(load_config(project), session=Session())
    second = dict(signature(load_memo(cache, code)))
    assert [path for path in csvs if second[path] != first[path]] == [edited]
    assert tree(project / "build") == cold_build_of(project, tmp_path)


def entries(cache: Path) -> list[Path]:
    """The parsed data's entries (the index aside), one per file or package."""
    return sorted(p for p in (cache / KIND).glob("*.pickle"))


def test_a_new_process_writes_only_the_edited_files_entry(tmp_path: Path) -> None:
    """After an edit to one CSV, a build in a new session writes that file's parsed entry, and its package's
    checks, and no other entry again."""
    project, cache = project_in(tmp_path)
    build_site(load_config(project))
    before = {p: p.stat().st_mtime_ns for p in entries(cache)}
    change_value(project)
    build_site(load_config(project), session=Session())
    after = {p: p.stat().st_mtime_ns for p in entries(cache)}
    assert 0 < len(set(after) - set(before)) <= 2  # the CSV parsed, its package checked
    assert all(after[p] == before[p] for p in set(after) & set(before))


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A torn entry, or one another version of sitegen wrote, is read as no entry (a torn one is said): the build
    parses that file afresh and is the cold build."""
    project, cache = project_in(tmp_path)
    build_site(load_config(project))
    assert signature(load_memo(cache, Session().code)) != []  # whole, and found by the code that wrote it
    assert signature(load_memo(cache, "another version")) == []  # never by another
    victims = entries(cache)
    for victim in victims:
        data = victim.read_bytes()
        victim.write_bytes(data[: len(data) // 2])
    capsys.readouterr()
    assert signature(load_memo(cache, Session().code)) == []
    assert capsys.readouterr().err.count("discarded a corrupt cache entry") == len(victims)
    change_value(project)
    build_site(load_config(project), session=Session())
    assert tree(project / "build") == cold_build_of(project, tmp_path)


class Planted:
    """What an attacker would plant: unpickling it runs a command."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (self.command,)


def test_a_planted_cache_file_runs_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cache entry with a valid hash whose pickle calls a function (a project shared with its cache, say) is
    refused, and said (a cache this code wrote but cannot read would otherwise slow every build unseen):
    the function never runs, and the build is the cold build."""
    project, cache = project_in(tmp_path)
    build_site(load_config(project))
    marker = tmp_path / "ran"
    planted = entries(cache)[0]  # an entry with a valid hash
    planted.write_bytes(pack(pickle.dumps(Planted(f"touch {marker}"), protocol=5)))
    capsys.readouterr()
    assert len(signature(load_memo(cache, Session().code))) == len(entries(cache)) - 1
    said = capsys.readouterr().err
    assert f"could not read back the parsed data kept in {planted}" in said
    assert "posix.system is not part of the data" in said and "parsed afresh" in said
    change_value(project)
    build_site(load_config(project), session=Session())
    assert not marker.exists()
    assert tree(project / "build") == cold_build_of(project, tmp_path)


def csvs_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The CSV files the data reader reads from here on, by name under datapackages/ (their bytes, not status)."""
    read: list[str] = []
    real = read_module.read_bytes

    def spy(path: Path, inputs: Inputs, shown: str) -> bytes:
        if path.suffix == ".csv":
            read.append(path.resolve().as_posix().split("/datapackages/")[1])
        return real(path, inputs, shown)

    monkeypatch.setattr(read_module, "read_bytes", spy)
    return read


def test_a_build_reads_only_the_csv_edited_since_the_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build in a new process reads no CSV whose status (size, times, inode) is as the last build hashed it: only
    the edited one; the site is the cold build's. A file edited in place with its size and modification time put
    back (`touch -r`) has a new change time: it is read, and the site shows the edit."""
    project, _ = project_in(tmp_path)
    time.sleep(2 * RACY_NS / 1e9)  # older than a tick of the clock: the first build trusts the files' times
    build_site(load_config(project))
    read = csvs_read(monkeypatch)
    change_value(project)
    build_site(load_config(project), session=Session())
    assert read == ["nhs-debts/figures.csv"]
    assert tree(project / "build") == cold_build_of(project, tmp_path)
    path = project / "datapackages/better-care-fund/figures.csv"
    before, text = path.stat(), path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    cells = first.split(",")
    at = header.split(",").index("value")
    cells[at] = cells[at][:-1] + str((int(cells[at][-1]) + 1) % 10)  # one digit: the same size
    path.write_text("\n".join([header, ",".join(cells), rest]), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    read.clear()
    build_site(load_config(project), session=Session())
    assert read == ["better-care-fund/figures.csv"]
    shutil.rmtree(tmp_path / "cold")
    assert tree(project / "build") == cold_build_of(project, tmp_path)
