"""Frictionless's table checks, as column expressions: the same problems, without reading rows one by one.

Expressions pick out the rows that may be wrong (a superset); only those rows are then read by frictionless's
own cell readers and checked in frictionless's order, so every message, value and line is frictionless's.
What this cannot mirror (a constraint or key it does not know) is left to frictionless itself: supported()
says no, and validate runs the reference path for that package.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any

import polars as pl

from sitegen.data.columns import Cells, typed_expr
from sitegen.data.pick import twins

if TYPE_CHECKING:
    from sitegen.data.rows import Package, Resource

LIMIT_ERRORS = 1000  # frictionless stops checking a table after this many errors
CONSTRAINTS = {"required", "unique", "enum", "minimum", "maximum", "pattern"}


@dataclass
class Error:
    """A frictionless error's fields, as validate.task_problem reads them."""

    type: str
    title: str
    row_number: int
    note: str = ""
    field_name: str = ""
    field_number: int = 0
    cell: str | None = None
    field_names: list[str] = field(default_factory=list)
    field_cells: list[str] | None = None


def schema_of(resource: Resource) -> dict[str, Any]:
    """The resource's schema (a dict: descriptors.py has refused anything else)."""
    value = resource.descriptor.get("schema", {})
    return value if isinstance(value, dict) else {}


def key_list(value: Any) -> list[str]:
    """A key written as one name or a list of names."""
    return [value] if isinstance(value, str) else list(value or [])


def supported(package: Package) -> bool:
    """Whether every resource is read columnar and uses only the checks mirrored here."""
    for resource in package.resources.values():
        schema = schema_of(resource)
        if not isinstance(resource.cells, Cells) or set(schema) - {"fields", "primaryKey", "foreignKeys",
                                                                   "missingValues"}:
            return False
        names = [f.get("name") for f in resource.fields]
        if len(set(names)) != len(names) or any(set(f.get("constraints") or {}) - CONSTRAINTS
                                                for f in resource.fields):
            return False
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"].get("resource", "")
            if target and target not in package.resources:
                return False
            if not set(key_list(fk.get("fields"))) <= set(names):
                return False
        if not set(key_list(schema.get("primaryKey"))) <= set(names):
            return False
    return True


def header_only(package: Package) -> dict[str, Any]:
    """The package descriptor with each readable resource's data replaced by its header: metadata checks only."""
    descriptor = copy.deepcopy(package.descriptor)
    resources = []
    for item in descriptor["resources"]:
        if isinstance(item, dict) and item.get("name") in package.resources:
            for key in ("path", "format", "encoding", "mediatype", "scheme", "dialect", "bytes", "hash"):
                item.pop(key, None)
            fields = item.get("schema", {}).get("fields", [])
            item["data"] = [[f.get("name") for f in fields]]
            for f in fields:
                (f.get("constraints") or {}).pop("pattern", None)
            resources.append(item)
    descriptor["resources"] = resources
    return descriptor


class Readers:
    """Frictionless's cell readers for one resource's fields."""

    def __init__(self, resource: Resource) -> None:
        import frictionless

        schema = frictionless.Schema.from_descriptor(copy.deepcopy(schema_of(resource)))
        for f in schema.fields:
            f.constraints.pop("pattern", None)  # patterns are matched with a time limit, elsewhere
        self.names = [f.name for f in schema.fields]
        self.readers = [f.create_cell_reader() for f in schema.fields]
        self.types = [f"{f.type}/{f.format}" for f in schema.fields]

    def values(self, cells: Cells, index: int) -> list[Any]:
        """Frictionless's typed values of one record (None where missing, blank or unreadable)."""
        return [self.readers[i](source)[0] for i, source in enumerate(record(cells, index, len(self.names)))]


def record(cells: Cells, index: int, width: int) -> list[str | None]:
    """One record's schema cells as text, None where the record is short."""
    row = cells.frame.row(index, named=True)
    return [row[f"c{i}"] if i < row["width"] else None for i in range(width)]


def all_cells(cells: Cells, index: int) -> list[str]:
    """One record's cells, extra ones included."""
    row = cells.frame.row(index, named=True)
    width = min(row["width"], len(cells.names))
    return [row[f"c{i}"] for i in range(width)] + list(row["extra"] or [])


def texpr(cells: Cells, i: int) -> pl.Expr:
    """The i-th field typed as read_cell types it, over every record."""
    return cells.field_expr(i, records=True).alias(f"t{i}")


