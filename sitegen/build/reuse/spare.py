"""The spare site: the site a build replaced, kept in the cache to be the next build's staging folder.

Most files of a site are the same from one build to the next. Reusing the replaced site's folders and files
saves making and removing hundreds of folders per build. Nothing in the spare is trusted: every file the new
build writes replaces what was there (never written into, since the spare's files may be the live site's, hard
linked), links and special files are removed when it is taken, and whatever the new build did not write is
swept away before the swap.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

from sitegen.build.marker import MARKER


def take(spare: Path | None, staging: Path) -> bool:
    """Move the spare to the staging path (which must not exist); False when there is none or it cannot be."""
    if spare is None or not spare.is_dir() or spare.is_symlink() or not (spare / MARKER).is_file():
        return False
    try:
        os.rename(spare, staging)
    except OSError:  # another file system, or gone meanwhile: start from an empty folder
        return False
    scrub(staging)
    return True


def scrub(folder: Path) -> None:
    """Remove every link and special file below folder: a build writes only regular files and folders."""
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in [*dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            mode = os.lstat(path).st_mode
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                os.unlink(path)
        dirnames[:] = [d for d in dirnames if os.path.isdir(os.path.join(dirpath, d))]


def clear(target: Path) -> None:
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


def sweep(folder: Path, keep: set[str]) -> None:
    """Remove every file below folder that is not in keep (relative paths), then the folders left empty."""
    needed = {"."} | {str(Path(p).parent) for p in keep}
    needed |= {str(parent) for p in list(needed) for parent in Path(p).parents}
    for dirpath, dirnames, filenames in os.walk(folder, topdown=False):
        rel = os.path.relpath(dirpath, folder)
        for name in filenames:
            relpath = name if rel == "." else f"{rel}/{name}"
            if relpath not in keep and relpath != MARKER:
                os.unlink(os.path.join(dirpath, name))
        for name in dirnames:
            if (name if rel == "." else f"{rel}/{name}") not in needed:
                shutil.rmtree(os.path.join(dirpath, name), ignore_errors=True)


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
