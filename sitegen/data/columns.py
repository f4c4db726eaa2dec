"""A CSV's records as a polars frame (sitegen.data.split): typed rows on demand, cells picked by expressions.

polars (embedded, no server, no network) checks a column of a million cells in milliseconds; the few cells an
expression picks out are then read by the same Python code as ever (readers.read_cell), so values and messages
never differ from the row-by-row reader's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import polars as pl

from sitegen.data.cells import FALSE, TRUE, cell_code, read_cell
from sitegen.data.split import cell_map, cell_text
from sitegen.errors import Problem, problem

INTEGER = r"^-?[0-9]{1,30}$"
NUMBER = r"^-?[0-9]{1,30}(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,3})?$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x{9f}\x{2028}\x{2029}]"


class Cells:
    """The records of one CSV after its header: string columns c0…, `line`, `width` and `extra` cells."""

    def __init__(self, frame: pl.DataFrame, fields: list[dict[str, Any]], clean: bool = False) -> None:
        self.frame = frame
        self.clean = clean  # no control character anywhere in the file: no cell needs searching for one
        self.fields = fields
        self.names = [str(f.get("name")) for f in fields]
        self.types = [str(f.get("type", "string")) for f in fields]
        self.mask = data_mask(frame, len(self.names))
        self.data = frame if self.mask.all() else frame.filter(self.mask)  # no copy when no row is blank
        self.typed: dict[tuple[int, bool], pl.Series] = {}  # typed columns made so far (field_expr)
        # the rows a field's `pattern` constraint may not match, by (field, pattern), as validation found them: a
        # rule matching the same expression reads them rather than match every cell again (rule_rows.slug_rows)
        self.unmatched: dict[tuple[str, str], list[int]] = {}
        # the rows each rule that reads this table alone picked out, by the rule: the same bytes, the same rows
        # (`sitegen serve` checks every table again on each edit of one; a file left as it was keeps its Cells)
        self.picked: dict[str, list[int]] = {}
        self._schema: pl.Schema | None = None

    def __getstate__(self) -> dict[str, Any]:
        """What pickling keeps: all but the schema (the parsed-data cache's unpickler admits no polars Schema)."""
        return {**self.__dict__, "_schema": None}

    @property
    def schema(self) -> pl.Schema:
        """The frame's column types, worked out once: polars makes every Enum's list of values anew each time it is
        asked, and the checks and rules ask about 2,000 times."""
        if self._schema is None:
            self._schema = self.frame.schema
        return self._schema

    def text(self, i: int) -> pl.Expr:
        """The i-th field's cells as written (cell_text)."""
        return cell_text(self.schema, i)

    def text_map(self, i: int, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
        """fn of the i-th field's cells as written (cell_map)."""
        return cell_map(self.schema, i, fn)

    def column(self, index: int) -> str:
        """The frame's name for the index-th field."""
        return f"c{index}"

    def expr(self, name: str) -> pl.Expr:
        """A field's cells as read_cell types them (floats for numbers, null for blanks), as an expression."""
        i = len(self.names) - 1 - self.names[::-1].index(name)  # a repeated name: the last, as a row dict has it
        return self.field_expr(i)

    def expr_map(self, name: str, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
        """fn (cell by cell) of a field's typed cells: once a value where the field's text is held as an Enum."""
        i = len(self.names) - 1 - self.names[::-1].index(name)
        if self.types[i] in ("string", "any") and self.clean:
            return self.text_map(i, lambda text: fn(typed_expr(text, self.types[i], self.clean)))
        return fn(self.field_expr(i))

    def test(self, i: int, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
        """fn, a test of the i-th field's text cell by cell, over every record; where the text is held as an Enum,
        judged once a value, and no pass over the records at all when no value passes (nor is null)."""
        dtype = self.schema[f"c{i}"]
        if not isinstance(dtype, pl.Enum):
            return fn(pl.col(f"c{i}"))
        judged = pl.select(fn(pl.lit(pl.Series(f"c{i}", dtype.categories, dtype=pl.String))).alias("j"))["j"]
        cells = pl.lit(judged).gather(pl.col(f"c{i}").to_physical())
        # the values include the header's (the field's name, which a date or an enum test fails): is any passing
        # value in a record at all? A pass over small integers, where the test's pass would gather every record
        if not judged.fill_null(True).any() or not self.frame.select(cells.fill_null(True).any())[0, 0]:
            return pl.lit(False)
        return cells

    def where(self, name: str, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
        """fn, a test of a field's typed cells (expr), over the data rows; where its text is held as an Enum, judged
        once a value (test)."""
        i = len(self.names) - 1 - self.names[::-1].index(name)
        if isinstance(self.schema[f"c{i}"], pl.Enum):
            return self.test(i, lambda text: fn(typed_expr(text, self.types[i], self.clean)))
        return fn(self.field_expr(i))

    def code(self, name: str) -> pl.Expr:
        """A field's typed cells for grouping rows: where its text is held as an Enum, a number for each distinct
        typed value (null for null), equal exactly where the values are, and cheap to sort and compare; else the
        typed cells (expr)."""
        i = len(self.names) - 1 - self.names[::-1].index(name)
        dtype = self.schema[f"c{i}"]
        if not isinstance(dtype, pl.Enum):
            return self.field_expr(i)
        values = pl.lit(pl.Series(dtype.categories, dtype=pl.String))
        ranks = pl.select(typed_expr(values, self.types[i], self.clean).rank("dense")).to_series()
        return pl.lit(ranks).gather(pl.col(f"c{i}").to_physical())

    def field_expr(self, i: int, records: bool = False) -> pl.Expr:
        """The i-th field typed as read_cell types it, over the data rows (or every record, blank ones too).

        A typed column is made once: a dozen checks and rules read `value`, and parsing a million numbers or
        dates each time is most of what they cost. Text of a file without control characters is typed for
        free (blank is null), so it is not kept: a copy of every text column would double the memory.
        """
        if self.types[i] in ("string", "any") and self.clean:
            return self.text_map(i, lambda text: typed_expr(text, self.types[i], self.clean))
        key = (i, records and self.data is not self.frame)
        if key not in self.typed:
            source = self.frame if key[1] else self.data
            typed = self.text_map(i, lambda text: typed_expr(text, self.types[i], self.clean))
            self.typed[key] = source.select(typed.alias(f"t{i}"))[f"t{i}"]
        return pl.lit(self.typed[key])

    def lines(self) -> list[int]:
        """File line of each data row."""
        return self.data["line"].to_list()

    def record_lines(self) -> list[int]:
        """File line of every record, the header's first."""
        return [1, *self.frame["line"].to_list()]

    def record_line(self, row_number: int) -> int:
        """File line of frictionless's row number (the header is row 1), 0 when there is no such row."""
        if row_number == 1:
            return 1
        return int(self.frame["line"][row_number - 2]) if 1 < row_number <= self.frame.height + 1 else 0

    def line(self, index: int) -> int:
        """File line of one data row."""
        return int(self.data["line"][index])

    def rows(self, indexes: list[int] | None = None, only: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Typed rows (all, or those at indexes), each cell as readers.typed_rows reads it; with `only`, just those
        of its fields the table has (a rule that reads four fields of 36,000 rows)."""
        keep = range(len(self.names)) if only is None else [i for i in range(len(self.names)) if self.names[i] in only]
        if indexes is not None and not indexes:  # a rule that picked no row: no query a field
            return []
        if not keep:
            return [{} for _ in range(self.data.height if indexes is None else len(indexes))]
        names = [self.names[i] for i in keep]
        return [dict(zip(names, cells, strict=True))
                for cells in zip(*(self.values(i, indexes) for i in keep), strict=True)]

    def values(self, i: int, indexes: list[int] | None = None) -> list[Any]:
        """The i-th field's typed values (all, or those at indexes), as read_cell reads each cell."""
        type_ = self.types[i]
        if type_ in ("date", "boolean") or (type_ in ("string", "any") and self.clean):
            # typed as read_cell types them, by the typed column every check reads (no Python call a cell)
            if indexes is None:
                return self.data.select(self.field_expr(i).alias("v"))["v"].to_list()
            # the picked cells alone: typing a whole column for a few rows costs a rule more than its check
            picked = self.data.select(pl.col(f"c{i}").gather(indexes))
            typed = cell_map(picked.schema, i, lambda text: typed_expr(text, type_, self.clean)).alias("v")
            return picked.select(typed)["v"].to_list()
        texts = self.data[f"c{i}"] if indexes is None else self.data[f"c{i}"].gather(indexes)
        texts = texts.cast(pl.String)
        return [read_cell(text or "", type_)[0] for text in texts.to_list()]  # ints stay ints, as in the file

    def pick(self, expr: pl.Expr) -> list[int]:
        """Indexes of the data rows where a boolean expression (over self.expr columns) is true."""
        return self.data.select(expr.fill_null(False).alias("_m"))["_m"].arg_true().to_list()

    def cell_problems(self, shown: str) -> list[Problem]:
        """readers.typed_rows's problems: cells picked by expressions, then read by read_cell."""
        found: list[tuple[int, int]] = []
        for i, type_ in enumerate(self.types):
            if self.clean and type_ in ("string", "any"):
                continue
            if isinstance(self.schema[f"c{i}"], pl.Enum):  # judged once a value, with no pass if none is bad
                bad = self.test(i, partial(unreadable, type_, self.clean))
            else:  # no fill_null(""): a copy of the column, where a boolean will do
                bad = self.text(i).str.contains(CONTROL).fill_null(False) if type_ in ("string", "any") else (
                    (self.text(i) != "").fill_null(False) & self.field_expr(i).is_null())
            found += [(row, i) for row in self.pick(bad)]
        out = []
        for row, i in sorted(found):
            written, line = str(self.data[f"c{i}"][row] or ""), int(self.data["line"][row])
            _, why = read_cell(written, self.types[i])
            if why:
                out.append(problem(cell_code(written, self.types[i]), f"{why} (field type {self.types[i]})", shown,
                                   line, self.names[i], written))
        return out


def unreadable(type_: str, clean: bool, text: pl.Expr) -> pl.Expr:
    """Cells read_cell may fault, by their text: a control character in text, else what cannot be typed."""
    if type_ in ("string", "any"):
        return text.str.contains(CONTROL)
    return (text != "") & typed_expr(text, type_, clean).is_null()


def dtype_of(type_: str) -> Any:
    """The polars type typed_expr gives a field type."""
    return {"integer": pl.Float64, "number": pl.Float64, "boolean": pl.Boolean, "date": pl.Date}.get(type_, pl.String)


def has_control(unusual: bytes) -> bool:
    """Whether a file holds a control character (C0 but tab and newline, C1, U+2028, U+2029) anywhere, from its
    unusual bytes (split.unusual_bytes: controls and non-ASCII bytes)."""
    return CONTROL_BYTES.search(unusual) is not None  # a non-ASCII character's bytes stay together in unusual


CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")


def typed_expr(col: pl.Expr, type_: str, clean: bool = False) -> pl.Expr:
    """A string column as read_cell reads it: null for a blank or unreadable cell (a missing cell is null)."""
    text = col
    if type_ == "integer":
        return pl.when(text.str.contains(INTEGER)).then(text.cast(pl.Float64, strict=False))
    if type_ == "number":
        value = pl.when(text.str.contains(NUMBER)).then(text.cast(pl.Float64, strict=False))
        return pl.when(value.is_infinite()).then(None).otherwise(value)
    if type_ == "boolean":
        return pl.when(text.is_in(sorted(TRUE))).then(True).when(text.is_in(sorted(FALSE))).then(False)
    if type_ == "date":
        return pl.when(text.str.contains(DATE)).then(text.str.to_date("%Y-%m-%d", strict=False))
    return pl.when(text != "" if clean else (text != "") & ~text.str.contains(CONTROL)).then(text)


def data_mask(frame: pl.DataFrame, width: int) -> pl.Series:
    """Records holding at least one non-blank cell (readers skip the others as blank rows)."""
    schema = frame.schema
    # an Enum column has a cell in every record (split.enums) and, without a blank among its values, fills them all
    dtypes = [schema[f"c{i}"] for i in range(width)]
    if any(isinstance(dtype, pl.Enum) and "" not in dtype.categories for dtype in dtypes):
        return pl.Series("m", [True], dtype=pl.Boolean).new_from_index(0, frame.height)
    filled = [cell_map(schema, i, lambda text: text != "").fill_null(False) for i in range(width)]
    extra = pl.col("extra").list.eval(pl.element() != "").list.any().fill_null(False)
    return frame.select(pl.any_horizontal([*filled, extra]).alias("m"))["m"]
