"""Crash-safe imports (issue 25 parts 2 and 6): `sitegen import` killed at each named moment and at random moments,
for the delayed-transfer workbooks and a CSV return, leaves each package the old one or the new one, valid; two
imports, or an import and a build, never run at once. Every import runs in its own process, as a user runs it."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from paused_import import launch

ROOT = Path(__file__).resolve().parent.parent
DTOC = ROOT.parent / "shared" / "data" / "official" / "dtoc"
MONTHS = ("July_15.xls", "Aug_15.xls")  # months carrying GSS codes: no lookup needed
BCF = ("Code,LA_name,Bed based intermediate Care Services,Reablement in a persons own home,LA_code.x,population\n"
       "E06000009,Blackpool,4563258,NA,x,1\nE06000052,Cornwall & Scilly,8884000,5647512.5,x,1\n")
pytestmark = [pytest.mark.kill, pytest.mark.skipif(not DTOC.is_dir(), reason="needs ../shared/data/official/dtoc")]
STARTED: list[int] = []  # process groups of the commands a test started


@pytest.fixture(autouse=True)
def _no_strays() -> Iterator[None]:
    """Whatever a failing test leaves running is killed."""
    yield
    while STARTED:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(STARTED.pop(), signal.SIGKILL)


def sitegen(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`sitegen …` in its own process, in the project."""
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=project, capture_output=True, text=True,
                          timeout=300, check=False)


def package(project: Path, name: str) -> dict[str, bytes] | None:
    """Every file of a package, by name; None when there is no such package."""
    folder = project / "datapackages" / name
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else None


def leftovers(project: Path) -> list[str]:
    """Anything an import left beside the project's folders."""
    return sorted(p.name for p in project.glob(".sitegen-import-*"))


# (what is imported, the package it writes, the file or folder named, relative to the sources folder)
IMPORTS = {"dtoc": ("delayed-transfers", "months"), "csv": ("official-returns", "BCF.csv")}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with July 2015 imported (the old delayed-transfers package) beside the returns to import."""
    where = tmp_path_factory.mktemp("base")
    project = where / "p"
    shutil.copytree(ROOT / "datapackages", project / "datapackages",
                    ignore=lambda folder, _: ["delayed-transfers"] if Path(folder) == ROOT / "datapackages" else [])
    shutil.copy(ROOT / "sitegen.toml", project / "sitegen.toml")
    (where / "src" / "months").mkdir(parents=True)
    for month in MONTHS:
        shutil.copy(DTOC / month, where / "src" / "months" / month)
    (where / "src" / "BCF.csv").write_text(BCF, encoding="utf-8")
    first = sitegen(project, "import", str(where / "src" / "months" / MONTHS[0]))
    assert first.returncode == 0, first.stdout + first.stderr
    return where


def clone(base: Path, dest: Path) -> Path:
    """A copy of the base project and its sources; the project."""
    shutil.copytree(base, dest, symlinks=True)
    return dest / "p"


@pytest.fixture(scope="module")
def new(base: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes] | None]:
    """Each import's package as an import left alone writes it."""
    found = {}
    for kind, (name, source) in IMPORTS.items():
        project = clone(base, tmp_path_factory.mktemp(kind) / "c")
        done = sitegen(project, "import", str(project.parent / "src" / source))
        assert done.returncode == 0, done.stdout + done.stderr
        found[kind] = package(project, name)
    return found


class Paused:
    """An import started in its own process group, paused at a named moment (by the paused_import launcher)."""

    def __init__(self, project: Path, moment: str, source: Path, exchange: bool = True) -> None:
        self.flag = project.parent / f"resume-{moment}"
        self.out = project.parent / f"import-{moment}.log"
        with self.out.open("w") as log:
            self.proc = subprocess.Popen(launch("import", str(source), pause=(moment, self.flag), exchange=exchange),
                                         cwd=project, stdout=log, stderr=log, start_new_session=True)
        STARTED.append(self.proc.pid)
        deadline = time.monotonic() + 180
        while not Path(f"{self.flag}.reached").exists():
            assert self.proc.poll() is None, f"import ended before {moment}: {self.out.read_text()}"
            assert time.monotonic() < deadline, f"import never reached {moment}"
            time.sleep(0.02)

    def kill(self) -> int:
        """SIGKILL the import (as an OOM killer or a CI timeout would); its status."""
        self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait(timeout=60)

    def resume(self) -> int:
        """Let the import go on; its status."""
        self.flag.touch()
        return self.proc.wait(timeout=300)


