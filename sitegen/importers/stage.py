"""An import's staging: every package copied beside the project (by hard links), changed and validated there, then
each changed package put in place by one exchange, so that at every instant a package is the old one or the new.

Where the kernel or file system cannot exchange two folders, the live package is moved aside into the staging
folder and the new one renamed in; an import killed between the two is put right by the next import.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

PREFIX = ".sitegen-import-"  # staging folders, in the project folder (beside datapackages/, never inside it)
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def clear_leftovers(project: Path, root: Path) -> list[str]:
    """Remove the staging an interrupted import left, first putting back a package it had moved aside; what was
    done, to say. Call it holding the project's lock."""
    said = []
    for stage in sorted(project.glob(f"{PREFIX}*")):
        if stage.is_symlink() or not stage.is_dir():
            continue
        aside = stage / "aside"
        for old in sorted(aside.iterdir()) if aside.is_dir() else []:
            if not os.path.lexists(root / old.name):
                os.rename(old, root / old.name)
                said.append(f"sitegen: put back {old.name} in {root.name}/, which an interrupted import had moved "
                            "aside")
        remove(stage)
        said.append(f"sitegen: removed {stage.name}, left by an interrupted import")
    return said


def remove(stage: Path) -> None:
    """Remove a staging folder, even where a copied package folder kept a read-only mode."""
    for folder in [stage, *(p for p in stage.rglob("*") if p.is_dir() and not p.is_symlink())]:
        with contextlib.suppress(OSError):
            folder.chmod(folder.stat().st_mode | stat.S_IRWXU)
    shutil.rmtree(stage, ignore_errors=True)


def link_or_copy(src: str, dst: str) -> None:
    """A hard link (no byte copied: every write replaces a file, never changes one), else a copy."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def make_stage(project: Path, root: Path) -> Path:
    """A new staging folder in the project holding `datapackages`, a copy of every package (links kept as links)."""
    while True:
        stage = project / f"{PREFIX}{secrets.token_hex(4)}"
        try:
            stage.mkdir()
            break
        except FileExistsError:
            continue
    shutil.copytree(root, stage / "datapackages", symlinks=True, copy_function=link_or_copy)
    return stage


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def put_in_place(stage: Path, root: Path, name: str) -> None:
    """The staged package `name` in place of the live one: one exchange, one rename when new, else the fallback."""
    new, live = stage / "datapackages" / name, root / name
    if not os.path.lexists(live):
        os.rename(new, live)
    elif not exchange(new, live):
        move_aside(stage, live)
        os.rename(new, live)


def move_aside(stage: Path, live: Path) -> None:
    """The fallback's first rename: the live package into the staging folder (put back by the next import if it
    is stopped before the second)."""
    aside = stage / "aside"
    aside.mkdir(exist_ok=True)
    os.rename(live, aside / live.name)
