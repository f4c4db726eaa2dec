"""Warnings: things in the data worth a second look that do not make it invalid (a value changing tenfold)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from sitegen.data.pick import figure_tables
from sitegen.data.report import first_of_each_file
from sitegen.errors import PROBLEM_TYPES, Problem

if TYPE_CHECKING:
    from sitegen.data.columns import Cells
    from sitegen.data.rows import Packages, Resource

Rule = Callable[["Packages"], Iterator["Problem"]]
# Months (and shorter periods) are not compared: a monthly count of a few days swings tenfold as a matter of
# course (0 days, then 12); an importer of monthly figures reviews them against the series' median instead.
MONTH_DAYS = 31


def check_jumps(packages: Packages) -> Iterator[Problem]:
    """A warning where a value changes more than tenfold between consecutive periods of one measure and area."""
    for _, table in figure_tables(packages):
        yield from jump_warnings(table, jumps(table))


def jumps(table: Resource) -> list[tuple[int, int]]:
    """(before, after) rows of each tenfold change in a figures table, by the line of the row after."""
    cells = cast("Cells | None", table.cells)  # held as columns, or read row by row (None)
    if cells is not None and {"value", "period_start", "period_end"} <= set(cells.names):
        pairs = jump_pairs(cells)
        wanted = sorted({i for p in pairs for i in p})
        # the values alone (the periods were compared exactly in columns): there may be tens of thousands
        values = dict(zip(wanted, (row["value"] for row in cells.rows(wanted, ("value",))), strict=True))
        return sorted(((b, a) for b, a in pairs if tenfold(values[b], values[a])), key=lambda pair: pair[1])
    series: dict[tuple[Any, ...], list[int]] = {}
    for i, row in enumerate(table.rows):
        if isinstance(row.get("value"), int | float) and row.get("period_start") and row.get("period_end"):
            key = (row.get("measure"), row.get("area_code"), row.get("counterparty_code"))
            series.setdefault(key, []).append(i)
    found = []
    for indexes in series.values():
        ordered = sorted(indexes, key=lambda i: table.rows[i]["period_start"])
        found += [(b, a) for b, a in zip(ordered, ordered[1:], strict=False) if jumped(table.rows[b], table.rows[a])]
    return sorted(found, key=lambda pair: pair[1])


def jump_warnings(table: Resource, pairs: list[tuple[int, int]]) -> list[Problem]:
    """The warnings of some of a table's tenfold changes (jumps)."""
    wanted = sorted({i for p in pairs for i in p})
    if table.cells is None:
        return [jump_warning(table, table.rows[b], table.rows[a], table.line(a)) for b, a in pairs]
    cells = cast("Cells", table.cells)
    rows = dict(zip(wanted, cells.rows(wanted, ("value", "period_label")), strict=True))  # in one go, as the lines
    lines = dict(zip(wanted, cells.data["line"].gather(wanted).to_list(), strict=True))
    return [jump_warning(table, rows[b], rows[a], lines[a]) for b, a in pairs]


def jump_pairs(cells: Any) -> list[tuple[int, int]]:
    """(before, after) rows of one series, consecutive in period order, alike and following on without a gap (as
    jumped judges them), whose values may differ more than tenfold."""
    import polars as pl

    # the series' fields as numbers where their text is held as an Enum: sorting 500,000 rows by text costs 0.1 s
    key = [(cells.code(k) if k in cells.names else pl.lit(None)).alias(k)
           for k in ("measure", "area_code", "counterparty_code")]
    frame = cells.data.with_row_index("_i").select(
        "_i", *key, value=cells.expr("value").cast(pl.Float64), start=cells.expr("period_start"),
        end=cells.expr("period_end"),
    ).filter(pl.col("value").is_not_null() & pl.col("start").is_not_null() & pl.col("end").is_not_null())
    series = ["measure", "area_code", "counterparty_code"]
    # the row before in sort order, where it is of the same series (shifting once beats a window per series)
    same = pl.all_horizontal([pl.col(c).eq_missing(pl.col(c).shift(1)) for c in series])
    # only rows of one series next to each other matter, not where blank keys sort: nulls_last doubles the cost
    frame = frame.sort(sort_key(frame, series), maintain_order=True).with_columns(
        **{f"b_{c}": pl.when(same).then(pl.col(c).shift(1)) for c in ("_i", "value", "start", "end")})
    low = pl.min_horizontal(pl.col("value").abs(), pl.col("b_value").abs())
    high = pl.max_horizontal(pl.col("value").abs(), pl.col("b_value").abs())
    gap = (pl.col("start") - pl.col("b_end")).dt.total_days()
    longer = (pl.col("end") - pl.col("start")).dt.total_days() > MONTH_DAYS
    alike = ((pl.col("end") - pl.col("start")) - (pl.col("b_end") - pl.col("b_start"))).dt.total_days().abs() <= 3
    # the periods exactly as jumped compares them; the values within a rounding of it, for Python to judge exactly
    found = frame.filter(pl.col("b__i").is_not_null() & (gap == 1) & longer & alike
                         & (high >= 10 * low * (1 - 1e-9)))
    return list(zip(found["b__i"].to_list(), found["_i"].to_list(), strict=True))


