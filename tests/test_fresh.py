"""A build with nothing changed is cheap (issue 24): it looks at the stamp and the files' status, reads no input
and no output, and loads no chart, data-frame or validation library; any change to an input or to build/ still
builds (or, for a file sitegen did not write, refuses)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, build, copy_project

import sitegen
from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import build as build_site
from sitegen.build.session import Session
from sitegen.build.stamp import input_digest, read_stamp
from sitegen.cache import code_digest
from sitegen.config import load_config
from sitegen.site.theme import BUILTIN_TEMPLATES

HEAVY = ("altair", "vl_convert", "polars", "frictionless", "pandas", "numpy", "jinja2", "markdown", "pyarrow",
         "sitegen.build.pipeline")
# sitegen build in a fresh process, printing at exit the modules it loaded (as JSON, on the last line of stderr)
WATCHED = ("import atexit, json, runpy, sys\n"
           "atexit.register(lambda: print(sys.modules['sitegen'].__file__, json.dumps(sorted(sys.modules)), "
           "sep='\\n', file=sys.stderr))\n"
           "sys.argv = ['sitegen', *sys.argv[1:]]\n"
           "runpy.run_module('sitegen', run_name='__main__')\n")


def watched_build(project: Path, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str],
                                                                             list[str]]:
    """`sitegen build` in a fresh process (its environment with env), and every module it imported."""
    done = subprocess.run([sys.executable, "-c", WATCHED, "build", "--project", str(project)], capture_output=True,
                          text=True, timeout=300, check=False, env={**os.environ, **(env or {})}, cwd=project)
    return done, json.loads(done.stderr.strip().splitlines()[-1])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A built copy of the mini project."""
    built = copy_project(MINI, tmp_path / "p")
    build(built)
    return built


def said(capsys: pytest.CaptureFixture[str], project: Path) -> str:
    """What a build of project printed."""
    capsys.readouterr()
    build(project)
    return capsys.readouterr().out


def test_a_build_with_nothing_changed_loads_no_heavy_library(project: Path) -> None:
    done, modules = watched_build(project)
    assert done.returncode == 0 and done.stdout.startswith("Up to date: "), done.stdout + done.stderr
    loaded = [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]
    assert loaded == []
    # nor the stages' own modules: the model, its hashing, the plan, the pipeline (20-40 ms of a 0.2 s budget)
    stages = ("sitegen.data.model", "sitegen.build.reuse.canon", "sitegen.site.plan", "sitegen.build.pipeline")
    assert [m for m in stages if m in modules] == []


def test_a_changed_input_is_built_in_a_fresh_process_too(project: Path) -> None:
    about = project / "content/about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("a", "b", 1), encoding="utf-8")  # same size
    done, modules = watched_build(project)
    assert done.returncode == 0 and done.stdout.startswith("Built "), done.stdout + done.stderr
    assert "sitegen.build.pipeline" in modules


def same_size_edit(path: Path) -> None:
    """Change a file in place, keeping its size (a time or size check alone would be fooled by neither)."""
    data = path.read_bytes()
    path.write_bytes(data[:-2] + (b"!!" if data[-2:] != b"!!" else b"??"))


