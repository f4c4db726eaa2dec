"""The build stamp: a hash of every input and of the output, so an unchanged project is not rebuilt."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sitegen.build.manifest import STAMP, load_manifest, matches
from sitegen.config import Config
from sitegen.files import file_part, tree_digest, write_atomic
from sitegen.history.git import commits_key


def input_digest(config: Config, builtin_templates: Path, code: str) -> str:
    """Everything a build reads: data, content, templates, settings, our code and library versions (code:
    sitegen.cache.code_digest), the date."""
    root = config.root
    folders = [root / config.datapackages_dir, root / config.content_dir, root / config.templates_dir]
    parts: list[Any] = [tree_digest(folder, fence=root) for folder in folders]  # nothing outside the project read
    parts.append(tree_digest(builtin_templates))
    parts.append(code)
    parts.append(file_part(config.settings_file, root).hex())
    parts.append(os.environ.get("SOURCE_DATE_EPOCH", ""))
    parts.append([config.base_url, config.repository_url])  # they can come from the command line
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
