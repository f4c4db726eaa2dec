"""Rows merged into a package's CSV by id: added, changed or left alone; never deleted; schema from the descriptor.

Every file is read through the build's fence (inside the project, size-limited, no device, pipe or link out)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sitegen.data.read import parse_json
from sitegen.errors import problem
from sitegen.files import Inputs, ReadRefused, display, read_text, write_atomic

if TYPE_CHECKING:
    from collections.abc import Iterable

Row = dict[str, str]


@dataclass
class Merge:
    """What a merge did to one table, counted by row."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    written: bool = False  # whether the table's file was rewritten

    def summary(self, what: str) -> str:
        """`3 figures added, 1 changed, 140 unchanged`."""
        return f"{len(self.added)} {what} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged"


def resource_path(package: Path, value: object, shown: str) -> Path:
    """A resource's file: a relative path inside its package folder, else ReadRefused (never written outside)."""
    text = value if isinstance(value, str) else ""
    parts = PurePosixPath(text).parts
    if not text or "\\" in text or PurePosixPath(text).is_absolute() or ".." in parts or ":" in text:
        raise ReadRefused(problem("unsafe-path", "a resource path must be relative and stay inside the package "
                                  "folder", shown, 0, "path", text))
    path = package.joinpath(*parts)
    if not path.parent.resolve().is_relative_to(package.resolve()):
        raise ReadRefused(problem("unsafe-path", "the resource path leads out of the package folder through a "
                                  "link", shown, 0, "path", text))
    return path


def schema_fields(package: Path, resource: str, inputs: Inputs) -> tuple[list[str], Path]:
    """Field names of a resource as its package descriptor declares them (the one contract), and its CSV."""
    shown = display(package / "datapackage.json")
    descriptor, problems = parse_json(read_text(package / "datapackage.json", inputs, shown), shown)
    if descriptor is None:  # as `validate` refuses it: not JSON, nested too deep, a value too long to read
        raise ReadRefused(problems[0])
    for item in descriptor["resources"]:
        if isinstance(item, dict) and item.get("name") == resource:
            fields = item.get("schema", {}).get("fields", []) if isinstance(item.get("schema"), dict) else []
            return [str(f["name"]) for f in fields if isinstance(f, dict) and "name" in f], \
                resource_path(package, item.get("path"), shown)
    raise ReadRefused(problem("invalid-descriptor", f"the package has no resource {resource!r}", shown, 0,
                              "resources", resource))


def read_rows(path: Path, inputs: Inputs | None = None) -> list[Row]:
    """Rows of a package CSV as text (empty when the file does not exist yet), read inside the fence."""
    if not path.exists() and not path.is_symlink():
        return []
    shown = display(path)
    text = read_text(path, inputs or Inputs.under(path), shown)
    try:
        return list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ReadRefused(problem("unreadable-file", f"not readable as CSV ({exc})", shown)) from None


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
    """Write text (whole, by a rename) unless the file already holds exactly it, so a rerun leaves files untouched."""
    if path.is_file() and not path.is_symlink() and path.read_bytes() == text.encode("utf-8"):
        return False
    write_atomic(path, text)
    return True


def upsert(home: Path, resource: str, incoming: Iterable[Row], inputs: Inputs | None = None,
           staged: Path | None = None, key: str = "id") -> Merge:
    """Merge rows into one resource of a package, read from home inside the fence (by default the package), written
    to its staged copy (by default home itself) if anything changed: the file replaced, never written through."""
    inputs = inputs or Inputs.under(home)
    header, path = schema_fields(home, resource, inputs)
    rows, done = merge(read_rows(path, inputs), incoming, header, key)
    target = resource_path(staged or home, path.relative_to(home).as_posix(), display(home / "datapackage.json"))
    done.written = write_if_changed(target, render(rows, header))
    return done
