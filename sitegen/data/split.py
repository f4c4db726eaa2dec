"""A CSV's bytes split into records of text cells by polars, exactly as Python's csv splits them.

The frame has string columns c0… (or Enums, for a long file's columns of few values), `line`, `width` and `extra`;
sitegen.data.columns reads its cells.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

import polars as pl

FIELD_LIMIT = 131_072  # Python's csv refuses a longer cell: such a file is read by csv, to refuse it the same way


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


def marks_of(raw: bytes) -> bytes:
    """A file's commas, quotes, newlines and unusual bytes (controls, CR, NUL, non-ASCII), in order: one pass over
    the file that leaves a quarter of it, in which the lines, the commas and the quotes are counted and found."""
    return raw.translate(None, MARKED)


MARKED = bytes(b for b in range(32, 127) if b not in b',"') + b"\t"  # what marks_of leaves out


def unusual_bytes(marks: bytes) -> bytes:
    """A file's bytes other than printable ASCII, tab and newline, from its marks (marks_of)."""
    return marks.translate(None, b',"\n')


Quoted = dict[int, tuple[list[str], int]]  # line index -> csv's record starting there, and its number of lines


def frame_of(raw: bytes, width: int, marks: bytes | None = None) -> tuple[list[str], pl.DataFrame] | None:
    """Header and records of a CSV, split by polars; None for a file Python's csv must read (CR, NUL, errors).

    A line without a quote is a record of comma-separated cells; from a line holding a quote, Python's csv reads
    the one record starting there (over several lines when a quoted cell holds newlines), so the records and
    the line each starts on are csv's. marks: the file's marks (marks_of), where the caller has them.
    """
    simple = simple_frame(raw, width, marks_of(raw) if marks is None else marks)
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


def simple_frame(raw: bytes, width: int, marks: bytes) -> pl.DataFrame | None:
    """frame_of's frame for the usual file: every line one record of exactly `width` cells, each line holding a
    quote split as Python's csv splits it; None for any other file (frame_of then looks at it line by line).

    The usual file is proved so by counts in its marks (marks_of), besides polars's read of its cells: polars
    refuses a record of more than `width` cells, sees as many records as lines only when none spans two, and the
    lines without a quote hold `width - 1` commas each exactly when none holds more and they hold that many in all.
    """
    if b"\r" in marks or b"\x00" in marks or width == 0:
        return None
    found = quoted_lines(raw, marks)
    if found is None or any(len(record) != width for record in found[0].values()):
        return None
    quoted, count, quoted_commas = found
    try:
        frame = pl.read_csv(raw, has_header=False, quote_char='"', infer_schema=False, empty_string_is_null=False,
                            raise_if_empty=False, schema=kinds(raw, width))
    except pl.exceptions.PolarsError:
        return None
    if frame.height != count or marks.count(b",") - quoted_commas != (width - 1) * (count - len(quoted)):
        return None
    frame = enums(frame)
    cells = [pl.col(f"c{i}") for i in range(width)]
    # an Enum's longest value is its longest cell: its values are all cells' (enums), the header's among them
    lengths = [pl.lit(pl.Series(dtype.categories)).str.len_bytes().max() if isinstance(dtype, pl.Enum) else
               pl.col(c).str.len_bytes().max() for c, dtype in frame.schema.items() if c.startswith("c")]
    longest = frame.select(pl.max_horizontal(lengths))[0, 0]
    if int(longest or 0) > FIELD_LIMIT:
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
    # categories of its own for each column: its values by id are then exactly its values (enums)
    return {name: pl.Categorical(pl.Categories.random()) if counts[name] <= FEW else pl.String for name in schema}


def enums(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame read with categories of its own (kinds), each such column an Enum of its sorted values (whose cells
    cell_map reads), made from the categories' ids: no text is looked up again."""
    columns = []
    for name, dtype in frame.schema.items():
        if not isinstance(dtype, pl.Categorical):
            continue
        values = dtype.categories.to_series()  # the column's own categories, by id
        ids = pl.col(name).to_physical()
        if frame[name].null_count():  # polars reads a blank cell as null into categories; every line here has all
            blank = values.index_of("")  # its cells, so null is blank
            if blank is None:
                blank, values = values.len(), values.append(pl.Series([""]))
            ids = ids.fill_null(blank)
        order = values.arg_sort()
        ranks = order.arg_sort().cast(pl.UInt32)  # each id's place among the sorted values
        columns.append(pl.lit(ranks).gather(ids).cat.to(pl.Enum(values.gather(order))).alias(name))
    return frame.with_columns(columns)


def quoted_lines(raw: bytes, marks: bytes) -> tuple[dict[int, list[str]], int, int] | None:
    """Python csv's record of each line holding a quote, by line index; None where a line is not a record of
    `width` cells on its own (a quoted newline, a csv error). With the records, the file's number of lines and
    the commas on the lines holding a quote (what simple_frame counts). A quote's line is counted in the file's
    marks (marks_of), where the n-th quote is the file's n-th."""
    indexes: list[int] = []
    spans: list[bytes] = []
    index, at, commas, mark, marked = 0, raw.find(b'"'), 0, 0, marks.find(b'"')
    while at >= 0:
        begin = raw.rfind(b"\n", 0, at) + 1
        end = raw.find(b"\n", at)
        end = len(raw) if end < 0 else end
        index += marks.count(b"\n", mark, marked)
        indexes.append(index)
        spans.append(raw[begin:end])
        commas += raw.count(b",", begin, end)
        at, mark = raw.find(b'"', end), marked  # the first quote of a later line, in the file and in its marks
        after = marks.find(b"\n", marked)
        marked = -1 if after < 0 else marks.find(b'"', after)
    # the lines read by one reader, a record each: a quote left open runs into the next line (a newline in a cell)
    try:
        records = list(csv.reader(line.decode("utf-8") + "\n" for line in spans))
    except csv.Error:
        return None
    if len(records) != len(spans) or any("\n" in cell for record in records for cell in record):
        return None
    return dict(zip(indexes, records, strict=True)), marks.count(b"\n") + (0 if raw.endswith(b"\n") else 1), commas


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
    picked = frame.select([f"c{i}" for i in range(width)])[indexes]
    # column by column: polars reads an Enum's cells to Python once a column, not once a cell as rows() does
    return [list(cells) for cells in zip(*(picked[name].to_list() for name in picked.columns), strict=True)]


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
