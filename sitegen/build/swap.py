"""Swap a finished staging folder in for the output folder, so that at every instant build/ is the old site or the new.

The swap is one `renameat2(RENAME_EXCHANGE)` of the staging folder with the output folder (Linux >= 3.15). Where
the kernel or the file system lacks it, build/ becomes a symlink to a versioned sibling folder, flipped by a
`rename` over the link. A replaced site is removed its marker last, so a removal stopped half-way is still
known as sitegen's.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import signal
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sitegen.build.marker import MARKER, MARKER_STAGING, is_ours
from sitegen.errors import say

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM during the swap, so they land before or after it, never inside it."""
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def swap_in(staging: Path, output: Path) -> Path | None:
    """Put staging at the output path: one exchange, else one rename or the symlink flip. The old site, when it
    was exchanged (it is at the staging path now), for the caller to keep or remove; the others are gone."""
    if not os.path.lexists(output):
        os.rename(staging, output)  # nothing to replace: one rename is atomic
    elif exchange(staging, output):
        return staging
    else:
        flip_symlink(staging, output)
    return None


def remove_old(old: Path, removals: list[threading.Thread] | None) -> None:
    """Remove the site a swap replaced; in a thread, kept in removals, when there are (serve: the new site is up
    at once)."""
    if removals is not None:
        thread = threading.Thread(target=remove_quietly, args=(old,), daemon=True)
        removals.append(thread)
        thread.start()
    else:
        remove_quietly(old)


def make_folder(parent: Path, prefix: str) -> Path:
    """A new folder with a random name, made with the umask's mode (mkdtemp would make it 0700)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


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


def flip_symlink(staging: Path, output: Path) -> None:
    """The fallback: output is a symlink to a versioned folder, replaced by one rename over the link."""
    site = make_folder(output.parent, f".{output.name}-site-")
    site.rmdir()
    os.rename(staging, site)
    link = make_link(site, output)
    old = None
    if output.is_symlink() or not output.exists():
        old = output.parent / os.readlink(output) if output.is_symlink() else None
    else:  # a real folder cannot be replaced by a link in one step: the next start recovers this window
        old = move_aside(output)
    replace_link(link, output)
    if old is not None:
        remove_quietly(old)


def make_link(site: Path, output: Path) -> Path:
    """A new link beside output, to the versioned folder site."""
    link = output.parent / f".{output.name}-link-{secrets.token_hex(4)}"
    os.symlink(site.name, link)
    return link


def move_aside(output: Path) -> Path:
    """Rename the real output folder to an old site beside it, where the next start finds it if killed now."""
    old = output.parent / f".{output.name}-old-{secrets.token_hex(4)}"
    os.rename(output, old)
    return old


def replace_link(link: Path, output: Path) -> None:
    """Rename the link over the output path: the new site is up."""
    os.replace(link, output)


def remove_quietly(path: Path) -> None:
    """Remove an old site sitegen wrote; a failure only leaves a leftover that the next build removes."""
    try:
        if path.is_symlink():
            target = path.parent / os.readlink(path)
            path.unlink()
            path = target
        if is_ours(path):
            remove_marked_last(path)
    except OSError as exc:
        say(f"could not remove the previous site at {exc.filename or path}: {exc.strerror}; the next build will")


def remove_marked_last(folder: Path) -> None:
    """Remove a folder sitegen wrote, its marker last: stopped half-way, it is still known as sitegen's."""
    (folder / MARKER).write_text(MARKER_STAGING, encoding="utf-8")  # a half-removed site is no site to restore
    for child in folder.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (folder / MARKER).unlink()
    folder.rmdir()


def finish_removals(removals: list[threading.Thread]) -> None:
    """Wait for old sites still being removed in the background (before anything else looks beside build/)."""
    while removals:
        removals.pop().join()
