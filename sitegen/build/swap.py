"""Swap a finished staging folder in for the output folder, so that build/ is the old site or the new.

How, by system (each is tried in this order; the tests run the first two, and the kill tests each one's window):

- Linux: one `renameat2(RENAME_EXCHANGE)` of the staging folder with the output folder (kernel >= 3.15, most file
  systems). macOS: one `renamex_np(RENAME_SWAP)`, the same exchange (APFS). At every instant build/ is one
  complete site, the old or the new.
- Elsewhere on POSIX (or a file system without the exchange): build/ becomes a symlink to a versioned sibling folder,
  flipped by one `rename` over the link: atomic too, once build/ is a link. The first such swap of a build/ that
  is a real folder (made where the exchange worked) takes two renames: build/ is moved aside, then the link put in
  its place; for that moment (microseconds) there is no build/, and a kill there leaves the old site beside it as
  `.build-old-*`, which the next `sitegen build` or `serve` puts back before anything else.
- Windows: no exchange, and a folder cannot be renamed over another (nor while a program has a file in it open: the
  rename is retried for a few seconds). Two renames, as above: a reader may find no build/ between them, but a
  crash never loses a site, as the next start puts the old one back. "Atomic" on Windows means that.

A replaced site is removed its marker last, so a removal stopped half-way is still known as sitegen's.
"""

from __future__ import annotations

import ctypes
import errno
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sitegen.build.marker import MARKER, MARKER_STAGING, is_ours
from sitegen.errors import say

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

RENAME_EXCHANGE = 2  # linux/fs.h
RENAME_SWAP = 2  # macOS sys/stdio.h
AT_FDCWD = -100
HELD = (signal.SIGINT, signal.SIGTERM)
BUSY_SECONDS = 5.0  # Windows: how long a rename waits for a program to close a file in the old site
TWO_RENAMES = os.name == "nt"  # no exchange and no renaming over a folder: move aside, then rename in


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM during the swap, so they land before or after it, never inside it."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        with signals_deferred():
            yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Where signals cannot be masked: note them meanwhile, then raise them again (Python runs handlers in the main
    thread only, so elsewhere there is nothing to defer)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, _: arrived.append(number)) for sig in HELD}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for number in arrived:
            signal.raise_signal(number)


def swap_in(staging: Path, output: Path) -> Path | None:
    """Put staging at the output path: one exchange, else one rename, the symlink flip or (Windows) two renames.
    The old site, when it is still there (at the staging path after an exchange, or moved aside), for the caller to
    keep or remove; the others are gone."""
    if not os.path.lexists(output):
        os.rename(staging, output)  # nothing to replace: one rename is atomic
    elif exchange(staging, output):
        return staging
    elif TWO_RENAMES:
        return replace_in_two(staging, output)
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
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np RENAME_SWAP); False where the
    system or file system cannot."""
    if sys.platform not in ("linux", "darwin"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if sys.platform == "linux":
        renameat2 = getattr(libc, "renameat2", None)  # glibc >= 2.28; musl >= 1.2.2
        done = renameat2 and renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0
    else:
        renamex_np = getattr(libc, "renamex_np", None)  # macOS >= 10.12
        done = renamex_np and renamex_np(os.fsencode(a), os.fsencode(b), RENAME_SWAP) == 0
    if done is None:
        return False
    if done:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_in_two(staging: Path, output: Path) -> Path:
    """Windows: move the old site aside, then rename staging into place (a kill between them: the next start puts
    the old one back); the old site, for the caller to keep or remove."""
    old = move_aside(output)
    try:
        patiently(os.rename, staging, output)
    except BaseException:
        os.rename(old, output)  # the old site back where it was: the build fails, nothing is lost
        raise
    return old


def patiently(rename: Callable[[Path, Path], None], source: Path, target: Path) -> None:
    """A rename, retried for a few seconds while Windows says a file in the folder is open (a server, a virus
    scanner, an editor), then the error."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            rename(source, target)
            return
        except PermissionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


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
    patiently(os.rename, output, old)
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
