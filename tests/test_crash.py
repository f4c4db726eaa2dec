"""Crash-safe builds (issue 14): kills at named steps, workers, a corrupted cache, concurrent builds, full,
read-only and unwritable disks, and the modes of what is published. Every build runs as a user runs it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINI, copy_project
from paused_build import launch

from sitegen import cache as versions
from sitegen.cache import Cache, pack, unpack

OLD_TITLE = 'title = "Who Pays for Care (test fixture)"'
NEW_TITLE = 'title = "Who Pays for Care (test fixture, rebuilt)"'


def tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, by relative path (through build/ when it is a symlink)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sitegen(project: Path, *args: str, exchange: bool = True, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """`sitegen build …` in its own process, as a user or CI runs it (without exchange: as where the kernel or
    file system cannot swap two folders in one step)."""
    command = [sys.executable, "-m", "sitegen", *args] if exchange else launch(*args, exchange=False)
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300, check=False,
                          **kwargs)  # type: ignore[call-overload]


def clone(src: Path, dest: Path) -> Path:
    """A copy of a project with its build/ and warm .cache/."""
    shutil.copytree(src, dest, symlinks=True)
    return dest


def retitle(project: Path) -> Path:
    """Change an input, so the next build's site differs from the last on every page."""
    settings = project / "sitegen.toml"
    text = settings.read_text(encoding="utf-8")
    assert OLD_TITLE in text
    settings.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    return project


def leftovers(project: Path) -> list[str]:
    """Anything a build left beside build/."""
    return sorted(p.name for p in project.glob(".build-*"))


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project built once with a cache of its own (these tests damage it), build/ holding the 'old' site."""
    project = copy_project(MINI, tmp_path_factory.mktemp("warm") / "p", warm=False)
    assert sitegen(project, "build").returncode == 0
    return project


@pytest.fixture(scope="module")
def new_site(warm: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What a clean build of the retitled project publishes."""
    project = retitle(clone(warm, tmp_path_factory.mktemp("new") / "p"))
    shutil.rmtree(project / "build")
    shutil.rmtree(project / ".cache")  # cold: what the cache serves must equal what a cold build makes
    assert sitegen(project, "build").returncode == 0
    return tree(project / "build")


STARTED: list[int] = []  # process groups of the builds a test started


@pytest.fixture(autouse=True)
def _no_strays() -> Iterator[None]:
    """Whatever a failing test leaves running is killed, so one failure cannot leave processes behind."""
    yield
    while STARTED:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(STARTED.pop(), signal.SIGKILL)


class Paused:
    """A build started in its own process group, paused at a named step (by the paused_build launcher)."""

    def __init__(self, project: Path, step: str, *args: str, exchange: bool = True, two_renames: bool = False) -> None:
        self.flag = project.parent / f"resume-{step}"
        self.out = project.parent / f"build-{step}.log"
        command = launch("build", *args, pause=(step, self.flag), exchange=exchange, two_renames=two_renames)
        with self.out.open("w") as log:
            self.proc = subprocess.Popen(command, cwd=project, stdout=log, stderr=log, start_new_session=True)
        STARTED.append(self.proc.pid)
        deadline = time.monotonic() + 120
        while not Path(f"{self.flag}.reached").exists():
            assert self.proc.poll() is None, f"build ended before {step}: {self.out.read_text()}"
            assert time.monotonic() < deadline, f"build never reached {step}"
            time.sleep(0.02)

    def kill(self, sig: signal.Signals = signal.SIGKILL) -> int:
        """Send sig to the build's main process only (as an OOM killer or a CI timeout would); its status."""
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=60)

    def resume(self) -> int:
        """Let the build go on; its status."""
        self.flag.touch()
        return self.proc.wait(timeout=120)

    def log(self) -> str:
        """What the build printed."""
        return self.out.read_text(encoding="utf-8")


