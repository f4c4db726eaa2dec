"""Shared fixtures: built sites (each built once per session) and the project's paths."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from sitegen.build.pipeline import build as build_site
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"


# one warm chart cache for the whole session (set below), not ~40 cold ones
SHARED: dict[str, str | None] = {"cache": None}


def copy_project(src: Path, dest: Path, warm: bool = True) -> Path:
    """A buildable copy of a project (data, content, settings; built-in templates), sharing the warm cache."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("datapackages", "content", "templates"):
        if (src / name).is_dir() and not (name == "templates" and src == ROOT):
            shutil.copytree(src / name, dest / name)
    settings = (src / "sitegen.toml").read_text(encoding="utf-8")
    if warm and SHARED["cache"]:  # the [site] table is the file's last: a line appended belongs to it
        settings = settings.rstrip("\n") + f'\ncache_dir = "{SHARED["cache"]}"\n'
    (dest / "sitegen.toml").write_text(settings, encoding="utf-8")
    return dest


CONTENT_CACHES = ("specs", "charts", "js", "downloads")  # found by their content; the rest is build state


def copy_cache(src: Path, dest: Path) -> Path:
    """A cache holding src's chart specs, SVGs, script bundle and downloads, and no build state (stamp,
    manifests, page records, spare sites)."""
    for name in CONTENT_CACHES:
        if (src / name).is_dir():
            shutil.copytree(src / name, dest / name, dirs_exist_ok=True)
    dest.mkdir(parents=True, exist_ok=True)
    return dest


def build(project: Path) -> Path:
    """Build a project; its build/ folder."""
    build_site(load_config(project))
    return project / "build"


def run_here(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`sitegen *args` run from project inside this process: the exit code, stdout and stderr a user would see
    (an uncaught exception as the interpreter would print its traceback), without a fresh process's second
    of imports. Tests about processes (signals, memory limits, kills, the installed wheel) launch one."""
    from click.testing import CliRunner

    from sitegen.cli import cli

    sigterm, cwd = signal.getsignal(signal.SIGTERM), os.getcwd()  # `build` turns SIGTERM into an exception
    os.chdir(project)
    try:
        result = CliRunner().invoke(cli, list(args), env=env, prog_name="sitegen", catch_exceptions=True)
    finally:
        os.chdir(cwd)
        signal.signal(signal.SIGTERM, sigterm)
    stderr = result.stderr
    if result.exception is not None and result.exc_info is not None \
            and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(["sitegen", *args], result.exit_code, result.stdout, stderr)


# Windows lacks what these test (FIFOs and devices, memory limits through `resource`): not collected there
collect_ignore = ["test_hostile_corpus.py"] if sys.platform == "win32" else []

# tests that `make check` leaves out (besides the browser's): marked here by file, so the files stay as written
SLOW_FILES = {"test_crash.py": "kill", "test_hostile_kill.py": "kill", "test_serve.py": "serve",
              "browser/test_serve.py": "serve"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the kill and serve tests; run each file of them in one worker, one test at a time (they time things)."""
    for item in items:
        name = item.path.relative_to(ROOT / "tests").as_posix()
        if name in SLOW_FILES:
            item.add_marker(SLOW_FILES[name])
            item.add_marker(pytest.mark.xdist_group(name))


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this run shares (under xdist each worker has a base folder of its own in it)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """A folder made by make once per run, whichever worker asks first; the others wait for it, then share it."""
    folder, done = run_folder(factory) / f"once-{name}", run_folder(factory) / f"once-{name}.done"
    with FileLock(run_folder(factory) / f"once-{name}.lock"):  # released even if make fails
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session", autouse=True)
def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Chart specs and SVGs are content-addressed, so every test project can share one cache."""
    SHARED["cache"] = str(tmp_path_factory.mktemp("shared-cache"))


@pytest.fixture(scope="session", autouse=True)
def _fixed_date(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds take their date from SOURCE_DATE_EPOCH, so expected files stay fixed."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 1 January 2026
    yield
    mp.undo()


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture project, built once per run with a cache of its own (a copy of the project is warm);
    what it drew and made warms this worker's shared cache too. Tests only read it, or copy it."""
    site = once(tmp_path_factory, "mini", lambda folder: build(copy_project(MINI, folder, warm=False))) / "build"
    copy_cache(site.parent / ".cache", Path(str(SHARED["cache"])))
    return site


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once per run from the repository's data and content (its own cache: the workers'
    caches are their own, as the build stamp in a cache is one for all its projects); tests only read it."""
    return once(tmp_path_factory, "real", lambda folder: build(copy_project(ROOT, folder, warm=False))) / "build"


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs of our own (as root), for full and read-only disks; skipped where the test may not mount one."""
    point = tmp_path / "mnt"
    point.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(point)], capture_output=True,
                          text=True, check=False) if os.geteuid() == 0 else None
    if made is None or made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): "
                    f"{made.stderr.strip() if made else 'not root'}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
