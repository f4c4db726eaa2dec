"""The marker file sitegen puts in every folder it writes: what it wrote there, so nothing else is ever replaced.

A finished site's marker lists its files; a staging folder's says a build is (or was, if killed) writing it.
A folder is sitegen's to replace or remove only if it holds nothing its marker does not list.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = ".sitegen-output"
MARKER_HEAD = "This folder is written by sitegen, which replaces it whole at every build. The files it wrote:\n"
MARKER_STAGING = "This folder is being written by sitegen: a build in progress, or one that was killed.\n"


def marker_text(written: set[str]) -> str:
    """The marker of a finished site: the files it holds, one a line."""
    return MARKER_HEAD + "".join(f"{p}\n" for p in sorted(written))


def marked(folder: Path) -> set[str] | None:
    """The files sitegen wrote into folder, from its marker; None when it has no marker."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return set(text.removeprefix(MARKER_HEAD).splitlines()) if text.startswith(MARKER_HEAD) else None


def foreign(folder: Path, written: set[str]) -> list[str]:
    """Paths under folder that sitegen did not write (the marker and the folders of written files aside)."""
    folders = {"."}
    for path in written:  # each folder and those above it, as strings (3,000 PurePosixPaths cost 0.05 s an edit)
        parent = path.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = os.path.relpath(dirpath, folder)
        for name in [*dirnames, *filenames]:
            rel = name if here == "." else f"{here}/{name}"
            is_dir = name in dirnames and not os.path.islink(os.path.join(dirpath, name))
            if rel != MARKER and not (rel in folders if is_dir else rel in written):
                found.append(rel)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    return sorted(found)


def is_ours(folder: Path) -> bool:
    """True for a folder sitegen made: its staging, a site holding only what its marker lists, or an empty one."""
    if is_staging(folder):
        return True
    written = marked(folder)
    if written is None:
        return folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir())
    return not foreign(folder, written)


def is_staging(folder: Path) -> bool:
    """True for a folder a build was writing into (only sitegen writes there)."""
    try:
        return (folder / MARKER).read_text(encoding="utf-8") == MARKER_STAGING
    except (OSError, UnicodeDecodeError):
        return False
