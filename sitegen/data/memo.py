"""What `sitegen serve` keeps of the project's data between builds, so an unchanged file is not read or checked
again: for each file or package, the last thing made of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sitegen.data.rows import Resource
    from sitegen.errors import Problem

T = TypeVar("T")


class Kept(Generic[T]):
    """For each path, the last value made and the key (a hash of what it was made from) it was made for."""

    def __init__(self) -> None:
        self.entries: dict[Path, tuple[str, T]] = {}

    def kept(self, path: Path, key: str) -> T | None:
        """The value kept at path if it was made for key, else None."""
        last = self.entries.get(path)
        return last[1] if last is not None and last[0] == key else None

    def get(self, path: Path, key: str, make: Callable[[], T]) -> T:
        """The value for key at path: the one kept if it was made for the same key, else made now and kept."""
        last = self.entries.get(path)
        if last is None or last[0] != key:
            last = self.entries[path] = (key, make())
        return last[1]


class DataMemo:
    """The project's data as last read and checked; given only where the project's own data is read (an old
    version read from git for the changelog is not kept)."""

    def __init__(self) -> None:
        # a CSV whose bytes and schema are those read last time is not parsed again (its Resource is immutable)
        self.parsed: Kept[tuple[Resource | None, list[Problem]]] = Kept()
        self.checked: Kept[list[Problem]] = Kept()  # a package whose bytes are unchanged is not checked again
        self.metadata: Kept[list[Problem]] = Kept()  # an edit to a value leaves descriptor and headers alone