# (mode, moment, what the package must be right after a SIGKILL there)
POINTS = [
    ("exchange", "leftovers-cleared", "old"),
    ("exchange", "file-read", "old"),
    ("exchange", "read", "old"),
    ("exchange", "staging-made", "old"),
    ("exchange", "figures-staged", "old"),
    ("exchange", "sources-staged", "old"),
    ("exchange", "validated", "old"),
    ("exchange", "exchanged", "new"),
    ("exchange", "in-place", "new"),
    ("exchange", "reported", "new"),
    ("fallback", "moved-aside", "aside"),  # between the fallback's two renames: the next import puts it back
    ("fallback", "in-place", "new"),
]
CSV_POINTS = [p for p in POINTS if p[0] == "exchange" and p[1] in ("file-read", "figures-staged", "sources-staged",
                                                                     "validated", "exchanged", "reported")]


def check_after_kill(project: Path, kind: str, expect: str, old: dict[str, bytes] | None,
                     new: dict[str, bytes] | None) -> None:
    """The package is the old or the new one, data valid; the next import finishes the job and cleans up."""
    name, source = IMPORTS[kind]
    if expect == "aside":
        assert package(project, name) is None
    else:
        assert package(project, name) == (old if expect == "old" else new)
        checked = sitegen(project, "validate")
        assert checked.returncode == 0, checked.stdout + checked.stderr
    left = leftovers(project)
    again = sitegen(project, "import", str(project.parent / "src" / source))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Traceback" not in again.stderr
    assert ("removed .sitegen-import-" in again.stderr) == bool(left)
    if expect == "aside":
        assert f"put back {name} in datapackages/" in again.stderr
    assert package(project, name) == new and leftovers(project) == []


@pytest.mark.parametrize(("mode", "moment", "expect"), POINTS, ids=[f"{m}-{s}" for m, s, _ in POINTS])
def test_sigkill_of_the_delayed_transfer_import_at_each_moment(base: Path, new: dict[str, dict[str, bytes] | None],
                                                               tmp_path: Path, mode: str, moment: str,
                                                               expect: str) -> None:
    project = clone(base, tmp_path / "c")
    old = package(project, "delayed-transfers")
    assert old != new["dtoc"]
    run = Paused(project, moment, project.parent / "src" / "months", exchange=mode == "exchange")
    assert run.kill() == -signal.SIGKILL
    if moment not in ("leftovers-cleared", "file-read", "reported"):
        assert leftovers(project) != []  # the kill left staging, for the next import to clear
    check_after_kill(project, "dtoc", expect, old, new["dtoc"])


@pytest.mark.parametrize(("mode", "moment", "expect"), CSV_POINTS, ids=[s for _, s, _ in CSV_POINTS])
def test_sigkill_of_a_csv_import_at_named_moments(base: Path, new: dict[str, dict[str, bytes] | None],
                                                  tmp_path: Path, mode: str, moment: str, expect: str) -> None:
    project = clone(base, tmp_path / "c")
    old = package(project, "official-returns")
    run = Paused(project, moment, project.parent / "src" / "BCF.csv")
    assert run.kill() == -signal.SIGKILL
    check_after_kill(project, "csv", expect, old, new["csv"])