def candidate_rows(cells: Cells, schema: dict[str, Any], lookups: dict[str, pl.DataFrame]) -> list[int]:
    """Records frictionless may find fault with: a superset, checked exactly afterwards."""
    picks: list[pl.Expr] = [pl.col("width") != len(cells.names)]
    for i, spec in enumerate(cells.fields):
        if isinstance(cells.schema[f"c{i}"], pl.Enum):  # a field's tests read its cell alone: once a value, then
            picks.append(cells.test(i, partial(text_tests, cells, i, spec)))
        else:
            picks += field_tests(cells, i, spec, cells.text(i), texpr(cells, i))
    found = set(cells.frame.select(pl.any_horizontal(picks).fill_null(True).alias("_m"))["_m"].arg_true().to_list())
    return sorted(found | keyed_rows(cells, schema, lookups))


def text_tests(cells: Cells, i: int, spec: dict[str, Any], text: pl.Expr) -> pl.Expr:
    """Whether field_tests pick a cell, from its text alone (null counts as picked)."""
    typed = typed_expr(text, cells.types[i], cells.clean)
    return pl.any_horizontal(field_tests(cells, i, spec, text, typed)).fill_null(True)


def field_tests(cells: Cells, i: int, spec: dict[str, Any], text: pl.Expr, value: pl.Expr) -> list[pl.Expr]:
    """The tests of one field's cells (its text, and its value typed) that pick a record frictionless may fault."""
    nonblank = (text != "").fill_null(False)
    picks = [nonblank & value.is_null()]
    if cells.types[i] in ("string", "any") and not cells.clean:
        picks.append(text.str.contains(r"[\x00-\x1f\x7f-\x{9f}\x{2028}\x{2029}]").fill_null(False))
    constraints = spec.get("constraints") or {}
    if constraints.get("required"):
        picks.append(value.is_null())
    if "enum" in constraints:
        picks.append(nonblank & ~text.is_in([str(v) for v in constraints["enum"] or []]))
    for name, sign in (("minimum", -1), ("maximum", 1)):
        if name in constraints:
            picks.append(value.is_not_null() & bound(value, constraints[name], sign, cells.types[i])
                         & ~at_limit(text, constraints[name], spec))
    return picks


def bound(value: pl.Expr, limit: Any, sign: int, type_: str) -> pl.Expr:
    """Cells at or beyond a minimum (sign -1) or maximum (1), loosely: frictionless decides."""
    try:
        if type_ in ("integer", "number"):
            margin = abs(float(limit)) * 1e-9 + 1e-9
            return value >= float(limit) - margin if sign > 0 else value <= float(limit) + margin
    except (TypeError, ValueError):
        pass
    return pl.lit(True)


def at_limit(text: pl.Expr, limit: Any, spec: dict[str, Any]) -> pl.Expr:
    """Cells written as the whole-number limit itself ("1", "1.0000" for a maximum of 1): within it, whatever the
    reading; most real shares are exactly 1, and every suspect row costs a frictionless read."""
    plain = not any(key in spec for key in ("decimalChar", "groupChar", "bareNumber"))
    if plain and isinstance(limit, int | float) and not isinstance(limit, bool) and float(limit).is_integer() \
            and abs(limit) < 2**53:
        return text.str.contains(f"^{int(limit)}(\\.0+)?$").fill_null(False)
    return pl.lit(False)


def keyed_rows(cells: Cells, schema: dict[str, Any], lookups: dict[str, pl.DataFrame]) -> set[int]:
    """Records whose unique values, primary key or whole row repeat, or whose foreign key finds nothing."""
    names, frame = cells.names, cells.frame
    typed = {name: texpr(cells, i) for i, name in enumerate(names)}
    pk_names = tuple(key_list(schema.get("primaryKey")))
    pk = [typed[n] for n in pk_names]
    found: set[int] = set()
    repeated: dict[tuple[str, ...], pl.Series] = {}  # a key's repeated records (the primary key is often unique too)
    for key in [(f["name"],) for f in cells.fields if (f.get("constraints") or {}).get("unique")] + [pk_names]:
        if key and key not in repeated:
            repeated[key] = twins(frame, typed[key[0]] if len(key) == 1 else pl.struct([typed[n] for n in key]))
        if key and repeated[key].len():
            some = pl.any_horizontal([typed[n].gather(repeated[key]).is_not_null() for n in key])
            found |= set(repeated[key].filter(frame.select(some.alias("_m"))["_m"]).to_list())
    if pk:
        found |= set(true_at(frame, pl.all_horizontal([k.is_null() for k in pk])).to_list())
        alike = repeated[pk_names]  # rows alike in full are alike in their key
        if alike.len():
            whole = pl.struct([t.gather(alike) for t in typed.values()]).is_duplicated()
            found |= set(alike.filter(frame.select(whole.alias("_m"))["_m"]).to_list())
    else:
        found |= set(true_at(frame, pl.struct(list(typed.values())).is_duplicated()).to_list())
    for index, fk in enumerate(schema.get("foreignKeys", [])):
        target, fields = lookups[f"fk{index}"], key_list(fk["fields"])
        if len(fields) == 1 == target.width and cells.types[names.index(fields[0])] in ("string", "any"):
            unknown = partial(not_in, cells.clean, target["k0"])
            found |= set(true_at(frame, cells.test(names.index(fields[0]), unknown)).to_list())
            continue
        mine = [typed[n].alias(f"k{j}") for j, n in enumerate(fields)]
        have = cells.frame.with_row_index("_i").select("_i", *mine).filter(
            pl.any_horizontal([pl.col(f"k{j}").is_not_null() for j in range(len(mine))]))
        if target.width != len(mine):
            found |= set(have["_i"].to_list())
            continue
        missing = have.join(target, on=[f"k{j}" for j in range(len(mine))], how="anti", nulls_equal=False)
        found |= set(missing["_i"].to_list())
    return found


