"""One build of a project at a time (an flock on the project folder), and a build that stops cleanly on SIGTERM."""

from __future__ import annotations

import fcntl
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import SitegenError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType


class BuildLocked(SitegenError):
    """Another build of the project holds the lock, and the caller would not wait."""

    exit_code = 3


class Stopped(SitegenError):
    """The build was asked to stop (SIGTERM); staging was thrown away on the way out."""

    exit_code = 128 + signal.SIGTERM


@contextmanager
def build_lock(project: Path, wait: bool = True) -> Iterator[None]:
    """Hold an flock on the project folder itself (so a build writes no lock file); wait for it with a message,
    or raise BuildLocked at once."""
    fd = os.open(project, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        if not try_lock(fd):
            holder = holder_pid(fd)
            if not wait:
                raise BuildLocked(f"another build of this project is running (pid {holder}, holding {project}); "
                                  "nothing was done: build again when it ends, or leave out --no-wait to wait")
            print(f"sitegen: waiting for another build of this project to finish (pid {holder}, holding "
                  f"{project})", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def try_lock(fd: int) -> bool:
    """Take the lock if it is free."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def holder_pid(fd: int) -> str:
    """The pid holding an flock on fd's file, from Linux's /proc/locks ("unknown" elsewhere)."""
    info = os.fstat(fd)
    where = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return "unknown"
    for fields in (line.split() for line in lines):
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == where:
            return fields[4]
    return "unknown"


def stop_on_sigterm() -> None:
    """Turn SIGTERM into an exception, so staging is removed and chart workers are stopped on the way out."""
    signal.signal(signal.SIGTERM, _raise_stopped)


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Stopped("stopped by SIGTERM: nothing was half-published; the output folder holds a complete site")
