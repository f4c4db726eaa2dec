"""The last build's manifest, kept in the cache: each file's hash, size, time and inode, so the next build links
what has not changed; and the status of the output as it was left, so the next build finds it untouched without
reading it."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.build.marker import MARKER
from sitegen.files import read_state, write_atomic

if TYPE_CHECKING:
    from sitegen.config import Config

MANIFEST = "output-manifest"
STAMP = "build-stamp.json"  # sitegen.build.stamp's


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
    body = read_state(state_file(config, MANIFEST))
    files = body.get("files") if isinstance(body, dict) else None
    return {k: v for k, v in files.items() if isinstance(v, list) and len(v) == 4} if isinstance(files, dict) else {}


def load_made(config: Config) -> dict[str, str]:
    """The cache key of each download the last build made (sitegen.build.reuse.cache.Made), by path, or nothing."""
    body = read_state(state_file(config, MANIFEST))
    made = body.get("made") if isinstance(body, dict) else None
    return {k: v for k, v in made.items() if isinstance(v, str)} if isinstance(made, dict) else {}


def save_manifest(config: Config, files: dict[str, list[Any]], made: dict[str, str] | None = None) -> None:
    """Record what this build wrote (and the keys of the downloads it made), for the next build to link what has
    not changed."""
    path = state_file(config, MANIFEST)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"files": files, "made": made or {}}, sort_keys=True, separators=(",", ":")))


def site_status(site: Path, files: dict[str, list[Any]]) -> dict[str, dict[str, list[int]]]:
    """The status of every folder and file a build wrote (as as_left compares it), its marker included."""
    base = os.fspath(site)
    folders = {"."}
    for rel in files:  # each file's folders, up to the first already met (a path object a file took 0.4 s for 40,000)
        folder = rel.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    shown = {rel: [status.st_mtime_ns, status.st_ino] for rel in sorted(folders)
             for status in [os.stat(base) if rel == "." else os.lstat(os.path.join(base, rel))]}
    written = {rel: entry[1:] for rel, entry in files.items()}
    marker = os.lstat(os.path.join(base, MARKER))
    return {"folders": shown, "files": {**written, MARKER: [marker.st_size, marker.st_mtime_ns, marker.st_ino]}}


def as_left(site: Path, recorded: Any) -> bool:
    """Whether site is exactly as the last build left it (recorded: its site_status then), without reading it.

    What a user (or another program) can do to build/ between builds, and what shows it:
    - add, remove or rename a file or folder anywhere in it: the folder it is in gets a new modification time
      (POSIX, and NTFS), and every folder the build wrote is checked, so nothing can be added unseen;
    - edit a file in place (an editor, `>>`, a tool writing over it): its size or modification time changes;
    - replace a file or folder, or build/ itself (another folder, a link elsewhere): another inode.
    So a file's content is not read; what this misses is only a deliberate edit that keeps a file's size and
    puts back its time with `touch -r` (as the manifest always has). The marker is checked as any file.
    """
    if not isinstance(recorded, dict):
        return False
    folders, files = recorded.get("folders"), recorded.get("files")
    if not isinstance(folders, dict) or not isinstance(files, dict) or not files:
        return False
    base = os.fspath(site)
    prefix, lstat, is_dir, is_file = base + os.sep, os.lstat, stat.S_ISDIR, stat.S_ISREG  # ~5,700 calls: kept short
    try:
        for rel, entry in folders.items():
            status = os.stat(base) if rel == "." else lstat(prefix + rel)
            if not is_dir(status.st_mode) or [status.st_mtime_ns, status.st_ino] != entry:
                return False
        for rel, entry in files.items():
            status = lstat(prefix + rel)
            if not is_file(status.st_mode) or [status.st_size, status.st_mtime_ns, status.st_ino] != entry:
                return False
    except (OSError, ValueError):
        return False
    return True
