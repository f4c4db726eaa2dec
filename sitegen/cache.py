"""The on-disk cache: entries named by the hash of what they are made from, so a stale entry is never found."""

from __future__ import annotations

from pathlib import Path

from sitegen.output import write_atomic


class Cache:
    """Text entries under one folder, each named `<key><suffix>`; written whole or not at all."""

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder = folder / kind

    def path(self, key: str, suffix: str) -> Path:
        """Where an entry lives."""
        return self.folder / f"{key}{suffix}"

    def get(self, key: str, suffix: str) -> str | None:
        """An entry's text, or None when there is none."""
        try:
            return self.path(key, suffix).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def put(self, key: str, suffix: str, text: str) -> None:
        """Store an entry."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path(key, suffix), text)
