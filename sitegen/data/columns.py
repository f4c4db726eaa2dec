"""A CSV's records read once into a polars frame: typed rows on demand, and cells picked out by expressions.

polars (embedded, no server, no network) checks a column of a million cells in milliseconds; the few cells an
expression picks out are then read by the same Python code as ever (readers.read_cell), so values and messages
never differ from the row-by-row reader's.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from typing import Any

import polars as pl

from sitegen.data.cells import FALSE, TRUE, cell_code, read_cell
from sitegen.errors import Problem, problem

FIELD_LIMIT = 131_072  # Python's csv refuses a longer cell: such a file is read by csv, to refuse it the same way
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
        self.schema = frame.schema

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
            column = self.data.select(self.field_expr(i).alias("v"))["v"]
            return (column if indexes is None else column.gather(indexes)).to_list()
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
            cell = self.text(i)  # no fill_null(""): a copy of the column, where a boolean will do
            bad = cell.str.contains(CONTROL).fill_null(False) if type_ in ("string", "any") else (
                (cell != "").fill_null(False) & self.field_expr(i).is_null())
            found += [(row, i) for row in self.data.with_row_index("_i").filter(bad)["_i"].to_list()]
        out = []
        for row, i in sorted(found):
            written, line = str(self.data[f"c{i}"][row] or ""), int(self.data["line"][row])
            _, why = read_cell(written, self.types[i])
            if why:
                out.append(problem(cell_code(written, self.types[i]), f"{why} (field type {self.types[i]})", shown,
                                   line, self.names[i], written))
        return out


def cell_text(schema: pl.Schema, i: int) -> pl.Expr:
    """The i-th field's cells as text, whether held as text or as an Enum of few values (kinds)."""
    return cell_map(schema, i, lambda text: text)


def cell_map(schema: pl.Schema, i: int, fn: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """fn (cell by cell) of the i-th field's text: for an Enum, worked out once a value and spread to its cells."""
    dtype = schema[f"c{i}"]
    if isinstance(dtype, pl.Enum):
        values = pl.lit(pl.Series(f"c{i}", dtype.categories, dtype=pl.String))
        return fn(values).gather(pl.col(f"c{i}").to_physical()).alias(f"c{i}")
    return fn(pl.col(f"c{i}"))


def dtype_of(type_: str) -> Any:
    """The polars type typed_expr gives a field type."""
    return {"integer": pl.Float64, "number": pl.Float64, "boolean": pl.Boolean, "date": pl.Date}.get(type_, pl.String)


def has_control(raw: bytes) -> bool:
    """Whether a file holds a control character (C0 but tab and newline, C1, U+2028, U+2029) anywhere."""
    rest = raw.translate(None, bytes(range(32, 127)) + b"\t\n")  # what is left is controls and non-ASCII bytes
    return CONTROL_BYTES.search(rest) is not None  # a non-ASCII character's bytes stay together in rest


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
    filled = [cell_map(frame.schema, i, lambda text: text != "").fill_null(False) for i in range(width)]
    extra = pl.col("extra").list.eval(pl.element() != "").list.any().fill_null(False)
    return frame.select(pl.any_horizontal([*filled, extra]).alias("m"))["m"]


Quoted = dict[int, tuple[list[str], int]]  # line index -> csv's record starting there, and its number of lines


def frame_of(raw: bytes, width: int) -> tuple[list[str], pl.DataFrame] | None:
    """Header and records of a CSV, split by polars; None for a file Python's csv must read (CR, NUL, errors).

    A line without a quote is a record of comma-separated cells; from a line holding a quote, Python's csv reads
    the one record starting there (over several lines when a quoted cell holds newlines), so the records and
    the line each starts on are csv's.
    """
    simple = simple_frame(raw, width)
    if simple is not None:
        return header_and_records(simple, width)
    facts = line_facts(raw, width)
    if facts is None:
        return None
    count, quoted, extras = facts
    if quoted and all(n == 1 for _, n in quoted.values()):  # polars's own quoting may then agree with csv's
        frame = cells_of(raw, width, count, extras, '"')
        csv_records = [padded(record, width) for record, _ in quoted.values()]
        if frame is not None and records_at(frame, list(quoted), width) == csv_records:
            return header_and_records(frame, width)
    frame = cells_of(raw, width, count, extras)
    return None if frame is None else header_and_records(patch(frame, quoted, width), width)


def simple_frame(raw: bytes, width: int) -> pl.DataFrame | None:
    """frame_of's frame for the usual file: every line one record of exactly `width` cells, each line holding a
    quote split as Python's csv splits it; None for any other file (frame_of then looks at it line by line).

    The usual file needs only each line's count of commas besides polars's read, which costs half the time and
    far less memory than keeping every line's text.
    """
    separator = next((chr(b) for b in range(1, 32) if b not in (10, 13) and bytes([b]) not in raw), None)
    quoted = None if b"\r" in raw or b"\x00" in raw or separator is None or width == 0 else quoted_lines(raw)
    if separator is None or quoted is None or any(len(record) != width for record in quoted.values()):
        return None
    try:
        lines = pl.read_csv(raw, has_header=False, separator=separator, quote_char=None, schema={"l": pl.String},
                            raise_if_empty=False)["l"]
        count = lines.len()  # one record a line: polars must see as many
        odd = (lines.str.count_matches(",", literal=True) != width - 1).fill_null(True).arg_true().to_list()
        if count != raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1) or not set(odd) <= set(quoted):
            return None
        del lines  # before the cells are read: the two at once would double the peak
        frame = pl.read_csv(raw, has_header=False, quote_char='"', infer_schema=False, empty_string_is_null=False,
                            raise_if_empty=False, schema=kinds(raw, width))
    except pl.exceptions.PolarsError:
        return None
    frame = enums(frame)
    cells = [pl.col(f"c{i}") for i in range(width)]
    lengths = [cell_map(frame.schema, i, lambda text: text.str.len_bytes()).max() for i in range(width)]
    longest = frame.select(pl.max_horizontal(lengths))[0, 0]
    if frame.height != count or int(longest or 0) > FIELD_LIMIT:
        return None
    if records_at(frame, list(quoted), width) != [padded(record, width) for record in quoted.values()]:
        return None
    empty = pl.Series("extra", [[]], dtype=pl.List(pl.String)).new_from_index(0, frame.height)
    return frame.select(pl.int_range(1, frame.height + 1).alias("line"), pl.lit(width, pl.UInt32).alias("width"),
                        *cells, empty)


