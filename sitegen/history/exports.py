"""Copies of the data at a git revision, made in the project's cache; one left by a killed process goes on the next."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.history import git as gitdata

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sitegen.config import Config

FOLDER = "exports"  # under cache_dir
PREFIX = "sitegen-diff-"
LOCK = ".in-use"  # held (flock) by the process reading the copy: the kernel lets go of it when that process dies
UNLOCKED_GRACE = 60  # seconds: a copy without its lock yet may be one a live process has only just made


@contextmanager
def exported(config: Config, sha: str) -> Iterator[Path]:
    """The data folder as it was at commit sha, in a copy removed on the way out (a kill leaves it to the next)."""
    parent = config.root / config.cache_dir / FOLDER
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent)
    copy = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
    fd = os.open(copy / LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield gitdata.export(config.root, sha, config.root / config.datapackages_dir, copy)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
        os.close(fd)


def remove_stale(parent: Path) -> None:
    """Remove the copies no live process holds: those of a process killed while it read one."""
    for copy in sorted(parent.glob(f"{PREFIX}*")):
        try:
            fd = os.open(copy / LOCK, os.O_RDWR)
        except FileNotFoundError:
            with suppress(OSError):  # another process may have removed it meanwhile
                if time.time() - copy.stat().st_mtime > UNLOCKED_GRACE:
                    shutil.rmtree(copy, ignore_errors=True)
            continue
        except OSError:
            continue  # a copy we may not open is not ours to judge: left alone
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live process is reading it
        else:
            shutil.rmtree(copy, ignore_errors=True)
        finally:
            os.close(fd)
