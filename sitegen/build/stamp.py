"""The build stamp: a hash of every input and of the output, so an unchanged project is not rebuilt."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from sitegen.build.manifest import load_manifest, matches
from sitegen.config import CONFIG_NAME, MAX_BYTES_LIMIT, Config
from sitegen.files import write_atomic
from sitegen.history.git import commits_key

STAMP = "build-stamp.json"


def tree_digest(folder: Path, pattern: str = "*", fence: Path | None = None) -> str:
    """One hash over the relative path and contents of every file below folder matching pattern; files outside
    fence (by default folder) are never read."""
    fence = (fence or folder).resolve()
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)) if folder.is_dir() else []:
        part = file_part(path, fence)
        if part:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + part)
    return digest.hexdigest()


def file_part(path: Path, fence: Path) -> bytes:
    """A regular file's hash (read in blocks); a link out of fence or to no regular file by its target, unread
    (the build refuses it, naming it); b"" for a folder, pipe or device, which no build reads."""
    try:
        real = path.resolve(strict=True)
        status = real.stat()
        if real.is_relative_to(fence) and stat.S_ISREG(status.st_mode):
            if status.st_size > MAX_BYTES_LIMIT:  # refused by every reader: its size and time tell an edit
                return f"large {status.st_size} {status.st_mtime_ns}".encode()
            with real.open("rb") as file:
                return hashlib.file_digest(file, "sha256").digest()
    except (OSError, RuntimeError):
        pass  # a broken or looping link: its target names it
    return b"link " + os.readlink(path).encode() if path.is_symlink() else b""


def input_digest(config: Config, builtin_templates: Path, code: str) -> str:
    """Everything a build reads: data, content, templates, settings, our code and library versions (code:
    sitegen.build.reuse.versions.code_digest), the date."""
    root = config.root
    folders = [root / config.datapackages_dir, root / config.content_dir, root / config.templates_dir]
    parts: list[Any] = [tree_digest(folder, fence=root) for folder in folders]  # nothing outside the project read
    parts.append(tree_digest(builtin_templates))
    parts.append(code)
    parts.append(file_part(root / CONFIG_NAME, root).hex())
    parts.append(os.environ.get("SOURCE_DATE_EPOCH", ""))
    parts.append(config.base_url)  # it can come from the command line rather than sitegen.toml
    parts.append(commits_key(config))  # a new data commit changes the changelog even if the files do not
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def unchanged(config: Config, inputs: str) -> dict[str, Any] | None:
    """The last build's stamp if its inputs are these and its output is still exactly as it was written."""
    path = config.root / config.cache_dir / STAMP
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("inputs") != inputs:
        return None
    files = load_manifest(config)  # every file written, with its size, time and inode: checked, not read
    if not files or stamp.get("output") != manifest_digest(files):
        return None
    return stamp if matches(config.root / config.output_dir, files) else None


def manifest_digest(files: dict[str, list[Any]]) -> str:
    """One hash of an output manifest."""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def save_stamp(config: Config, inputs: str, pages: int, charts: int, files: dict[str, list[Any]]) -> None:
    """Record what this build read and wrote (written whole, or not at all)."""
    path = config.root / config.cache_dir / STAMP
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"inputs": inputs, "output": manifest_digest(files), "pages": pages, "charts": charts}
    write_atomic(path, json.dumps(body, sort_keys=True, indent=1))


def forget_stamp(config: Config) -> None:
    """Drop the last build's stamp: build/ now holds a preview, which the next build must complete."""
    (config.root / config.cache_dir / STAMP).unlink(missing_ok=True)
