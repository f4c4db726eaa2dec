"""The last build's manifest, kept in the cache: each file's hash, size, time and inode, so the next build links
what has not changed and finds an untouched output folder without reading it."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.build.marker import MARKER
from sitegen.files import write_atomic

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
    try:
        body = json.loads(state_file(config, MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = body.get("files") if isinstance(body, dict) else None
    return {k: v for k, v in files.items() if isinstance(v, list) and len(v) == 4} if isinstance(files, dict) else {}


def load_made(config: Config) -> dict[str, str]:
    """The cache key of each download the last build made (sitegen.build.reuse.cache.Made), by path, or nothing."""
    try:
        body = json.loads(state_file(config, MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    made = body.get("made") if isinstance(body, dict) else None
    return {k: v for k, v in made.items() if isinstance(v, str)} if isinstance(made, dict) else {}


def save_manifest(config: Config, files: dict[str, list[Any]], made: dict[str, str] | None = None) -> None:
    """Record what this build wrote (and the keys of the downloads it made), for the next build to link what has
    not changed."""
    path = state_file(config, MANIFEST)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"files": files, "made": made or {}}, sort_keys=True, separators=(",", ":")))


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
