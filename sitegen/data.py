"""Loaded data packages: the typed rows every later stage reads (contract between validate and build)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Row = dict[str, Any]  # field name -> typed value (str, int, float, bool, datetime.date or None)


@dataclass
class Resource:
    """One tabular resource: its descriptor, schema and typed rows."""

    name: str
    path: Path  # absolute path of the CSV
    descriptor: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # file line number of each row, same order
    record_lines: list[int] = field(default_factory=list)  # line of every CSV record, header first
    raw: bytes = b""  # the file as read, so downloads and digests never read it again

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
