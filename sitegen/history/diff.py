"""What changed between two versions of the data: figures by id, sources, and problems new in the newer one."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.data.model import ENGLAND

if TYPE_CHECKING:
    from sitegen.data.rows import Packages, Row
    from sitegen.errors import Problem


@dataclass(frozen=True)
class FieldChange:
    """One field of one row, before and after (as the CSV would show it)."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class FigureChange:
    """A figure added, changed, removed, or renamed (same content under a new id)."""

    kind: str  # added | changed | removed | renamed
    package: str
    area_code: str
    area_name: str
    id: str
    measure: str
    period: str
    value: str
    unit: str
    changes: tuple[FieldChange, ...] = ()
    old_id: str = ""
    # what the words about a change need: its source, its period's bounds and how finely the value was given
    source_id: str = ""
    source_title: str = ""
    period_start: str = ""
    period_end: str = ""
    qualifier: str = ""
    precision: str = ""
    published_value: str = ""
    published_unit: str = ""

    def before(self, name: str) -> str:
        """A field as it was before this change (as it is now, when the change left it alone)."""
        return next((c.old for c in self.changes if c.field == name), getattr(self, name))


@dataclass(frozen=True)
class SourceChange:
    """A source added, changed or removed."""

    kind: str
    id: str
    title: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class TableChange:
    """Rows of another resource (reference data, measures, topics) added, changed and removed, counted."""

    package: str
    resource: str
    title: str
    added: int
    changed: int
    removed: int


@dataclass
class DataDiff:
    """Every change between two versions, in a stable order."""

    figures: list[FigureChange] = field(default_factory=list)
    sources: list[SourceChange] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)  # the other resources, counted (the changelog's)

    def count(self, kind: str) -> int:
        """How many figures changed in this way."""
        return sum(1 for f in self.figures if f.kind == kind)

    @property
    def empty(self) -> bool:
        """No figure or source changed (renames alone are not changes)."""
        return not self.sources and all(f.kind == "renamed" for f in self.figures)


def cell(value: Any) -> str:
    """A typed value written as the CSV holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def figure_rows(packages: Packages) -> dict[str, tuple[str, Row]]:
    """Figure id -> (package, row) over every package holding a `figures` resource."""
    rows: dict[str, tuple[str, Row]] = {}
    for name, package in sorted(packages.packages.items()):
        if "figures" in package.resources:
            for row in package.resources["figures"].rows:
                rows.setdefault(cell(row.get("id")), (name, row))
    return rows


def source_rows(packages: Packages) -> dict[str, Row]:
    """Source id -> row over every package holding a `sources` resource."""
    rows: dict[str, Row] = {}
    for _, package in sorted(packages.packages.items()):
        if "sources" in package.resources:
            for row in package.resources["sources"].rows:
                rows.setdefault(cell(row.get("id")), row)
    return rows


def area_names(*versions: Packages) -> dict[str, str]:
    """GSS code -> council name, from the reference package of either version (newer wins)."""
    names = {ENGLAND: "England"}
    for packages in versions:
        for resource in ("nations", "councils"):
            names |= {cell(r.get("code")): cell(r.get("name")) for r in packages.rows("reference", resource)}
    return names


def field_changes(old: Row, new: Row) -> tuple[FieldChange, ...]:
    """Fields whose value differs, in the newer row's field order; the id never counts."""
    names = list(new) + [k for k in old if k not in new]
    return tuple(FieldChange(k, cell(old.get(k)), cell(new.get(k))) for k in names
                 if k != "id" and cell(old.get(k)) != cell(new.get(k)))


def content_key(package: str, row: Row) -> tuple[str, ...]:
    """A row's content without its id: equal keys under different ids are a rename."""
    return (package, *(f"{k}={cell(v)}" for k, v in sorted(row.items()) if k != "id"))


def source_titles(*versions: Packages) -> dict[str, str]:
    """Source id -> title, from either version (newer wins)."""
    return {k: cell(row.get("title")) for packages in versions for k, row in source_rows(packages).items()}


def make_change(kind: str, package: str, row: Row, names: dict[str, str],
                changes: tuple[FieldChange, ...] = (), old_id: str = "",
                titles: dict[str, str] | None = None) -> FigureChange:
    """A FigureChange describing row (the newer row where there is one)."""
    code = cell(row.get("area_code"))
    name = names.get(code) or cell(row.get("area_name_reported")) or code
    source = cell(row.get("source_id"))
    return FigureChange(kind, package, code, name, cell(row.get("id")), cell(row.get("measure")),
                        cell(row.get("period_label")), cell(row.get("value")), cell(row.get("unit")), changes, old_id,
                        source, (titles or {}).get(source, source), cell(row.get("period_start")),
                        cell(row.get("period_end")), cell(row.get("qualifier")), cell(row.get("precision")),
                        cell(row.get("published_value")), cell(row.get("published_unit")))


