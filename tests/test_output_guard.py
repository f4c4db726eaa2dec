"""The output folder is guarded (issue 11): no setting makes a build replace or remove anything of the project's
own, and nothing sitegen did not write."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI, copy_cache, copy_project

from sitegen.files import tree_digest

MARKER = ".sitegen-output"


def sitegen(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`sitegen build` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "sitegen", "build", *args], cwd=project, capture_output=True,
                          text=True, timeout=300, check=False)


def files(folder: Path, ignore: str = "\0") -> dict[str, bytes]:
    """Every file under folder (symlinks as their target text), by relative path."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(ignore):
            continue
        if path.is_symlink():
            out[rel] = os.readlink(path).encode()
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def set_output(project: Path, value: str, extra: str = "") -> None:
    """Point output_dir (and any other setting) somewhere in sitegen.toml."""
    settings = project / "sitegen.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "[site]", f"[site]\noutput_dir = {json.dumps(value)}\n{extra}", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def warm_cache(mini_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Chart specs, SVGs and the script bundle of the mini project, copied from the built one (not the shared
    cache: these tests edit the build stamp)."""
    return copy_cache(mini_site.parent / ".cache", tmp_path_factory.mktemp("warm") / ".cache")


@pytest.fixture
def project(tmp_path: Path, warm_cache: Path) -> Path:
    """The mini project with docs/ and a .git/ beside its inputs, none of which any build may touch."""
    root = copy_project(MINI, tmp_path / "p", warm=False)
    shutil.copytree(warm_cache, root / ".cache")
    (root / "docs").mkdir()
    (root / "docs/data-model.md").write_text("# Data model\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git/HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return root


def assert_refused(project: Path, says: str, outside: Path | None = None) -> None:
    """The build exits 1 with one located line, and neither the project (its cache aside) nor `outside` changes."""
    before = files(project, ignore=".cache/")
    elsewhere = files(outside) if outside else {}
    result = sitegen(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "output_dir = " in errors[0] and says in errors[0], result.stderr
    assert files(project, ignore=".cache/") == before
    assert (files(outside) if outside else {}) == elsewhere


@pytest.mark.parametrize(("value", "says"), [
    (".", "a folder of its own inside the project"),
    ("./", "a folder of its own inside the project"),
    ("..", "a folder of its own inside the project"),
    ("build/..", "a folder of its own inside the project"),
    ("datapackages", "would replace or mix with datapackages/"),
    ("datapackages/nhs-debts", "would replace or mix with datapackages/"),
    ("content", "would replace or mix with content/"),
    ("templates", "would replace or mix with templates/"),
    ("docs", "would replace or mix with docs/"),
    (".git", "would replace or mix with .git/"),
    (".cache", "would replace or mix with .cache/"),
    ("sitegen.toml", "would replace or mix with sitegen.toml,"),
])
def test_output_dir_may_not_be_the_project_or_hold_its_inputs(project: Path, value: str, says: str) -> None:
    set_output(project, value)
    assert_refused(project, says)


def test_output_dir_may_not_be_an_ancestor_of_an_input(project: Path) -> None:
    (project / "data").mkdir()
    (project / "datapackages").rename(project / "data/packages")
    set_output(project, "data", 'datapackages_dir = "data/packages"\n')
    assert_refused(project, "would replace or mix with data/packages/")


def test_output_dir_may_not_leave_the_project(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "site").mkdir(parents=True)
    (outside / "site/keep.txt").write_text("not the project's\n", encoding="utf-8")
    for value in (str(outside / "site"), "../elsewhere/site"):
        set_output(project, value)
        assert_refused(project, "", outside)
        (project / "sitegen.toml").write_text((MINI / "sitegen.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (project / "out").symlink_to(outside)  # a symlinked parent leading out of the project
    set_output(project, "out/site")
    assert_refused(project, "outside the project", outside)


def test_output_dir_may_not_be_a_symlink_made_by_someone_else(project: Path, tmp_path: Path) -> None:
    (tmp_path / "target").mkdir()
    (project / "build").symlink_to(tmp_path / "target")
    assert_refused(project, "is a symlink to", tmp_path / "target")


def test_an_existing_folder_sitegen_did_not_make_is_refused(project: Path) -> None:
    (project / "public").mkdir()
    (project / "public/index.html").write_text("<p>hand-made</p>\n", encoding="utf-8")
    set_output(project, "public")
    assert_refused(project, f"public/ exists but was not made by sitegen (it has no {MARKER} file)")


def test_a_file_added_to_the_site_is_never_removed(project: Path) -> None:
    assert sitegen(project).returncode == 0
    (project / "build/CNAME").write_text("example.org\n", encoding="utf-8")
    (project / "build/councils/notes.txt").write_text("mine\n", encoding="utf-8")
    assert_refused(project, "build/ holds 2 file(s) sitegen did not write, such as 'CNAME'")


def test_an_empty_folder_is_accepted_and_the_marker_lists_every_file(project: Path) -> None:
    (project / "site").mkdir()
    set_output(project, "site")
    assert sitegen(project).returncode == 0
    site = project / "site"
    marker = (site / MARKER).read_text(encoding="utf-8").splitlines()
    written = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != MARKER)
    assert marker[0].startswith("This folder is written by sitegen") and marker[1:] == written
    assert stat_mode(site) == 0o755 and stat_mode(site / MARKER) == 0o644


def stat_mode(path: Path) -> int:
    """Permission bits of a path."""
    return path.stat().st_mode & 0o777


def test_a_build_folder_of_an_earlier_sitegen_is_accepted_when_the_stamp_vouches_for_it(project: Path) -> None:
    """An earlier sitegen wrote no marker; its build stamp holds a digest of what it wrote: that must match."""
    assert sitegen(project).returncode == 0
    build, stamp_path = project / "build", project / ".cache/build-stamp.json"
    (build / MARKER).unlink()
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    earlier = {**stamp, "inputs": "read by an earlier sitegen", "output": tree_digest(build)}
    stamp_path.write_text(json.dumps(earlier), encoding="utf-8")
    (build / "robots.txt").write_text("changed by hand\n", encoding="utf-8")
    assert_refused(project, f"build/ exists but was not made by sitegen (it has no {MARKER} file)")
    stamp_path.write_text(json.dumps({**earlier, "output": tree_digest(build)}), encoding="utf-8")
    result = sitegen(project)
    assert result.returncode == 0, result.stderr
    assert (build / MARKER).is_file() and (build / "robots.txt").read_text(encoding="utf-8").startswith("User-agent")


def test_a_leftover_not_made_by_sitegen_is_left_alone(project: Path) -> None:
    (project / ".build-old-mine").mkdir()
    (project / ".build-old-mine/notes.txt").write_text("mine\n", encoding="utf-8")
    result = sitegen(project)
    assert result.returncode == 0, result.stderr
    assert "left .build-old-mine alone: it was not made by sitegen" in result.stderr
    assert (project / ".build-old-mine/notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_the_marker_is_the_same_in_two_builds(project: Path, tmp_path: Path, warm_cache: Path) -> None:
    other = copy_project(MINI, tmp_path / "q", warm=False)
    shutil.copytree(warm_cache, other / ".cache")
    assert sitegen(project).returncode == 0 and sitegen(other).returncode == 0
    assert (project / "build" / MARKER).read_bytes() == (other / "build" / MARKER).read_bytes()
