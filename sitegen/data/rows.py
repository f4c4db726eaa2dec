"""Loaded data packages: the typed rows every later stage reads (contract between validate and build)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sitegen.files import display

if TYPE_CHECKING:
    from pathlib import Path

Row = dict[str, Any]  # field name -> typed value (str, int, float, bool, datetime.date or None)


class Records(Protocol):
    """A resource's records held as columns (sitegen.data.columns.Cells): rows are made from them on demand."""

    picked: dict[str, list[int]]  # the rows each rule of this table alone picked out (sitegen.data.pick.rows_where)

    def rows(self, indexes: list[int] | None = None) -> list[Row]:
        """Typed rows."""

    def lines(self) -> list[int]:
        """File line of each row."""

    def record_lines(self) -> list[int]:
        """File line of every record, header first."""

    def line(self, index: int) -> int:
        """File line of one row."""


@dataclass
class Resource:
    """One tabular resource: its descriptor, schema and typed rows."""

    name: str
    path: Path  # absolute path of the CSV
    descriptor: dict[str, Any]
    raw: bytes = b""  # the file as read, so downloads and digests never read it again
    # the records as columns; rows, lines and record_lines are made from them once (repr=False: derived from raw)
    cells: Records | None = field(default=None, repr=False)
    _rows: list[Row] | None = field(default=None, repr=False)
    _lines: list[int] | None = field(default=None, repr=False)
    _record_lines: list[int] | None = field(default=None, repr=False)
    _shown: str = field(default="", repr=False, compare=False)
    _digested: tuple[bytes, bytes] | None = field(default=None, repr=False, compare=False)  # raw and its SHA-256

    @property
    def digest(self) -> bytes:
        """The SHA-256 of raw, worked out once for the bytes it holds: validation, the downloads and the dataset
        pages all key on it, and the real site's largest file (13 MB) takes 25 ms a hash."""
        if self._digested is None or self._digested[0] is not self.raw:
            self._digested = (self.raw, hashlib.sha256(self.raw).digest())
        return self._digested[1]

    def hashed(self, sha: bytes) -> None:
        """Take sha as raw's SHA-256 (digest): its reader hashed the bytes already."""
        self._digested = (self.raw, sha)

    @property
    def shown(self) -> str:
        """The CSV's path as problems name it (sitegen.files.display), worked out once: a broken file can have a
        problem on every row."""
        if not self._shown:
            self._shown = display(self.path)
        return self._shown

    @property
    def rows(self) -> list[Row]:
        """Typed rows, in file order, blank records left out."""
        if self._rows is None:
            self._rows = self.cells.rows() if self.cells is not None else []
        return self._rows

    @rows.setter
    def rows(self, value: list[Row]) -> None:
        self._rows = value

    @property
    def lines(self) -> list[int]:
        """File line number of each row, same order."""
        if self._lines is None:
            self._lines = self.cells.lines() if self.cells is not None else []
        return self._lines

    @lines.setter
    def lines(self, value: list[int]) -> None:
        self._lines = value

    @property
    def record_lines(self) -> list[int]:
        """Line of every CSV record, header first."""
        if self._record_lines is None:
            self._record_lines = self.cells.record_lines() if self.cells is not None else []
        return self._record_lines

    @record_lines.setter
    def record_lines(self, value: list[int]) -> None:
        self._record_lines = value

    def line(self, index: int) -> int:
        """File line of the index-th row, without making every row's list."""
        if self._lines is None and self.cells is not None:
            return self.cells.line(index)
        return self.lines[index]

    def rows_at(self, indexes: list[int]) -> list[Row]:
        """The rows at indexes, without making every row when the records are columns."""
        if self._rows is None and self.cells is not None:
            return self.cells.rows(indexes)
        return [self.rows[i] for i in indexes]

    def count(self) -> int:
        """How many rows."""
        cells = getattr(self.cells, "data", None)
        return len(self.rows) if self._rows is not None or cells is None else int(cells.height)

    @property
    def fields(self) -> list[dict[str, Any]]:
        """Table Schema fields, in order."""
        return list(self.descriptor.get("schema", {}).get("fields", []))


@dataclass
class Package:
    """One data package folder (`datapackages/<name>/datapackage.json`)."""

    name: str
    path: Path  # absolute path of datapackage.json
    descriptor: dict[str, Any]
    resources: dict[str, Resource] = field(default_factory=dict)
    raw: bytes = b""  # datapackage.json as read


@dataclass
class Packages:
    """Every package found under the data folder, by package name."""

    root: Path
    packages: dict[str, Package] = field(default_factory=dict)

    def rows(self, package: str, resource: str) -> list[Row]:
        """Rows of one resource, or [] where that package or resource is absent."""
        pkg = self.packages.get(package)
        if pkg is None or resource not in pkg.resources:
            return []
        return pkg.resources[resource].rows
