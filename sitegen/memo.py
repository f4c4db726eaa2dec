"""What `sitegen serve` keeps between builds: for each file or package, the last thing made of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class Kept(Generic[T]):
    """For each path, the last value made and the key (a hash of what it was made from) it was made for."""

    def __init__(self) -> None:
        self.entries: dict[Path, tuple[str, T]] = {}

    def get(self, path: Path, key: str, make: Callable[[], T]) -> T:
        """The value for key at path: the one kept if it was made for the same key, else made now and kept."""
        last = self.entries.get(path)
        if last is None or last[0] != key:
            last = self.entries[path] = (key, make())
        return last[1]

    def keep_only(self, folder: Path) -> None:
        """Forget every path outside folder (another project's, or an earlier test's): one project's data is kept."""
        for path in [p for p in self.entries if not p.is_relative_to(folder)]:
            del self.entries[path]
