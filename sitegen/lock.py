"""One build of a project at a time (an flock on a lock file), and a build that stops cleanly on SIGTERM."""

from __future__ import annotations

import fcntl
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from sitegen.errors import SitegenError

LOCK_NAME = "build.lock"


class BuildLocked(SitegenError):
    """Another build of the project holds the lock, and the caller would not wait."""

    exit_code = 3


class Stopped(SitegenError):
    """The build was asked to stop (SIGTERM); staging was thrown away on the way out."""

    exit_code = 128 + signal.SIGTERM


@contextmanager
def build_lock(path: Path, wait: bool = True) -> Iterator[None]:
    """Hold the project's build lock; wait for it with a message, or raise BuildLocked at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = open_lock(path)
    try:
        if not try_lock(fd):
            holder = holder_pid(fd)
            if not wait:
                raise BuildLocked(f"another build of this project is running (pid {holder}, holding {path}); "
                                  "nothing was done: build again when it ends, or leave out --no-wait to wait")
            print(f"sitegen: waiting for another build of this project to finish (pid {holder}, holding {path})",
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        record_pid(fd)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays, so every build locks the same inode


def open_lock(path: Path) -> int:
    """The lock file, opened for writing where possible (an flock works on a read-only descriptor too)."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        if not path.exists():
            raise
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)


def try_lock(fd: int) -> bool:
    """Take the lock if it is free."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def holder_pid(fd: int) -> str:
    """The pid the holder wrote (it writes it just after locking: give it a moment)."""
    for _ in range(50):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return text
        time.sleep(0.01)
    return "unknown"


def record_pid(fd: int) -> None:
    """Write our pid into the lock file, for the message a waiting build prints."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except OSError:
        pass  # a read-only or full disk: the lock still holds, only the pid goes unsaid


def stop_on_sigterm() -> None:
    """Turn SIGTERM into an exception, so staging is removed and chart workers are stopped on the way out."""
    signal.signal(signal.SIGTERM, _raise_stopped)


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Stopped("stopped by SIGTERM: nothing was half-published; the output folder holds a complete site")