def group_members(pgid: int) -> list[int]:
    """Live processes of a process group, read from /proc (zombies excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def survivors_after(pgid: int, seconds: float = 2.0) -> list[int]:
    """Processes of the group still alive `seconds` after the kill (checked until then, not only then)."""
    deadline = time.monotonic() + seconds
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return group_members(pgid)


# (swap mode, step, what build/ must hold right after a SIGKILL there)
KILL_POINTS = [
    ("exchange", "validated", "old"),
    ("exchange", "charts-rendered", "old"),
    ("exchange", "staging-started", "old"),
    ("exchange", "staging-written", "old"),
    ("exchange", "swapped", "new"),  # the instant the old code had between its two renames
    ("exchange", "old-removed", "new"),
    ("symlink", "link-made", "old"),
    ("symlink", "between-renames", "recovered"),  # the fallback's one window: a real build/ becoming a link
    ("symlink", "swapped", "new"),
    ("symlink-flip", "link-made", "old"),
    ("symlink-flip", "swapped", "new"),
    ("two-renames", "staging-written", "old"),  # Windows' way: move build/ aside, then rename staging in
    ("two-renames", "between-renames", "recovered"),  # its window: the next start puts the old site back
    ("two-renames", "swapped", "new"),
]


@pytest.mark.parametrize(("mode", "step", "expect"), KILL_POINTS, ids=[f"{m}-{s}" for m, s, _ in KILL_POINTS])
def test_sigkill_at_each_step_leaves_a_complete_site(warm: Path, new_site: dict[str, bytes], tmp_path: Path,
                                                     mode: str, step: str, expect: str) -> None:
    project = clone(warm, tmp_path / "p")
    exchange = mode == "exchange"  # else the symlink fallback, as where renameat2 cannot exchange
    if mode == "symlink-flip":  # build/ is already the fallback's link to a versioned folder
        (project / ".cache" / "build-stamp.json").unlink()
        assert sitegen(project, "build", exchange=False).returncode == 0 and (project / "build").is_symlink()
    old = tree(project / "build")
    build = Paused(retitle(project), step, exchange=exchange, two_renames=mode == "two-renames")
    assert build.kill() == -signal.SIGKILL
    assert survivors_after(build.proc.pid) == []
    if expect == "recovered":
        assert not (project / "build").exists()  # documented: the next start puts the old site back
    else:
        assert tree(project / "build") == (old if expect == "old" else new_site)
    again = sitegen(project, "build")
    assert again.returncode == 0, again.stderr
    assert tree(project / "build") == new_site
    assert leftovers(project) == []
    if expect == "recovered":
        assert "sitegen: recovered build/ from .build-old-" in again.stderr
    elif step in ("staging-started", "staging-written", "swapped"):
        assert "sitegen: removed .build-" in again.stderr and "left by an interrupted build" in again.stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_the_build_and_remove_staging(warm: Path, tmp_path: Path,
                                                              sig: signal.Signals) -> None:
    project = clone(warm, tmp_path / "p")
    old = tree(project / "build")
    build = Paused(retitle(project), "staging-started")
    status = build.kill(sig)
    assert status == (143 if sig == signal.SIGTERM else 1)
    assert "Traceback" not in build.log()
    if sig == signal.SIGTERM:
        assert "stopped by SIGTERM" in build.log()
    assert tree(project / "build") == old and leftovers(project) == []
    assert survivors_after(build.proc.pid, 0) == []


def with_more_charts(project: Path) -> Path:
    """The project plus a SYNTHETIC two-year series per council (the pool starts only for more than 8 charts)."""
    figures = project / "datapackages/better-care-fund/figures.csv"
    councils = (project / "datapackages/reference/councils.csv").read_text(encoding="utf-8").splitlines()[1:]
    codes = [line.split(",")[0] for line in councils]
    rows = [f"synthetic-{measure}-{code.lower()}-{year},{code},,,,false,{measure},{10 + year % 7},{unit},"
            f"{year}-04-01,{year + 1}-03-31,{year}-{(year + 1) % 100:02d},exact,reported,,src-e7afdf3f,"
            "SYNTHETIC test series never published,"  # and no dispute
            for measure, unit in (("bcf-total", "GBP"), ("survey-directors-pessimistic", "percent"))
            for code in codes for year in (2020, 2021)]
    figures.write_text(figures.read_text(encoding="utf-8") + "\n".join(rows) + "\n", encoding="utf-8")
    return project


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_chart_workers_die_with_the_build(warm: Path, tmp_path: Path, sig: signal.Signals) -> None:
    project = with_more_charts(clone(warm, tmp_path / "p"))
    shutil.rmtree(project / ".cache" / "charts")  # cold charts: the process pool is running
    build = Paused(project, "charts-rendering", "--force")
    workers = [pid for pid in group_members(build.proc.pid) if pid != build.proc.pid]
    assert workers, "the chart pool should be running"
    build.kill(sig)
    assert survivors_after(build.proc.pid) == [], "chart workers outlived the build by 2 s"


def test_concurrent_builds_take_turns(warm: Path, tmp_path: Path, new_site: dict[str, bytes]) -> None:
    project = retitle(clone(warm, tmp_path / "p"))
    runs = [subprocess.Popen([sys.executable, "-m", "sitegen", "build"], cwd=project, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert [status for status, _, _ in results] == [0, 0, 0], results
    assert all("Traceback" not in err for _, _, err in results)
    assert sum("waiting for another build of this project" in err for _, _, err in results) >= 1
    assert sum(out.startswith("Built ") for _, out, _ in results) == 1  # the others found it up to date
    assert tree(project / "build") == new_site and leftovers(project) == []


def test_no_wait_exits_3_naming_the_holder(warm: Path, tmp_path: Path, new_site: dict[str, bytes]) -> None:
    project = retitle(clone(warm, tmp_path / "p"))
    holder = Paused(project, "validated")
    second = sitegen(project, "build", "--no-wait")
    assert second.returncode == 3 and "Traceback" not in second.stderr
    assert f"another build of this project is running (pid {holder.proc.pid}" in second.stderr
    waiter = subprocess.Popen([sys.executable, "-m", "sitegen", "build"], cwd=project, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.5)
    assert waiter.poll() is None, "the second build should wait for the first"
    assert holder.resume() == 0
    out, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    assert f"waiting for another build of this project to finish (pid {holder.proc.pid}" in err
    assert tree(project / "build") == new_site and leftovers(project) == []


def test_published_files_are_readable_by_others_under_umask_022(warm: Path, tmp_path: Path) -> None:
    project = clone(warm, tmp_path / "p")
    shutil.rmtree(project / "build")
    assert sitegen(project, "build", umask=0o022).returncode == 0
    retitle(project)
    assert sitegen(project, "build", umask=0o022).returncode == 0  # through the swap too
    site = project / "build"
    modes = {p.relative_to(project).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [site, *site.rglob("*")]}
    wrong = {path: oct(mode) for path, mode in modes.items()
             if mode != (0o755 if (project / path).is_dir() else 0o644)}
    assert wrong == {}


# --- full, read-only and unwritable disks -------------------------------------------------------------------

def assert_located_one_line_error(result: subprocess.CompletedProcess[str], says: str, path: str) -> None:
    """Exit 1, one line naming the path and the problem, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and says in lines[0] and path in lines[0], result.stderr


