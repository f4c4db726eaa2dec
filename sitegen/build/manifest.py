"""What sitegen wrote: the marker file in every folder it writes, and the manifest of the last build in the cache.

The marker lists the files a site holds, so nothing sitegen did not write is ever replaced or removed; the
manifest keeps each file's hash, size, time and inode, so the next build links what has not changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sitegen.files import write_atomic

if TYPE_CHECKING:
    from sitegen.config import Config

MARKER = ".sitegen-output"
MARKER_HEAD = "This folder is written by sitegen, which replaces it whole at every build. The files it wrote:\n"
MARKER_STAGING = "This folder is being written by sitegen: a build in progress, or one that was killed.\n"
MANIFEST = "output-manifest"


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
    folders = {str(PurePosixPath(p).parent) for p in written} | {"."}
    folders |= {str(parent) for p in list(folders) for parent in PurePosixPath(p).parents}
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


def output_path(config: Config) -> Path:
    """Where output_dir points: its folders resolved, the output itself not followed (unchecked)."""
    raw = Path(config.output_dir)
    return (config.root.resolve() / raw).parent.resolve() / raw.name


def state_file(config: Config, name: str, suffix: str = ".json") -> Path:
    """A file in the cache about one output folder (projects may share a cache: each output has its own)."""
    where = hashlib.sha256(str(output_path(config)).encode()).hexdigest()[:16]
    return config.root / config.cache_dir / f"{name}-{where}{suffix}"


def load_manifest(config: Config) -> dict[str, list[Any]]:
    """The last build's manifest (hash, size, time, inode of each file it wrote), or nothing."""
    try:
        body = json.loads(state_file(config, MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = body.get("files") if isinstance(body, dict) else None
    return {k: v for k, v in files.items() if isinstance(v, list) and len(v) == 4} if isinstance(files, dict) else {}


def save_manifest(config: Config, files: dict[str, list[Any]]) -> None:
    """Record what this build wrote, for the next build to link what has not changed."""
    path = state_file(config, MANIFEST)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"files": files}, sort_keys=True, separators=(",", ":")))


def matches(folder: Path, files: dict[str, list[Any]]) -> bool:
    """Whether folder holds exactly these files (besides its marker), each as it was: size, time and inode."""
    seen = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        here = os.path.relpath(dirpath, folder)
        if any(os.path.islink(os.path.join(dirpath, d)) for d in dirnames):
            return False
        for name in filenames:
            rel = name if here == "." else f"{here}/{name}"
            if rel == MARKER:
                continue
            status = os.lstat(os.path.join(dirpath, name))
            entry = files.get(rel)
            if entry is None or [status.st_size, status.st_mtime_ns, status.st_ino] != entry[1:] \
                    or not stat.S_ISREG(status.st_mode):
                return False
            seen += 1
    return seen == len(files)