def sort_key(frame: Any, series: list[str]) -> Any:
    """What jump_pairs sorts by: the series' numbers (Cells.code) and the start packed into one integer where they
    fit in 63 bits, which sorts in half the time of four columns; else the four columns."""
    import polars as pl

    if frame.is_empty() or any(not frame.schema[c].is_integer() for c in series):
        return [*series, "start"]
    start = pl.col("start")
    days = frame.select(first=start.min(), span=(start.max() - start.min()).dt.total_days())
    # a code c is the digit c + 1 (0 for blank), below its column's largest code + 2; a start, its days from the first
    sizes = [int(m or 0) + 2 for m in frame.select(pl.col(c).max() for c in series).row(0)] + [days["span"][0] + 1]
    if math.prod(sizes) >= 2**63:
        return [*series, "start"]
    key = pl.lit(0, pl.UInt64)
    for column, size in zip([*series, "start"], sizes, strict=True):
        value = (start - days["first"][0]).dt.total_days() if column == "start" else pl.col(column) + 1
        key = key * size + value.cast(pl.UInt64).fill_null(0)
    return key


def jumped(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether b, following a in one series, is more than ten times larger or smaller."""
    # like periods (a leap day or a short month apart) that follow on without a gap
    alike = abs(((a["period_end"] - a["period_start"]) - (b["period_end"] - b["period_start"])).days) <= 3
    longer = (b["period_end"] - b["period_start"]).days > MONTH_DAYS
    return alike and longer and (b["period_start"] - a["period_end"]).days == 1 and tenfold(a["value"], b["value"])


def tenfold(a: float, b: float) -> bool:
    """Whether one value is more than ten times the other, in size."""
    low, high = sorted((abs(a), abs(b)))
    return high > 10 * low


def jump_warning(table: Resource, a: dict[str, Any], b: dict[str, Any], line: int) -> Problem:
    """The warning that b, following a in one series, changed more than tenfold."""
    # made at once as a warning (problem() then dataclasses.replace cost twice as much: there may be 20,000)
    shown = str(b["value"])  # as problem() shows a value
    return Problem(table.shown, line, "value", "big-change", f"{b['value']} in {b.get('period_label')} after "
                   f"{a['value']} in {a.get('period_label')}: a change of more than 10 times",
                   shown if len(shown) <= 80 else shown[:77] + "...", PROBLEM_TYPES["big-change"][1], "warning")


WARNINGS: tuple[Rule, ...] = (check_jumps,)


def apply_warnings(packages: Packages) -> list[Problem]:
    """Every warning: things worth a second look that do not make the data invalid."""
    return sorted((found for rule in WARNINGS for found in rule(packages)), key=order)


def first_warnings(packages: Packages, limit: int) -> tuple[list[Problem], dict[str, int]]:
    """The first `limit` warnings of each file, in apply_warnings' order, and how many each file has in all; of
    the tenfold changes (a million rows may hold 18,000), only those listed are made into warnings."""
    found = [p for rule in WARNINGS if rule is not check_jumps for p in rule(packages)]
    totals = Counter(p.path for p in found)
    for _, table in figure_tables(packages):
        pairs = jumps(table)
        totals[table.shown] += len(pairs)
        # the first `limit` by line: whatever else the file has, a later change is past its first `limit`
        found += jump_warnings(table, pairs[:limit])
    listed, _ = first_of_each_file(sorted(found, key=order), limit)
    return listed, dict(totals)


def order(p: Problem) -> tuple[Any, ...]:
    """How warnings are listed: by the fields in the order Problem compares them, as a tuple (the dataclass's own
    __lt__ costs twice as much)."""
    return p.path, p.line, p.field, p.code, p.message, p.value, p.hint, p.severity
