"""Rows merged into a package's CSV by id: added, changed or left alone; never deleted; schema from the descriptor."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

Row = dict[str, str]


@dataclass
class Merge:
    """What a merge did to one table, counted by row."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self, what: str) -> str:
        """`3 figures added, 1 changed, 140 unchanged`."""
        return f"{len(self.added)} {what} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged"


def schema_fields(package: Path, resource: str) -> tuple[list[str], Path]:
    """Field names of a resource as its package descriptor declares them (the one contract), and its CSV."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for item in descriptor["resources"]:
        if item.get("name") == resource:
            return [str(f["name"]) for f in item["schema"]["fields"]], package / str(item["path"])
    raise KeyError(f"{package / 'datapackage.json'} has no resource {resource!r}")


def read_rows(path: Path) -> list[Row]:
    """Rows of a package CSV as text (empty when the file does not exist yet)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def merge(existing: Iterable[Row], incoming: Iterable[Row], header: list[str], key: str = "id") -> tuple[
        list[Row], Merge]:
    """Existing rows with incoming ones upserted by key; other rows kept byte for byte; sorted by key."""
    rows = {row[key]: row for row in existing}
    done = Merge()
    for new in incoming:
        row = {name: new.get(name, "") for name in header}
        old = rows.get(row[key])
        bucket = done.added if old is None else done.unchanged if old == row else done.changed
        bucket.append(row[key])
        rows[row[key]] = row
    return [rows[k] for k in sorted(rows)], done


def render(rows: list[Row], header: list[str]) -> str:
    """CSV text: header, LF line endings, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_if_changed(path: Path, text: str) -> bool:
    """Write text unless the file already holds exactly it (so a rerun leaves files untouched)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def upsert(package: Path, resource: str, incoming: Iterable[Row], key: str = "id") -> Merge:
    """Merge rows into one resource of a package and write it if anything changed."""
    header, path = schema_fields(package, resource)
    rows, done = merge(read_rows(path), incoming, header, key)
    write_if_changed(path, render(rows, header))
    return done
