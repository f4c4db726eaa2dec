"""The staging folder a build writes its site into, beside the output folder, swapped in whole when complete.

A file whose bytes are those the last build wrote at the same path, and still there untouched, is linked from the
last build rather than written again; a build may start from the spare (the site the last build replaced).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sitegen.build.marker import MARKER, MARKER_STAGING, marker_text
from sitegen.build.reuse import spare as spare_site
from sitegen.build.swap import make_folder, remove_old, signals_held, swap_in
from sitegen.errors import SitegenError
from sitegen.files import located

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable


class Writer:
    """Writes files under a staging folder; refuses a path twice, or one outside the folder.

    A file whose bytes are those the last build wrote at the same path, and still there untouched, is linked from
    the last build (a hard link: no bytes copied) rather than written again; `last` is that build's manifest.
    """

    def __init__(self, output: Path, last: dict[str, list[Any]] | None = None,
                 removals: list[threading.Thread] | None = None,
                 spare: Path | None = None, check: Callable[[], None] = lambda: None) -> None:
        self.output = output.parent.resolve() / output.name
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.spare = spare  # where the replaced site is kept, to be the next build's staging folder
        self.staging = make_folder(self.output.parent, f".{self.output.name}-staging-")
        # what the spare holds, when the build starts from it (written over file by file, never into)
        self.held = spare_site.take(spare, self.staging.with_name(self.staging.name + "-r"))
        if self.held is not None:
            self.staging.rmdir()
            self.staging = self.staging.with_name(self.staging.name + "-r")
        (self.staging / MARKER).write_text(MARKER_STAGING, encoding="utf-8")  # claims the folder from the start
        self.written: set[str] = set()
        self.shas: dict[str, str] = {}
        self.linked: set[str] = set()  # files linked from the last build: their manifest entries are the last's
        self.last = last or {}
        self.folders = {str(self.staging)}
        self.carried: set[str] = set()  # files linked from the last build whatever their bytes (a preview)
        self.removals = removals  # where threads removing the old site go; None: removed at once
        self.check = check  # raises when a newer edit makes this build pointless (serve): before every file

    def write(self, relpath: str, data: bytes | str, sha: str | None = None) -> None:
        """Write one file of the site (sha: its bytes' SHA-256, where the caller has it)."""
        self.check()
        target = self.target(relpath)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.shas[relpath] = hashlib.sha256(raw).hexdigest() if sha is None else sha
        self.make_parent(relpath, target)
        if not self.link_last(relpath, target):
            with located(target):
                self.clear(relpath, target)  # the spare's file may be the live site's: never written into
                with open(target, "wb") as file:
                    file.write(raw)

    def keep(self, relpath: str, sha: str) -> bool:
        """Link a file the last build wrote with these bytes, without making them; False when it cannot."""
        self.check()
        entry = self.last.get(relpath)
        if relpath in self.written or not entry or entry[0] != sha:
            return False
        target = self.target(relpath)
        self.shas[relpath] = sha
        self.make_parent(relpath, target)
        if self.link_last(relpath, target):
            return True
        self.written.discard(relpath)
        del self.shas[relpath]
        return False

    def keep_last(self, relpath: str) -> bool:
        """Link the file the last build wrote at relpath, if it is still as written; False when it cannot."""
        entry = self.last.get(relpath)
        return entry is not None and bool(entry[0]) and self.keep(relpath, entry[0])

    def carry(self, relpath: str) -> bool:
        """Link the last build's file at relpath, whatever its bytes (a preview: the follow-up build makes it);
        False when the last build has none."""
        entry = self.last.get(relpath)
        # a file another tool wrote (the search index) has no hash: "" matches it
        if entry is None or not self.keep(relpath, entry[0]):
            return False
        self.carried.add(relpath)
        return True

    def carry_folder(self, folder: str) -> None:
        """carry() every file the last build wrote under folder (the search index, before it is made again)."""
        for relpath in sorted(p for p in self.last if p.startswith(f"{folder}/")):
            self.carry(relpath)

    def link_last(self, relpath: str, target: str) -> bool:
        """Hard-link the last build's file to target if it holds these bytes and is untouched since."""
        entry = self.last.get(relpath)
        if not entry or entry[0] != self.shas[relpath]:
            return False
        old = os.path.join(self.output, relpath)
        try:
            found = os.stat(old, follow_symlinks=False)
            if [found.st_size, found.st_mtime_ns, found.st_ino] != entry[1:] or not stat.S_ISREG(found.st_mode):
                return False  # changed in place, or replaced, since that build: write it afresh
            if not self.holds(relpath, found):  # else the spare already holds this very file
                self.clear(relpath, target)
                os.link(old, target)
        except OSError:
            return False
        self.linked.add(relpath)
        return True

    def holds(self, relpath: str, found: os.stat_result) -> bool:
        """Whether the spare held the file found at relpath (the same inode of the same device)."""
        if self.held is None:
            return False
        return self.held.files.get(relpath) == found.st_ino and found.st_dev == self.held.device

    def clear(self, relpath: str, target: str) -> None:
        """Make room for a new file at relpath, if the spare held something there."""
        if self.held is not None:
            spare_site.clear(target)
            self.held.files.pop(relpath, None)

    def make_parent(self, relpath: str, target: str) -> None:
        """The folder a file goes in (each folder made once; one the spare held is there)."""
        parent = os.path.dirname(target)
        if parent in self.folders:
            return
        if self.held is None or relpath.rpartition("/")[0] not in self.held.folders:
            with located(parent):
                spare_site.make_folder(Path(parent), self.staging)
        self.folders.add(parent)

    def manifest(self) -> dict[str, list[Any]]:
        """What this build wrote, as the next build compares: each file's hash ("" if another tool wrote it),
        size, time and inode."""
        found = {}
        for relpath in sorted(self.written):
            if relpath in self.linked:  # the same file as the last build's, untouched (link_last)
                found[relpath] = [self.shas.get(relpath, ""), *self.last[relpath][1:]]
                continue
            status = os.stat(os.path.join(self.output, relpath), follow_symlinks=False)
            found[relpath] = [self.shas.get(relpath, ""), status.st_size, status.st_mtime_ns, status.st_ino]
        return found

    def target(self, relpath: str) -> str:
        """The staging path for relpath, after the safety checks."""
        parts = relpath.split("/")
        if (relpath.startswith("/") or ".." in parts or "\\" in relpath or "\n" in relpath or not relpath
                or relpath == MARKER):  # the marker lists one path a line
            raise SitegenError(f"refusing to write {relpath!r}: outside the output folder")
        if relpath in self.written:
            raise SitegenError(f"refusing to write {relpath!r} twice: two pages claim the same path")
        self.written.add(relpath)
        # no `..`, not absolute, and only sitegen makes folders in staging (never a link): it stays inside
        if "" in parts or "." in parts:  # `a//b`, `./a`: as the path it names
            return str(self.staging / PurePosixPath(relpath))
        return os.path.join(self.staging, *parts)

    def commit(self) -> None:
        """Seal the staging folder, swap it in for the output folder, then keep the old site as the spare, or remove
        it (SIGINT and SIGTERM held meanwhile)."""
        self.seal()
        with signals_held():
            old = swap_in(self.staging, self.output)
            if old is not None and not spare_site.keep_as_spare(old, self.spare):
                remove_old(old, self.removals)

    def seal(self) -> None:
        """Leave in staging only what this build wrote, and list it in the marker: the site is complete."""
        if self.held is not None:
            spare_site.sweep(self.staging, self.held, self.written)  # what the spare held that this build did not write
        (self.staging / MARKER).write_text(marker_text(self.written), encoding="utf-8")

    def abort(self) -> None:
        """Throw the staging folder away."""
        shutil.rmtree(self.staging, ignore_errors=True)
