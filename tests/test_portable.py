"""Runs where contributors work: the build lock without fcntl, the holder's pid, and the swap's fallbacks."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from sitegen.build.lock import BuildLocked, build_lock, lock_files
from sitegen.build.swap import replace_in_two, signals_deferred
from sitegen.config import load_config

# modules Windows lacks that a POSIX-minded module might import at its top
POSIX_ONLY = ("fcntl", "termios", "tty", "pty", "pwd", "grp", "resource", "syslog")


def test_the_lock_module_imports_nothing_posix_only() -> None:
    tree = ast.parse((ROOT / "sitegen" / "build" / "lock.py").read_text(encoding="utf-8"))
    top = {alias.name.split(".")[0] for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
    top |= {(node.module or "").split(".")[0] for node in tree.body if isinstance(node, ast.ImportFrom)}
    assert not top & set(POSIX_ONLY), top


def test_the_command_line_starts_where_fcntl_is_missing() -> None:
    """As on Windows: with every POSIX-only module unimportable, the CLI, the lock, the swap and the guard load."""
    code = (f"import sys\nfor name in {POSIX_ONLY!r}: sys.modules[name] = None\n"
            "try:\n    import fcntl\nexcept ImportError:\n    pass\n"
            "else:\n    raise SystemExit('fcntl still imports')\n"
            "import sitegen.build.lock, sitegen.build.swap, sitegen.build.guard, sitegen.build.fresh\n"
            "from sitegen.cli import main\nsys.argv = ['sitegen', 'build', '--help']\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "Usage: sitegen build" in done.stdout and "Traceback" not in done.stderr


def hold_lock(project: Path) -> subprocess.Popen[str]:
    """Another process holding the project's build lock until its stdin closes (or it is killed)."""
    code = ("import sys\nfrom pathlib import Path\nfrom sitegen.build.lock import build_lock\n"
            "from sitegen.config import load_config\n"
            f"with build_lock(load_config(Path({str(project)!r}))):\n"
            "    print('held', flush=True)\n    sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_a_build_that_will_not_wait_names_the_holder_and_the_lock_dies_with_it(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text("[site]\n", encoding="utf-8")
    config = load_config(tmp_path)
    holder = hold_lock(tmp_path)
    running = rf"another build of this project is running \(pid {holder.pid}, lock "
    with pytest.raises(BuildLocked, match=running), build_lock(config, wait=False):
        pass
    holder.send_signal(signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
    holder.wait(timeout=30)
    with build_lock(config, wait=False):  # the system let go of a dead holder's lock: no stale lock to delete
        assert lock_files(config)[1].read_text(encoding="ascii") == f"{os.getpid()}\n"
    assert not lock_files(config)[1].exists()  # the pid goes with the lock


def test_the_lock_lives_in_the_cache_named_for_the_project(tmp_path: Path) -> None:
    """Never a file where the user's could be; two projects sharing one cache have a lock each."""
    shared = tmp_path / "shared-cache"
    configs = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "sitegen.toml").write_text(f'[site]\ncache_dir = "{shared}"\n', encoding="utf-8")
        configs.append(load_config(tmp_path / name))
    with build_lock(configs[0], wait=False), build_lock(configs[1], wait=False):
        assert sorted(p.suffix for p in shared.iterdir()) == [".lock", ".lock", ".pid", ".pid"]
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["sitegen.toml"]


def site(folder: Path, text: str) -> Path:
    """A folder holding one page, as a site sitegen made."""
    folder.mkdir()
    (folder / "index.html").write_text(text, encoding="utf-8")
    (folder / ".sitegen-output").write_text("index.html\n", encoding="utf-8")
    return folder


def test_two_renames_put_the_new_site_in_and_hand_back_the_old(tmp_path: Path) -> None:
    """Windows' swap, run here: the old site is moved aside (where the next start would find it), the new put in."""
    output, staging = site(tmp_path / "build", "old"), site(tmp_path / ".build-staging-1", "new")
    old = replace_in_two(staging, output)
    assert (output / "index.html").read_text(encoding="utf-8") == "new" and not staging.exists()
    assert old.name.startswith(".build-old-") and (old / "index.html").read_text(encoding="utf-8") == "old"


def test_a_failed_second_rename_puts_the_old_site_back(tmp_path: Path) -> None:
    output = site(tmp_path / "build", "old")
    with pytest.raises(FileNotFoundError):
        replace_in_two(tmp_path / ".build-staging-gone", output)
    assert (output / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]


def test_signals_are_deferred_where_they_cannot_be_masked() -> None:
    """Windows has no signal mask: a SIGTERM during the swap is noted, then raised once the swap is done."""
    got: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda number, _: got.append(number))
    try:
        with signals_deferred():
            signal.raise_signal(signal.SIGTERM)
            assert got == []  # not during the swap
        assert got == [signal.SIGTERM]  # but right after it
    finally:
        signal.signal(signal.SIGTERM, previous)