def not_in(clean: bool, known: pl.Series, text: pl.Expr) -> pl.Expr:
    """Text cells neither blank nor among known: an anti join's rows for one text field, found once a value."""
    return typed_expr(text, "string", clean).is_not_null() & ~typed_expr(text, "string", clean).is_in(known.implode())


def true_at(frame: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    """Indexes of the records where a boolean expression is true (not null), without copying any column."""
    return frame.select(expr.fill_null(False).alias("_m"))["_m"].arg_true()


def lookup_frame(package: Package, resource: Resource, fk: dict[str, Any]) -> pl.DataFrame:
    """The referenced resource's key values, typed as the referring fields are."""
    from sitegen.data.columns import dtype_of

    target = package.resources.get(fk["reference"].get("resource") or resource.name, resource)
    assert isinstance(target.cells, Cells) and isinstance(resource.cells, Cells)
    mine, theirs = key_list(fk["fields"]), key_list(fk["reference"].get("fields"))
    exprs: list[pl.Expr] = []
    for j, (m, t) in enumerate(zip(mine, theirs, strict=False)):
        if t not in target.cells.names or m not in resource.cells.names:
            return pl.DataFrame()
        kind = dtype_of(resource.cells.types[resource.cells.names.index(m)])
        exprs.append(texpr(target.cells, target.cells.names.index(t)).cast(kind, strict=False).alias(f"k{j}"))
    return target.cells.frame.select(exprs).unique()


class Memory:
    """Frictionless's memories of one table: the last row of each unique value, key and row."""

    def __init__(self) -> None:
        self.seen: dict[Any, dict[Any, int]] = {}

    def recall(self, kind: Any, value: Any, row_number: int) -> int | None:
        """The row where value was last seen (or None), remembering this row."""
        memory = self.seen.setdefault(kind, {})
        match = memory.get(value)
        memory[value] = row_number
        return match


@dataclass
class Table:
    """What checking one resource's rows needs."""

    package: Package
    resource: Resource
    cells: Cells
    schema: dict[str, Any]
    memory: Memory = field(default_factory=Memory)
    lookups: dict[int, set[tuple[Any, ...]]] = field(default_factory=dict)

    @cached_property
    def readers(self) -> Readers:
        """Frictionless's cell readers, made when the first suspect row is read: valid data never loads frictionless."""
        return Readers(self.resource)


def resource_errors(package: Package, resource: Resource) -> list[Error]:
    """Frictionless's row errors for one resource, in its order, up to its limit."""
    assert isinstance(resource.cells, Cells)
    table = Table(package, resource, resource.cells, schema_of(resource))
    fks = table.schema.get("foreignKeys", [])
    frames = {f"fk{i}": lookup_frame(package, resource, fk) for i, fk in enumerate(fks)}
    errors: list[Error] = []
    for index in candidate_rows(table.cells, table.schema, frames):
        errors += row_errors(table, index)
        if len(errors) >= LIMIT_ERRORS:
            return errors[:LIMIT_ERRORS]
    return errors


def row_errors(table: Table, index: int) -> list[Error]:
    """One record's errors, as frictionless's row stream and checks give them."""
    number, names = index + 2, table.readers.names
    sources = record(table.cells, index, len(names))
    everything = all_cells(table.cells, index)
    values: dict[str, Any] = {}
    errors = cell_errors(table, sources, everything, number, values)
    errors += key_errors(table, values, number)
    text = ",".join(str(values[n]) for n in names)
    match = table.memory.recall("row", text, number)
    if match:
        errors.append(Error("duplicate-row", "Duplicate Row", number, f'the same as row at position "{match}"'))
    return errors


def cell_order(table: Table) -> list[int]:
    """The order frictionless reads a row's cells in: unique fields, key fields, then the rest."""
    names = table.readers.names
    first = [n for f in table.cells.fields if (f.get("constraints") or {}).get("unique") for n in [f["name"]]]
    first += key_list(table.schema.get("primaryKey"))
    first += [n for fk in table.schema.get("foreignKeys", []) for n in key_list(fk["fields"])]
    order = list(dict.fromkeys([*first, *names]))
    return [names.index(n) for n in order]


def cell_errors(table: Table, sources: list[str | None], everything: list[str], number: int,
                values: dict[str, Any]) -> list[Error]:
    """Type, constraint, extra and missing cell errors, or one blank-row error."""
    names, errors, blank = table.readers.names, [], 0
    for i in cell_order(table):
        value, notes = table.readers.readers[i](sources[i])
        values[names[i]] = value
        type_note = (notes or {}).pop("type", None)
        blank += value is None and not type_note
        cell = str(sources[i])
        if type_note:
            errors.append(Error("type-error", "Type Error", number, type_note, names[i], i + 1, cell))
        errors += [Error("constraint-error", "Constraint Error", number, note, names[i], i + 1, cell)
                   for note in (notes or {}).values()]
    width = len(names)
    errors += [Error("extra-cell", "Extra Cell", number, "", "", k, str(cell))
               for k, cell in enumerate(everything[width:], start=width + 1)]
    errors += [Error("missing-cell", "Missing Cell", number, "", names[k], k + 1, "")
               for k in range(len(everything), width)]
    if blank == width:
        return [Error("blank-row", "Blank Row", number, "")]
    return errors


def key_errors(table: Table, values: dict[str, Any], number: int) -> list[Error]:
    """Unique, primary key and foreign key errors of one row."""
    errors = []
    for f in table.cells.fields:
        name = f["name"]
        if (f.get("constraints") or {}).get("unique") and values[name] is not None:
            match = table.memory.recall(("unique", name), values[name], number)
            if match:
                errors.append(Error("unique-error", "Unique Error", number, f"the same as in the row at position "
                                    f"{match}", name, table.readers.names.index(name) + 1, str(values[name])))
    pk = key_list(table.schema.get("primaryKey"))
    if pk:
        cells = tuple(values[n] for n in pk)
        if set(cells) == {None}:
            errors.append(Error("primary-key", "PrimaryKey Error", number,
                                'cells composing the primary keys are all "None"'))
        else:
            match = table.memory.recall("pk", cells, number)
            if match:
                errors.append(Error("primary-key", "PrimaryKey Error", number,
                                    f"the same as in the row at position {match}"))
    for k, fk in enumerate(table.schema.get("foreignKeys", [])):
        errors += foreign_key_error(table, k, fk, values, number)
    return errors


def foreign_key_error(table: Table, k: int, fk: dict[str, Any], values: dict[str, Any], number: int) -> list[Error]:
    """A foreign key error when the row's key is not in the referenced resource."""
    mine, theirs = key_list(fk["fields"]), key_list(fk["reference"].get("fields"))
    cells = tuple(values[n] for n in mine)
    if set(cells) == {None}:
        return []
    source = fk["reference"].get("resource") or table.resource.name
    if cells in lookup(table, k, source, theirs):
        return []
    note = (f'for "{", ".join(mine)}": values "{", ".join(str(d) for d in cells)}" not found in the lookup table '
            f'"{source}" as "{", ".join(theirs)}"')
    return [Error("foreign-key", "ForeignKey Error", number, note, field_names=mine,
                  field_cells=[str(v) if v is not None else "" for v in cells])]


def lookup(table: Table, k: int, source: str, theirs: list[str]) -> set[tuple[Any, ...]]:
    """Frictionless's lookup: the referenced resource's typed key values (made once, when first needed)."""
    if k not in table.lookups:
        target = table.package.resources.get(source, table.resource)
        assert isinstance(target.cells, Cells)
        readers = Readers(target)
        positions = [readers.names.index(n) for n in theirs]
        found = set()
        for index in range(target.cells.frame.height):
            values = readers.values(target.cells, index)
            cells = tuple(values[p] for p in positions)
            if set(cells) != {None}:
                found.add(cells)
        table.lookups[k] = found
    return table.lookups[k]
