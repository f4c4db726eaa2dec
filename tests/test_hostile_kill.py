"""Builds and diffs stopped at the worst moment for what they read: a kill while the data's history is read leaves
no copy in the system's temporary folder, and the next run removes the one it left in the cache; SIGTERM while a
template runs is reported as a stop, never as the template's failure. Each runs sitegen in a process of its own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, copy_cache, copy_project
from gitrepo import commit, edit, git, set_value

TESTS = Path(__file__).resolve().parent
FIGURE = "cambridgeshire-client-debt-overdue-31-march-2024"

# sitegen run with a function of it wrapped (from outside: sitegen holds no test hook) to pause after it returns,
# writing FLAG.reached, until FLAG exists or the process is killed (tests/paused_build.py)
PAUSED = """
import functools, importlib, pathlib, sys
sys.path.append({tests!r})
import paused_build
from sitegen import cli
owner = importlib.import_module({module!r})
pause = functools.partial(paused_build.wait_at, pathlib.Path({flag!r}))
paused_build.after(owner, {name!r}, getattr(paused_build, {when!r}), pause)
sys.argv = ["sitegen", *{args!r}]
cli.main()
"""


class Paused:
    """sitegen started in a process group of its own, paused after module.name returns."""

    def __init__(self, project: Path, env: dict[str, str], module: str, name: str, *args: str,
                 when: str = "always") -> None:
        self.flag = project.parent / f"resume-{name}"
        self.log = project.parent / f"{name}.log"
        code = PAUSED.format(tests=str(TESTS), module=module, name=name, flag=str(self.flag), args=list(args),
                             when=when)
        with self.log.open("w") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", code], cwd=project, env=env, stdout=log, stderr=log,
                                         start_new_session=True)
        deadline = time.monotonic() + 120
        while not Path(f"{self.flag}.reached").exists():
            assert self.proc.poll() is None, f"sitegen ended before {name}: {self.log.read_text()}"
            assert time.monotonic() < deadline, f"sitegen never reached {name}"
            time.sleep(0.02)

    def kill(self, sig: signal.Signals) -> tuple[int, str]:
        """Send sig to the process (as an OOM killer or a CI timeout would); its status and output."""
        self.proc.send_signal(sig)
        status = self.proc.wait(timeout=60)
        return status, self.log.read_text(encoding="utf-8")

    def stop(self) -> None:
        """Whatever is left of it, killed (a failing test leaves nothing running)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=60)


@pytest.fixture
def project(tmp_path: Path, mini_site: Path) -> Path:
    """The mini project in git with two data commits, and a warm cache of its own inside it."""
    repo = copy_project(MINI, tmp_path / "p", warm=False)
    copy_cache(mini_site.parent / ".cache", repo / ".cache")
    (repo / ".gitignore").write_text(".cache/\nbuild/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "Seed the mini data", 1767225600)
    edit(repo, set_value(FIGURE, "4100000"))
    commit(repo, "Correct a figure", 1767312000)
    return repo


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment sitegen runs in: a system temporary folder of the test's own, to look into."""
    (tmp_path / "tmp").mkdir()
    return os.environ | {"TMPDIR": str(tmp_path / "tmp"), "NO_COLOR": "1"}


def copies(project: Path, tmp: Path) -> list[Path]:
    """The copies of the data at a revision, in the system's temporary folder and in the project's cache."""
    return sorted([*tmp.glob("sitegen-diff-*"), *(project / ".cache").rglob("sitegen-diff-*")])


def sitegen(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """sitegen run to its end, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.parametrize("command", [["build"], ["diff", "HEAD~1", "HEAD"]], ids=["build", "diff"])
def test_a_kill_while_history_is_read_leaves_its_copy_to_the_next_run(project: Path, env: dict[str, str],
                                                                      command: list[str]) -> None:
    tmp = Path(env["TMPDIR"])
    run = Paused(project, env, "sitegen.history.git", "export", *command)
    try:
        held = copies(project, tmp)
        assert len(held) == 1 and held[0].is_relative_to(project / ".cache"), held  # never the system's
        status, _ = run.kill(signal.SIGKILL)
    finally:
        run.stop()
    assert status == -signal.SIGKILL
    assert copies(project, tmp) == held  # a kill runs no clean-up: the copy stays, where the project keeps it
    again = sitegen(project, env, *command)
    assert again.returncode == 0, again.stdout + again.stderr
    assert copies(project, tmp) == []


def test_sigterm_while_history_is_read_removes_the_copy(project: Path, env: dict[str, str]) -> None:
    run = Paused(project, env, "sitegen.history.git", "export", "build")
    try:
        status, log = run.kill(signal.SIGTERM)
    finally:
        run.stop()
    assert status == 143, log
    assert "stopped by SIGTERM" in log and "Traceback" not in log, log
    assert copies(project, Path(env["TMPDIR"])) == []
    assert not (project / "build").exists() and list(project.glob(".build-*")) == []


def test_sigterm_while_a_template_runs_is_a_stop_not_a_template_failure(project: Path, env: dict[str, str]) -> None:
    # the footer of every page formats the date the data last changed, from inside the template
    run = Paused(project, env, "sitegen.data.fmt", "long_date", "build", when="in_template")
    try:
        status, log = run.kill(signal.SIGTERM)
    finally:
        run.stop()
    assert status == 143, log
    assert "stopped by SIGTERM" in log, log
    assert "template" not in log.lower() and "Traceback" not in log, log
    assert not (project / "build").exists() and list(project.glob(".build-*")) == []
