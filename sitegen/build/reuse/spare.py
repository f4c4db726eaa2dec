"""The spare site: the site a build replaced, kept in the cache to be the next build's staging folder.

Most files of a site are the same from one build to the next. Reusing the replaced site's folders and files
saves making and removing hundreds of folders per build. Nothing in the spare is trusted: every file the new
build writes replaces what was there (never written into, since the spare's files may be the live site's, hard
linked), links and special files are removed when it is taken, and whatever the new build did not write is
swept away before the swap.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import shutil
from pathlib import Path

from sitegen.build.marker import MARKER, entries_of, folders_of


@dataclasses.dataclass
class Held:
    """What a taken spare holds once scrubbed, by path relative to it: its folders, and its files' inodes (None
    for a file on another device than the spare, which is never the same file as one of the site's)."""

    device: int
    files: dict[str, int | None]
    folders: set[str]


def take(spare: Path | None, staging: Path) -> Held | None:
    """Move the spare to the staging path (which must not exist) and scrub it; None when there is none or it cannot
    be moved."""
    if spare is None or not spare.is_dir() or spare.is_symlink() or not (spare / MARKER).is_file():
        return None
    try:
        os.rename(spare, staging)
    except OSError:  # another file system, or gone meanwhile: start from an empty folder
        return None
    return scrub(staging)


def scrub(folder: Path) -> Held:
    """Remove every link and special file below folder (a build writes only regular files and folders), and list
    what is left: one pass over the folders, whose entries say their own type and inode."""
    held = Held(os.stat(folder).st_dev, {}, set())
    stack = [("", str(folder), True)]
    while stack:
        rel, path, same_device = stack.pop()
        for entry in entries_of(path):
            name = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                held.folders.add(name)
                stack.append((name, entry.path, entry.stat(follow_symlinks=False).st_dev == held.device))
            elif entry.is_file(follow_symlinks=False):
                held.files[name] = entry.inode() if same_device else None
            else:
                os.unlink(entry.path)
    return held


def clear(target: str) -> None:
    """Make room for a new file at target: what was there goes (a file is unlinked, never overwritten)."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(target)
    except OSError as exc:
        if exc.errno != errno.EISDIR:
            raise
        shutil.rmtree(target)


def make_folder(folder: Path, root: Path) -> None:
    """Make folder below root, removing any file that stands where one of its folders should be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return
    except (FileExistsError, NotADirectoryError):
        pass
    for parent in [*reversed(folder.relative_to(root).parents), folder.relative_to(root)]:
        path = root / parent
        if path.exists() and not path.is_dir():
            path.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def sweep(folder: Path, held: Held, keep: set[str]) -> None:
    """Remove what the spare held (scrub) that is not in keep (relative paths): its files, then its folders that
    hold none of keep's. Only the build writes into staging meanwhile, and all it writes is in keep."""
    needed = folders_of(keep)
    for relpath in held.files:
        if relpath not in keep and relpath not in needed and relpath != MARKER:
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # replaced by the build meanwhile
                os.unlink(os.path.join(folder, relpath))
    for relpath in held.folders:
        if relpath not in needed and relpath not in keep:
            shutil.rmtree(os.path.join(folder, relpath), ignore_errors=True)


def keep_as_spare(old: Path, spare: Path | None) -> bool:
    """Keep the replaced site as the next build's spare; False when it must be removed instead."""
    if spare is None or os.path.lexists(spare) or old.is_symlink() or not old.is_dir():
        return False  # the fallback's link to a versioned folder is removed with that folder
    try:
        spare.parent.mkdir(parents=True, exist_ok=True)
        os.rename(old, spare)
    except OSError:
        return False
    return True