@pytest.mark.parametrize("where", ["content/home.md", "content/about.md"])
def test_an_input_edited_in_place_is_built(project: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / where
    before = path.read_bytes()
    same_size_edit(path)
    path.write_bytes(before)  # and put back: its status changed, its content is as the stamp saw it
    assert said(capsys, project).startswith("Up to date: ")  # the hash decides, not the time
    edited = before.replace(b"e", b"E", 1)
    assert edited != before and len(edited) == len(before)
    path.write_bytes(edited)
    old = os.stat(project / "sitegen.toml")
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # its time put back too (as `touch -r` would)
    assert said(capsys, project).startswith("Built ")


def nested_page(project: Path) -> Path:
    """A page two folders deep in build/."""
    return next(p for p in sorted((project / "build/councils").glob("*/index.html")))


def test_a_page_edited_in_place_deep_in_build_is_built_again(project: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    page = nested_page(project)
    written = page.read_bytes()
    same_size_edit(page)
    assert said(capsys, project).startswith("Built ")
    assert page.read_bytes() == written


def test_a_page_removed_deep_in_build_is_built_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = nested_page(project)
    written = page.read_bytes()
    page.unlink()
    assert said(capsys, project).startswith("Built ")
    assert page.read_bytes() == written


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_something_added_deep_in_build_is_refused_not_trusted(project: Path, kind: str) -> None:
    extra = nested_page(project).parent / "mine"
    extra.mkdir() if kind == "folder" else extra.write_text("my notes\n", encoding="utf-8")
    done, _ = watched_build(project)
    assert done.returncode == 1 and "sitegen did not write" in done.stderr and extra.exists(), done.stderr


def test_the_stamp_remembers_each_input_so_it_is_not_read_again(project: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(project)
    # copied just before the first build, the inputs were too recent to trust their time: this check learns it
    assert said(capsys, project).startswith("Up to date: ")
    stamp = read_stamp(config)
    data = sorted(str(p) for p in (project / "datapackages").rglob("*") if p.is_file())
    assert data and set(data) <= set(stamp["seen"])  # each with its hash: an unchanged one is not read
    code = code_digest()
    again = input_digest(config, BUILTIN_TEMPLATES, code, stamp)
    assert again.digest == stamp["inputs"]
    fresh = project / "content/about.md"
    fresh.write_text(fresh.read_text(encoding="utf-8") + "\nNew.\n", encoding="utf-8")
    later = time.time_ns() + 10_000_000_000
    os.utime(fresh, ns=(later, later))  # changed no earlier than the check (a clock tick or two): not trusted
    changed = input_digest(config, BUILTIN_TEMPLATES, code, stamp)
    assert changed.digest != stamp["inputs"]
    assert str(fresh) not in changed.seen  # so hashed again next time
    os.utime(fresh, ns=(later - 20_000_000_000, later - 20_000_000_000))
    time.sleep(0.1)  # its change time (set by the kernel at utime) is now safely past
    assert str(fresh) in input_digest(config, BUILTIN_TEMPLATES, code, stamp).seen


def test_a_preview_keeps_the_inputs_hashes_and_is_never_up_to_date(project: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """After a preview (`sitegen serve`, at an edit), the stamp still holds each unchanged input's hash, so the next
    build does not read those files again; and that build makes the site, never taking the preview for it."""
    time.sleep(0.1)  # the copied inputs are now old enough to be trusted by their status
    news = project / "datapackages/nhs-debts/figures.csv"
    with news.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["value"] = str(int(float(rows[0]["value"]) * 1.1))  # one figure's value, a tenth up
    with news.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert build_site(load_config(project), BuildOptions(preview=True), Session()) is False
    stamp = read_stamp(load_config(project))
    assert "inputs" not in stamp and "site" not in stamp
    unchanged = sorted(str(p) for p in (project / "datapackages").rglob("*") if p.is_file() and p != news)
    assert unchanged and set(unchanged) <= set(stamp["seen"])
    assert said(capsys, project).startswith("Built ")


def own_code(tmp_path: Path) -> Path:
    """A copy of sitegen's package and built-in theme, imported instead of the installed one (see build_with): its
    code can be edited. Its content is the installed code's, so its code hash is the same."""
    code = tmp_path / "code"
    shutil.copytree(Path(sitegen.__file__).parent, code / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(BUILTIN_TEMPLATES, code / "templates")  # where an editable checkout keeps it
    time.sleep(0.1)  # the copy's status is now old enough to trust (sitegen.cache.racy)
    return code


def build_with(project: Path, path: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """watched_build with path first on the import path (a copy of sitegen, a library's metadata)."""
    done, modules = watched_build(project, {"PYTHONPATH": os.pathsep.join(
        filter(None, [str(path), os.environ.get("PYTHONPATH")]))})
    assert done.stderr.splitlines()[-2] == str(path / "sitegen/__init__.py"), done.stderr  # the copy ran
    return done, modules


def settled(project: Path, code: Path) -> None:
    """Build with a new copy of the code (the same code: nothing to do), so the stamp knows its files' status."""
    done, modules = build_with(project, code)
    assert done.stdout.startswith("Up to date: "), done.stdout + done.stderr
    assert "importlib.metadata" in modules  # its files' status is another: the code was hashed
    done, modules = build_with(project, code)
    assert done.stdout.startswith("Up to date: "), done.stdout + done.stderr
    assert "importlib.metadata" not in modules  # the code hash came from the stamp: no library version was read


def test_the_code_is_not_hashed_again_while_its_files_are_unchanged(project: Path, tmp_path: Path) -> None:
    settled(project, own_code(tmp_path))


@pytest.mark.parametrize(("where", "old", "new"), [("sitegen/text.py", b"The rules", b"THE RULES"),
                                                    ("templates/base.html", b"</footer>", b"</FOOTER>")])
def test_an_edit_to_sitegen_code_or_theme_is_built(project: Path, tmp_path: Path, where: str, old: bytes,
                                                   new: bytes) -> None:
    code = own_code(tmp_path)
    settled(project, code)
    path = code / where
    before = os.stat(path)
    path.write_bytes(path.read_bytes().replace(old, new, 1))  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # its time put back: only its change time differs
    time.sleep(0.1)
    done, modules = build_with(project, code)
    assert done.stdout.startswith("Built "), done.stdout + done.stderr
    assert "sitegen.build.pipeline" in modules
    if where.endswith(".html"):
        assert b"</FOOTER>" in (project / "build/index.html").read_bytes()


def test_another_version_of_a_library_is_built(project: Path, tmp_path: Path) -> None:
    code = own_code(tmp_path)
    settled(project, code)
    # jinja2 "upgraded": importlib.metadata finds this version first on the import path (the code is the same)
    other = code / "jinja2-99.0.dist-info"
    other.mkdir()
    (other / "METADATA").write_text("Metadata-Version: 2.1\nName: Jinja2\nVersion: 99.0\n", encoding="utf-8")
    time.sleep(0.1)
    done, modules = build_with(project, code)
    assert done.stdout.startswith("Built "), done.stdout + done.stderr
    assert "importlib.metadata" in modules
