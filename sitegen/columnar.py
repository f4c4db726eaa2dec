"""A CSV's records read once into a polars frame: typed rows on demand, and cells picked out by expressions.

polars (embedded, no server, no network) checks a column of a million cells in milliseconds; the few cells an
expression picks out are then read by the same Python code as ever (readers.read_cell), so values and messages
never differ from the row-by-row reader's.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from sitegen.errors import Problem, problem
from sitegen.readers import FALSE, TRUE, cell_code, read_cell

FIELD_LIMIT = 131_072  # Python's csv refuses a longer cell: such a file is read by csv, to refuse it the same way
INTEGER = r"^-?[0-9]{1,30}$"
NUMBER = r"^-?[0-9]{1,30}(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,3})?$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x{9f}\x{2028}\x{2029}]"


class Cells:
    """The records of one CSV after its header: string columns c0…, `line`, `width` and `extra` cells."""

    def __init__(self, frame: pl.DataFrame, fields: list[dict[str, Any]]) -> None:
        self.frame = frame
        self.fields = fields
        self.names = [str(f.get("name")) for f in fields]
        self.types = [str(f.get("type", "string")) for f in fields]
        self.mask = data_mask(frame, len(self.names))
        self.data = frame.filter(self.mask)
        self._typed: pl.DataFrame | None = None

    def column(self, index: int) -> str:
        """The frame's name for the index-th field."""
        return f"c{index}"

    @property
    def typed(self) -> pl.DataFrame:
        """Data rows with a column per field name, typed as read_cell types them (floats for numbers)."""
        if self._typed is None:
            exprs = {name: typed_expr(pl.col(f"c{i}"), self.types[i]) for i, name in enumerate(self.names)}
            self._typed = self.data.select([e.alias(n) for n, e in exprs.items()])
        return self._typed

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

    def rows(self, indexes: list[int] | None = None) -> list[dict[str, Any]]:
        """Typed rows (all, or those at indexes), read cell by cell exactly as readers.typed_rows reads them."""
        data = self.data if indexes is None else self.data[indexes]
        columns = [data[f"c{i}"].to_list() for i in range(len(self.names))]
        pairs = list(zip(self.names, self.types, strict=True))
        return [{name: read_cell(text or "", type_)[0] for (name, type_), text in zip(pairs, cells, strict=True)}
                for cells in zip(*columns, strict=True)] if columns else [{} for _ in range(data.height)]

    def pick(self, expr: pl.Expr) -> list[int]:
        """Indexes of the data rows where a boolean expression over `typed` is true."""
        found = self.typed.with_row_index("_i").filter(expr.fill_null(False))
        return found["_i"].to_list()

    def cell_problems(self, shown: str) -> list[Problem]:
        """readers.typed_rows's problems: cells picked by expressions, then read by read_cell."""
        found: list[tuple[int, int]] = []
        for i, type_ in enumerate(self.types):
            cell = pl.col(f"c{i}").fill_null("")
            bad = cell.str.contains(CONTROL) if type_ in ("string", "any") else (
                (cell != "") & typed_expr(pl.col(f"c{i}"), type_).is_null())
            found += [(row, i) for row in self.data.with_row_index("_i").filter(bad)["_i"].to_list()]
        out = []
        for row, i in sorted(found):
            text, line = str(self.data[f"c{i}"][row] or ""), int(self.data["line"][row])
            _, why = read_cell(text, self.types[i])
            if why:
                out.append(problem(cell_code(text, self.types[i]), f"{why} (field type {self.types[i]})", shown,
                                   line, self.names[i], text))
        return out


def typed_expr(col: pl.Expr, type_: str) -> pl.Expr:
    """A string column as read_cell reads it: null for a blank or unreadable cell."""
    text = col.fill_null("")
    blank = text == ""
    if type_ == "integer":
        return pl.when(text.str.contains(INTEGER)).then(text.cast(pl.Float64, strict=False))
    if type_ == "number":
        value = pl.when(text.str.contains(NUMBER)).then(text.cast(pl.Float64, strict=False))
        return pl.when(value.is_infinite()).then(None).otherwise(value)
    if type_ == "boolean":
        return pl.when(text.is_in(sorted(TRUE))).then(True).when(text.is_in(sorted(FALSE))).then(False)
    if type_ == "date":
        return pl.when(text.str.contains(DATE)).then(text.str.to_date("%Y-%m-%d", strict=False))
    return pl.when(blank | text.str.contains(CONTROL)).then(None).otherwise(text)


def data_mask(frame: pl.DataFrame, width: int) -> pl.Series:
    """Records holding at least one non-blank cell (readers skip the others as blank rows)."""
    filled = [pl.col(f"c{i}").fill_null("") != "" for i in range(width)]
    extra = pl.col("extra").list.eval(pl.element() != "").list.any().fill_null(False)
    return frame.select(pl.any_horizontal([*filled, extra]).alias("m"))["m"]


def frame_of(raw: bytes, width: int) -> tuple[list[str], pl.DataFrame] | None:
    """Header and records of a CSV with no quotes, carriage returns or NULs (one record a line), else None."""
    if b'"' in raw or b"\r" in raw or b"\x00" in raw:
        return None
    separator = next((chr(b) for b in range(1, 32) if b not in (10, 13) and bytes([b]) not in raw), None)
    if separator is None:
        return None
    lines = pl.read_csv(raw, has_header=False, separator=separator, quote_char=None, schema={"l": pl.String},
                        raise_if_empty=False)["l"]
    expected = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    longest = lines.str.len_bytes().max()
    if lines.len() != expected or int(longest or 0) > FIELD_LIMIT:  # type: ignore[arg-type]
        return None
    header = (lines[0] or "").split(",") if lines[0] is not None else []
    parts = lines.slice(1).str.split(",")
    frame = pl.DataFrame({"line": pl.int_range(2, lines.len() + 1, eager=True)}).with_columns(
        width=parts.list.len().fill_null(0),
        **{f"c{i}": parts.list.get(i, null_on_oob=True) for i in range(width)},
        extra=parts.list.slice(width).fill_null([]),
    )
    return header, frame


def frame_from_records(records: list[list[str]], lines: list[int], width: int) -> pl.DataFrame:
    """The same frame from records csv has read (quoted cells, odd line ends)."""
    body = records[1:]
    columns: dict[str, Any] = {"line": pl.Series(lines[1:], dtype=pl.Int64),
                               "width": pl.Series([len(r) for r in body], dtype=pl.Int64)}
    for i in range(width):
        columns[f"c{i}"] = pl.Series([r[i] if i < len(r) else None for r in body], dtype=pl.String)
    columns["extra"] = pl.Series([r[width:] for r in body], dtype=pl.List(pl.String))
    return pl.DataFrame(columns)


