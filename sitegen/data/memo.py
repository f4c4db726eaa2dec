"""What `sitegen serve` keeps between builds: for each file or package of the project, the last thing made of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

T = TypeVar("T")


class Kept(Generic[T]):
    """For each path, the last value made and the key (a hash of what it was made from) it was made for."""

    def __init__(self) -> None:
        self.entries: dict[Path, tuple[str, T]] = {}
        self.folder: Path | None = None  # only what is under it is kept: see keep_only
        EVERY.append(self)

    def get(self, path: Path, key: str, make: Callable[[], T]) -> T:
        """The value for key at path: the one kept if it was made for the same key, else made now (and kept when
        path is in the folder kept)."""
        if self.folder is None or not path.is_relative_to(self.folder):
            return make()  # not the project's data (an old version read from git for the changelog): not kept
        last = self.entries.get(path)
        if last is None or last[0] != key:
            last = self.entries[path] = (key, make())
        return last[1]

    def keep_only(self, folder: Path) -> None:
        """Keep what is made of files under folder from now on, and forget the rest (another project's)."""
        self.folder = folder
        for path in [p for p in self.entries if not p.is_relative_to(folder)]:
            del self.entries[path]


EVERY: list[Kept[Any]] = []


def keep_only(folder: Path) -> None:
    """What every memo keeps between builds: what is made of the data under folder (the project's), nothing else."""
    for kept in EVERY:
        kept.keep_only(folder)
