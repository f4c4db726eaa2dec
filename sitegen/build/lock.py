"""One build of a project at a time (a lock file in the cache folder, named for the project), and a build that
stops cleanly on SIGTERM.

The lock is filelock's (tox-dev): flock on Linux and macOS, LockFileEx on Windows, so it is released by the system
when the holder dies, however it dies. Nothing POSIX-only is imported here: `sitegen` runs on Windows too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
from contextlib import contextmanager
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from sitegen.errors import SitegenError, say
from sitegen.files import display, write_atomic

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from types import FrameType

    from sitegen.config import Config


class BuildLocked(SitegenError):
    """Another build of the project holds the lock, and the caller would not wait."""

    exit_code = 3


class Stopped(SitegenError):
    """The build was asked to stop (SIGTERM); staging was thrown away on the way out."""

    exit_code = 128 + signal.SIGTERM


def lock_files(config: Config) -> tuple[Path, Path]:
    """The project's lock file and, beside it, the file naming its holder's pid: in the cache folder, which is the
    tool's own (never where a user's file could be), named for the project (projects may share a cache)."""
    cache = config.root / config.cache_dir
    name = f"build-{hashlib.sha256(str(config.root.resolve()).encode()).hexdigest()[:16]}"
    return cache / f"{name}.lock", cache / f"{name}.pid"  # the lock file is the library's to write: the pid is ours


@contextmanager
def build_lock(config: Config, wait: bool = True) -> Iterator[None]:
    """Hold the project's build lock; wait for it with a message naming the holder's pid, or raise BuildLocked at
    once."""
    path, holder = lock_files(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        shown = f"pid {holder_pid(holder)}, lock {display(path)}"
        if not wait:
            raise BuildLocked(f"another build of this project is running ({shown}); nothing was done: build again "
                              "when it ends, or leave out --no-wait to wait") from None
        say(f"waiting for another build of this project to finish ({shown})")
        lock.acquire()
    try:
        write_atomic(holder, f"{os.getpid()}\n", durable=False)
        yield
    finally:
        with contextlib.suppress(OSError):
            holder.unlink()  # before the release: a waiter never reads a finished build's pid as the holder's
        lock.release()


def holder_pid(holder: Path) -> str:
    """The pid the lock's holder wrote beside the lock ("unknown" if it has not yet, or the file is unreadable)."""
    try:
        text = holder.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return "unknown"
    return text if text.isdigit() else "unknown"


def stop_on_sigterm() -> None:
    """Turn SIGTERM into an exception, so staging is removed and chart workers are stopped on the way out."""
    signal.signal(signal.SIGTERM, _raise_stopped)


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Stopped("stopped by SIGTERM: nothing was half-published; the output folder holds a complete site")