def test_disk_full_is_one_line_and_keeps_the_old_site(warm: Path, tmpfs: Path) -> None:
    project = clone(warm, tmpfs / "p")
    old = tree(project / "build")
    free = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
    (tmpfs / "filler").write_bytes(b"\0" * (free - 64 * 1024))  # 64 KB left: not enough for a site
    result = sitegen(retitle(project), "build")
    assert_located_one_line_error(result, "the disk is full", str(project))
    assert "free some space" in result.stderr
    assert tree(project / "build") == old and leftovers(project) == []


def test_read_only_file_system_is_one_line_and_keeps_the_old_site(warm: Path, tmpfs: Path) -> None:
    project = clone(warm, tmpfs / "p")
    retitle(project)
    old = tree(project / "build")
    assert subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=False).returncode == 0
    result = sitegen(project, "build")
    assert_located_one_line_error(result, "the file system is read-only", str(project))
    assert tree(project / "build") == old


def test_unwritable_build_folder_is_one_line_and_keeps_the_old_site(warm: Path, tmp_path: Path) -> None:
    project = retitle(clone(warm, tmp_path / "p"))
    old = tree(project / "build")
    (project / "build" / "charts").chmod(0o555)
    # root writes anywhere: drop the capabilities that let it, so it meets the modes as any user would
    drop = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search",
            "--"] if os.geteuid() == 0 else []
    if drop and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv (util-linux): cannot make a folder unwritable to root")
    result = subprocess.run([*drop, sys.executable, "-m", "sitegen", "build"], cwd=project, capture_output=True,
                            text=True, timeout=300, check=False)
    assert_located_one_line_error(result, "permission denied", str(project / "build" / "charts"))
    (project / "build" / "charts").chmod(0o755)
    assert tree(project / "build") == old and leftovers(project) == []