def compare_figures(old: Packages, new: Packages) -> list[FigureChange]:
    """Figures matched by id; unmatched ones with identical content under another id are renames."""
    before, after, names = figure_rows(old), figure_rows(new), area_names(old, new)
    change = partial(make_change, names=names, titles=source_titles(old, new))
    removed = {k: v for k, v in before.items() if k not in after}
    added = {k: v for k, v in after.items() if k not in before}
    gone = {content_key(*v): k for k, v in sorted(removed.items())}
    out = []
    for _, (package, row) in sorted(added.items()):
        old_id = gone.pop(content_key(package, row), None)
        if old_id is not None:
            del removed[old_id]
        out.append(change("renamed" if old_id else "added", package, row, old_id=old_id or ""))
    out += [change("removed", p, r) for _, (p, r) in sorted(removed.items())]
    for key in sorted(before.keys() & after.keys()):
        (old_package, old_row), (new_package, new_row) = before[key], after[key]
        moved = (FieldChange("package", old_package, new_package),) if old_package != new_package else ()
        changes = moved + field_changes(old_row, new_row)
        if changes:
            out.append(change("changed", new_package, new_row, changes=changes))
    return sorted(out, key=lambda c: (c.package, c.area_name, c.area_code, c.id))


def compare_sources(old: Packages, new: Packages) -> list[SourceChange]:
    """Sources matched by id: added, changed field by field, removed."""
    before, after = source_rows(old), source_rows(new)
    out = [SourceChange("added", k, cell(after[k].get("title"))) for k in after.keys() - before.keys()]
    out += [SourceChange("removed", k, cell(before[k].get("title"))) for k in before.keys() - after.keys()]
    for key in before.keys() & after.keys():
        changes = field_changes(before[key], after[key])
        if changes:
            out.append(SourceChange("changed", key, cell(after[key].get("title")), changes))
    return sorted(out, key=lambda s: (s.id, s.kind))


def keyed(packages: Packages, package: str, resource: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """A resource's rows by their primary key (the whole row when it has none), as the CSV holds them."""
    found = packages.packages.get(package)
    if found is None or resource not in found.resources:
        return {}
    table = found.resources[resource]
    key = table.descriptor.get("schema", {}).get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    out = {}
    for row in table.rows:
        cells = tuple(f"{k}={cell(v)}" for k, v in row.items())
        out[tuple(cell(row.get(k)) for k in key) if key else cells] = cells
    return out


def compare_tables(old: Packages, new: Packages) -> list[TableChange]:
    """Every resource but figures and sources: how many rows were added, changed and removed."""
    names = {(p, r) for packages in (old, new) for p, package in packages.packages.items() for r in package.resources
             if r not in ("figures", "sources")}
    out = []
    for package, resource in sorted(names):
        before, after = keyed(old, package, resource), keyed(new, package, resource)
        changed = sum(1 for k in before.keys() & after.keys() if before[k] != after[k])
        added, removed = len(after.keys() - before.keys()), len(before.keys() - after.keys())
        if added or changed or removed:
            holder = new.packages.get(package) or old.packages[package]
            table = holder.resources.get(resource) or old.packages[package].resources[resource]
            out.append(TableChange(package, resource, str(table.descriptor.get("title") or resource), added,
                                   changed, removed))
    return out


def compare(old: Packages, new: Packages, tables: bool = False) -> DataDiff:
    """Everything that changed from old to new (the other resources counted too, when asked); reordered rows and
    renamed ids are not changes."""
    return DataDiff(compare_figures(old, new), compare_sources(old, new), compare_tables(old, new) if tables else [])


def relocate(problems: list[Problem], data_root: Path, shown_root: str) -> list[Problem]:
    """Problems with paths under data_root rewritten as shown_root/..., so both versions name files alike."""
    out = []
    for p in problems:
        path = Path(p.path).resolve() if p.path else None
        if path is not None and path.is_relative_to(data_root.resolve()):
            p = replace(p, path=f"{shown_root}/{path.relative_to(data_root.resolve()).as_posix()}".rstrip("/"))
        out.append(p)
    return out


def problem_key(p: Problem) -> tuple[str, str, str, str]:
    """What makes a problem the same one in both versions: its place but not its line (lines shift)."""
    return (p.path, p.field, p.code, p.value or "")


def new_problems(old: list[Problem], new: list[Problem]) -> list[Problem]:
    """Problems in new that old did not have."""
    seen = {problem_key(p) for p in old}
    return sorted(p for p in new if problem_key(p) not in seen)