SAMPLE = 2000  # records looked at to tell a column of few values (codes, units, periods, blanks) from ids
FEW = SAMPLE // 4


def kinds(raw: bytes, width: int) -> dict[str, Any]:
    """The polars type each column is read as: categories where a long file's first records hold few values.

    A text cell costs 16 bytes as a string and 4 as a category: a figures table of 500,000 rows and 24 columns
    takes about 160 MB as strings and 20 MB as categories. Every reader sees text (cell_text), whichever it is.
    """
    schema: dict[str, Any] = {f"c{i}": pl.String for i in range(width)}
    try:
        sample = pl.read_csv(raw, has_header=False, quote_char='"', infer_schema=False, empty_string_is_null=False,
                             raise_if_empty=False, schema=schema, n_rows=SAMPLE + 1)
    except pl.exceptions.PolarsError:
        return schema
    if sample.height <= SAMPLE:  # a short file: its strings cost little
        return schema
    counts = sample.select(pl.all().n_unique()).row(0, named=True)
    return {name: pl.Categorical if counts[name] <= FEW else pl.String for name in schema}


def enums(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame read with categories, each such column an Enum of its own values (whose cells cell_map reads)."""
    # polars reads a blank cell as null into categories; every line here has all its cells, so null is blank
    frame = frame.with_columns(pl.col(pl.Categorical).fill_null(pl.lit("", pl.Categorical)))
    kept = [c for c, dtype in frame.schema.items() if dtype == pl.Categorical]
    return frame.with_columns(pl.col(c).cast(pl.Enum(frame[c].unique().cast(pl.String).sort())) for c in kept)


def quoted_lines(raw: bytes) -> dict[int, list[str]] | None:
    """Python csv's record of each line holding a quote, by line index; None where a line is not a record of
    `width` cells on its own (a quoted newline, a csv error)."""
    found: dict[int, list[str]] = {}
    index, start, at = 0, 0, raw.find(b'"')
    while at >= 0:
        begin = raw.rfind(b"\n", 0, at) + 1
        end = raw.find(b"\n", at)
        end = len(raw) if end < 0 else end
        index += raw.count(b"\n", start, begin)
        reader = csv.reader([raw[begin:end].decode("utf-8") + "\n"])
        try:
            found[index] = next(reader)
        except (csv.Error, StopIteration):
            return None
        if any("\n" in cell for cell in found[index]):  # a quote left open: the record goes on past this line
            return None
        start, at = begin, raw.find(b'"', end)
    return found


def line_facts(raw: bytes, width: int) -> tuple[pl.Series, Quoted, dict[int, list[str]]] | None:
    """Per line: how many cells, csv's record where the line holds a quote, and cells past `width`."""
    separator = next((chr(b) for b in range(1, 32) if b not in (10, 13) and bytes([b]) not in raw), None)
    if b"\r" in raw or b"\x00" in raw or separator is None or width == 0:
        return None
    try:
        lines = pl.read_csv(raw, has_header=False, separator=separator, quote_char=None, schema={"l": pl.String},
                            raise_if_empty=False)["l"]
    except pl.exceptions.PolarsError:
        return None
    expected = raw.count(b"\n") + (0 if raw.endswith(b"\n") else 1)
    longest = lines.str.len_bytes().max()
    quoted = quoted_records(lines, lines.str.contains('"', literal=True).fill_null(False).arg_true().to_list())
    if lines.len() != expected or int(longest or 0) > FIELD_LIMIT or quoted is None:  # type: ignore[arg-type]
        return None
    count = (lines.str.count_matches(",", literal=True) + 1).fill_null(0).cast(pl.UInt32)
    ragged = (count > width).arg_true().to_list()
    extras = dict(zip(ragged, lines.gather(ragged).str.split(",").list.slice(width).to_list(), strict=True))
    extras |= {k: record[width:] for k, (record, _) in quoted.items()}
    if quoted:
        count = count.scatter(list(quoted), [len(r) for r, _ in quoted.values()])
    return count, quoted, {k: v for k, v in extras.items() if v}


def records_at(frame: pl.DataFrame, indexes: list[int], width: int) -> list[list[str | None]]:
    """The schema cells of some records of a frame (gathered at once: a file may quote thousands of lines)."""
    return [list(row) for row in frame.select([f"c{i}" for i in range(width)])[indexes].rows()]


def padded(record: list[str], width: int) -> list[str | None]:
    """A csv record's first `width` cells, None past its end."""
    return [record[i] if i < len(record) else None for i in range(width)]


def header_and_records(frame: pl.DataFrame, width: int) -> tuple[list[str], pl.DataFrame]:
    """The header record's cells, and the records after it."""
    first: dict[str, Any] = {"width": 0, "extra": []}
    if frame.height and frame["line"][0] == 1:
        first = frame.row(0, named=True)
    header = [str(first[f"c{i}"]) for i in range(min(int(first["width"]), width))] + list(first["extra"] or [])
    return header, frame.slice(1) if frame.height and frame["line"][0] == 1 else frame


def cells_of(raw: bytes, width: int, count: pl.Series, extras: dict[int, list[str]],
             quote: str | None = None) -> pl.DataFrame | None:
    """Every line split at commas by polars's reader: `width` cells (null past a short line's end)."""
    try:
        frame = pl.read_csv(raw, has_header=False, quote_char=quote, infer_schema=False, truncate_ragged_lines=True,
                            empty_string_is_null=False, missing_columns="insert", raise_if_empty=False,
                            schema={f"c{i}": pl.String for i in range(width)})
    except pl.exceptions.PolarsError:
        return None
    if frame.height != count.len():  # polars's quoting saw other records than lines
        return None
    frame = frame.with_columns(line=pl.int_range(1, frame.height + 1), width=count)
    if bool((count < width).any()):  # a short line: its missing cells are null, its blank ones ""
        frame = frame.with_columns(pl.when(pl.col("width") > i).then(pl.col(f"c{i}")).alias(f"c{i}")
                                   for i in range(width))
    extra = pl.Series("extra", [[]], dtype=pl.List(pl.String)).new_from_index(0, frame.height)
    if extras:
        extra = pl.Series("extra", [extras.get(k, []) for k in range(frame.height)], dtype=pl.List(pl.String))
    return frame.with_columns(extra=extra).select(["line", "width", *[f"c{i}" for i in range(width)], "extra"])


def patch(frame: pl.DataFrame, quoted: Quoted, width: int) -> pl.DataFrame:
    """The records Python's csv read from lines with quotes put in place of polars's split of those lines."""
    if not quoted:
        return frame
    special = frame_from_records([[]] + [r for r, _ in quoted.values()], [0] + [k + 1 for k in quoted], width)
    special = special.with_columns(pl.col("width").cast(pl.UInt32)).select(frame.columns)
    starts = list(quoted)
    columns = {c: frame[c].scatter(starts, special[c]) for c in frame.columns if c not in ("line", "extra")}
    frame = frame.with_columns(**columns)
    taken = [k for start, (_, n) in quoted.items() for k in range(start + 1, start + n)]
    return frame.filter(~pl.col("line").is_in([k + 1 for k in taken])) if taken else frame


def quoted_records(lines: pl.Series, starts: list[int]) -> Quoted | None:
    """Python csv's record at each line holding a quote, and how many lines it spans; None on a csv error."""
    found: Quoted = {}
    end, total = 0, lines.len()
    for start in starts:
        if start < end:
            continue
        reader = csv.reader(f"{lines[k] or ''}\n" for k in range(start, total))
        try:
            record = next(reader, [])
        except csv.Error:
            return None
        found[start] = (record, reader.line_num)
        end = start + reader.line_num
    return found


def frame_from_records(records: list[list[str]], lines: list[int], width: int) -> pl.DataFrame:
    """The same frame from records csv has read (quoted cells, odd line ends)."""
    body = records[1:]
    columns: dict[str, Any] = {"line": pl.Series(lines[1:], dtype=pl.Int64),
                               "width": pl.Series([len(r) for r in body], dtype=pl.UInt32)}
    for i in range(width):
        columns[f"c{i}"] = pl.Series([r[i] if i < len(r) else None for r in body], dtype=pl.String)
    columns["extra"] = pl.Series([r[width:] for r in body], dtype=pl.List(pl.String))
    return pl.DataFrame(columns)