# --- the cache: verified, never trusted ----------------------------------------------------------------------

CACHE_KINDS = {"specs": ".vl.json", "charts": ".svg", "js": ".js"}


def corrupt(path: Path, how: str) -> None:
    """Damage a cache entry as a full disk, a crash or a stray edit would."""
    data = path.read_bytes()
    middle = len(data) // 2
    damaged = {"truncated": data[:middle], "empty": b"",
               "garbled": data[:middle] + bytes(b ^ 0x55 for b in data[middle:middle + 16]) + data[middle + 16:]}
    path.write_bytes(damaged[how])


@pytest.mark.parametrize("how", ["truncated", "empty", "garbled"])
def test_corrupt_cache_entries_are_rebuilt_not_published(warm: Path, tmp_path: Path, new_site: dict[str, bytes],
                                                         how: str) -> None:
    """One entry of each kind (spec, SVG, script bundle) damaged at once; each found, said, and rebuilt."""
    project = retitle(clone(warm, tmp_path / "p"))
    victims = [sorted((project / ".cache" / kind).glob(f"*{suffix}"))[0] for kind, suffix in CACHE_KINDS.items()]
    for victim in victims:
        corrupt(victim, how)
    result = sitegen(project, "build")
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if "discarded a corrupt cache entry" in line]
    assert sorted(said) == sorted(f"sitegen: discarded a corrupt cache entry {victim} (its content does not match "
                                  "its hash); rebuilding it" for victim in victims), result.stderr
    assert tree(project / "build") == new_site
    assert all(unpack(victim.read_bytes()) is not None for victim in victims)  # rebuilt, whole


def test_force_reads_nothing_from_the_cache(warm: Path, tmp_path: Path, new_site: dict[str, bytes]) -> None:
    project = retitle(clone(warm, tmp_path / "p"))
    for kind, suffix in CACHE_KINDS.items():  # entries whose hash is right, so only --force keeps them out
        for entry in (project / ".cache" / kind).glob(f"*{suffix}"):
            entry.write_bytes(pack(b"poisoned"))
    result = sitegen(project, "build", "--force")
    assert result.returncode == 0, result.stderr
    assert tree(project / "build") == new_site
    assert b"poisoned" not in {unpack(p.read_bytes()) for p in (project / ".cache").rglob("*.*") if p.parent.name
                              in CACHE_KINDS}


def test_an_entry_made_by_other_versions_is_never_found(monkeypatch: pytest.MonkeyPatch) -> None:
    here = Cache(Path("/cache"), "charts", versions.code_digest()).path("spec-hash", ".svg")
    monkeypatch.setattr(versions, "library_versions", lambda: {"vl-convert-python": "0.0.0"})
    elsewhere = Cache(Path("/cache"), "charts", versions.code_digest()).path("spec-hash", ".svg")
    monkeypatch.undo()
    again = Cache(Path("/cache"), "charts", versions.code_digest()).path("spec-hash", ".svg")
    assert here != elsewhere and here == again