def test_sigkill_at_random_moments(base: Path, new: dict[str, dict[str, bytes] | None], tmp_path: Path) -> None:
    """Killed at 6 moments drawn over a whole import's time: always the old package or the new, valid."""
    timer = clone(base, tmp_path / "timer")
    start = time.monotonic()
    assert sitegen(timer, "import", str(timer.parent / "src" / "months")).returncode == 0
    took = time.monotonic() - start
    draw = random.Random(25)
    for n in range(6):
        project = clone(base, tmp_path / f"r{n}")
        old = package(project, "delayed-transfers")
        proc = subprocess.Popen([sys.executable, "-m", "sitegen", "import", str(project.parent / "src" / "months")],
                                cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        STARTED.append(proc.pid)
        time.sleep(draw.uniform(0.5, took))
        proc.kill()
        proc.wait(timeout=60)
        found = package(project, "delayed-transfers")
        assert found in (old, new["dtoc"]), f"kill {n}: a package half-written"
        checked = sitegen(project, "validate")
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_second_import_waits_for_the_first(base: Path, new: dict[str, dict[str, bytes] | None],
                                             tmp_path: Path) -> None:
    project = clone(base, tmp_path / "c")
    first = Paused(project, "staging-made", project.parent / "src" / "months")
    second = subprocess.Popen([sys.executable, "-m", "sitegen", "import", str(project.parent / "src" / "BCF.csv")],
                              cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    STARTED.append(second.pid)
    time.sleep(3)
    assert second.poll() is None  # waiting, not importing alongside
    assert first.resume() == 0
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, out + err
    assert "waiting for another build of this project to finish" in err
    assert package(project, "delayed-transfers") == new["dtoc"] and package(project, "official-returns") == new["csv"]


def test_a_build_started_during_an_import_waits_for_it(base: Path, tmp_path: Path) -> None:
    project = clone(base, tmp_path / "c")
    importing = Paused(project, "validated", project.parent / "src" / "months")
    build = subprocess.Popen([sys.executable, "-m", "sitegen", "build"], cwd=project, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    STARTED.append(build.pid)
    time.sleep(3)
    assert build.poll() is None and not (project / "build").exists()  # it waits: nothing built from half an import
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(timeout=60)
    assert importing.resume() == 0


# --- full, read-only and unwritable disks: one line, nothing changed -----------------------------------------

def one_line_refusal(result: subprocess.CompletedProcess[str], says: str) -> None:
    """Exit 1, one `Error:` line saying what happened and that nothing was imported, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and says in lines[0] and "Nothing was imported" in lines[0], result.stderr


def small_project(where: Path, base: Path) -> Path:
    """The base project without its delayed transfers (to fit a small disk), and the CSV return beside it."""
    shutil.copytree(base / "p", where / "p", ignore=lambda folder, _: ["delayed-transfers"]
                    if Path(folder) == base / "p" / "datapackages" else [])
    shutil.copy(base / "src" / "BCF.csv", where / "BCF.csv")
    return where / "p"


def test_a_full_disk_is_one_line_and_changes_nothing(base: Path, tmpfs: Path) -> None:
    project = small_project(tmpfs, base)
    old = package(project, "official-returns")
    free = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
    (tmpfs / "filler").write_bytes(b"\0" * (free - 32 * 1024))  # 32 KB left: not enough for figures.csv
    result = sitegen(project, "import", str(tmpfs / "BCF.csv"))
    one_line_refusal(result, "the disk is full")
    assert package(project, "official-returns") == old and leftovers(project) == []


def test_a_read_only_file_system_is_one_line_and_changes_nothing(base: Path, tmpfs: Path) -> None:
    project = small_project(tmpfs, base)
    old = package(project, "official-returns")
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=False).returncode == 0
    one_line_refusal(sitegen(project, "import", str(tmpfs / "BCF.csv")), "the file system is read-only")
    assert package(project, "official-returns") == old


def test_an_unwritable_package_folder_is_one_line_and_changes_nothing(base: Path, tmp_path: Path) -> None:
    project = small_project(tmp_path, base)
    old = package(project, "official-returns")
    (project / "datapackages" / "official-returns").chmod(0o555)
    # root writes anywhere: drop the capabilities that let it, so it meets the modes as any user would
    drop = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search",
            "--"] if os.geteuid() == 0 else []
    if drop and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv (util-linux): cannot make a folder unwritable to root")
    result = subprocess.run([*drop, sys.executable, "-m", "sitegen", "import", str(tmp_path / "BCF.csv")],
                            cwd=project, capture_output=True, text=True, timeout=300, check=False)
    (project / "datapackages" / "official-returns").chmod(0o755)
    one_line_refusal(result, "cannot write datapackages/official-returns/: permission denied")
    assert package(project, "official-returns") == old and leftovers(project) == []
