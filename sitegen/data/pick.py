"""Rows picked out of a typed table by column expressions, and problems located at a row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sitegen.errors import Problem, problem

if TYPE_CHECKING:
    import polars as pl

    from sitegen.data.rows import Packages, Resource


FIGURE_PACKAGES_RESOURCE = "figures"


Picker = Callable[[Any], list[int]]  # a resource's Cells -> indexes of the rows a rule must read


def at(resource: Resource, index: int, code: str, message: str, field: str, value: Any) -> Problem:
    """A problem located at a row of a resource."""
    return problem(code, message, resource.shown, resource.line(index), field, value)


def rows_where(table: Resource, picker: Picker, alone: str = "") -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, row) of the rows a rule must read: those column expressions pick out (sitegen.data.columns), else all.

    The pickers take in every row that could break the rule (and maybe more); the rule then reads those rows
    exactly as it reads any row, so a million valid rows are never made into dicts. alone: the rule's name, for a
    picker that reads nothing but the table: its rows are picked once for the table's bytes (Cells.picked).
    """
    if table.cells is None:  # rows read row by row (the reference engine): every row
        yield from enumerate(table.rows)
        return
    kept = table.cells.picked if alone else None
    indexes = kept.get(alone) if kept is not None else None
    if indexes is None:
        indexes = picker(table.cells)
        if kept is not None:  # the rule's rows for what else it read last (other codes, say) are of no more use
            rule = alone.partition(" ")[0]
            for old in [key for key in kept if key.partition(" ")[0] == rule]:
                del kept[old]
            kept[alone] = indexes
    yield from zip(indexes, table.rows_at(indexes), strict=True)


def col(cells: Any, name: str) -> Any:
    """A typed column by field name, or nulls where the table has no such field."""
    import polars as pl

    return cells.expr(name) if name in cells.names else pl.lit(None)


def test(cells: Any, name: str, fn: Callable[[Any], Any]) -> Any:
    """fn, a test of a typed column by field name (of nulls where the table has no such field), judged once a value
    where the text is held as an Enum (Cells.where): a rule's pass over 500,000 rows becomes one over its values."""
    import polars as pl

    return cells.where(name, fn) if name in cells.names else fn(pl.lit(None))


def outside(expr: Any, values: set[Any]) -> Any:
    """Non-blank cells whose text is not among values."""
    import polars as pl

    return expr.is_not_null() & ~expr.cast(pl.String).is_in(sorted(str(v) for v in values if v is not None))


def combos(names: tuple[str, ...], bad: Callable[..., bool]) -> Picker:
    """A picker for rules of a few columns: each distinct combination is judged once, in Python."""
    def pick(cells: Any) -> list[int]:
        import polars as pl

        if not set(names) <= set(cells.names):
            return list(range(cells.data.height))
        typed = cells.data.select([cells.expr(n).alias(n) for n in names]).with_row_index("_i")
        wrong = [c for c in typed.select(list(names)).unique().iter_rows() if bad(*c)]
        if not wrong:
            return []
        frame = pl.DataFrame(wrong, schema=typed.select(list(names)).schema, orient="row")
        return sorted(typed.join(frame, on=list(names), how="semi", nulls_equal=True)["_i"].to_list())
    return pick


def figure_tables(packages: Packages) -> Iterator[tuple[str, Resource]]:
    """(package name, figures resource) for every package that has figures."""
    for name, package in sorted(packages.packages.items()):
        if FIGURE_PACKAGES_RESOURCE in package.resources:
            yield name, package.resources[FIGURE_PACKAGES_RESOURCE]


def codes(packages: Packages, *resources: str) -> set[str] | None:
    """Codes in reference resources; None when there is no reference package to check against."""
    if "reference" not in packages.packages:
        return None
    return {row["code"] for name in resources for row in packages.rows("reference", name)}


def twins(frame: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    """Indexes of the records whose value of expr hashes as another record's does: every record whose value
    repeats, and perhaps a few more (a collision), which the exact check then passes. Sorting the hashes finds
    that none repeats, the usual case, in a third of the time is_duplicated takes to build its table."""
    import polars as pl

    hashes = frame.select(expr.hash().alias("h"))["h"]
    ordered = hashes.sort()
    repeated = ordered.filter(ordered == ordered.shift(1))
    return hashes.is_in(repeated.implode()).arg_true() if repeated.len() else pl.Series([], dtype=pl.UInt32)
