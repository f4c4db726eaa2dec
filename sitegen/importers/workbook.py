"""Excel 97-2003 (.xls) workbooks, read by xlrd: one worksheet as text records, numbered as Excel numbers rows."""

from __future__ import annotations

import io
import struct
from decimal import Decimal
from typing import TYPE_CHECKING

import xlrd
from xlrd.biffh import XLRDError

from sitegen.errors import ProblemsFound, problem
from sitegen.files import display
from sitegen.importers.core import RawFile, plain, read_raw, refused, source_bytes
from sitegen.text import column_letters

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen.files import Inputs

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the first bytes of an Excel 97-2003 (.xls) workbook
# The worksheets adapters read, matched whatever their case (publishers vary it between months).
SHEETS = ("LA - by responsible org",)
MAX_CELLS = 2_000_000  # a sheet's rows times columns (the largest known month has ~3,000): bounded memory
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell's text: a longer one was not written by Excel


def text_of(kind: int, value: object, datemode: int = 0) -> str:
    """A cell as text: numbers exactly as stored (never rounded), a date as a date (never its serial number, so a
    date where a number belongs is refused, not imported as days), errors as Excel shows them."""
    if kind == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(float(str(value)), 1 if datemode else 0).isoformat()
        except (ValueError, OverflowError):
            return f"date {value!r}"
    if kind == xlrd.XL_CELL_NUMBER:
        return plain(Decimal(repr(value)))
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(int(str(value)), "#ERROR")
    return "" if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else str(value)


def read_any(path: Path, inputs: Inputs | None = None) -> RawFile:
    """A raw file of either kind, read once through the fence: a workbook (known by its first bytes, not its
    name) or a CSV file."""
    data = source_bytes(path, inputs)
    return read_workbook(path, data) if data.startswith(OLE2) else read_raw(path, inputs, data)


def read_workbook(path: Path, data: bytes) -> RawFile:
    """The one known worksheet of a workbook as records; a workbook xlrd cannot read, or without it, is a problem."""
    try:
        # xlrd writes its complaints about odd files to a log; keep them out of the command's output
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except (XLRDError, ValueError, IndexError, KeyError, AssertionError, struct.error, MemoryError,
            RecursionError, TypeError, ZeroDivisionError) as exc:  # what xlrd raises on a damaged or forged file
        raise refused("unreadable-file", f"not a workbook xlrd can read ({type(exc).__name__}: {exc})",
                      display(path)) from None
    try:
        by_case = {name.casefold(): name for name in book.sheet_names()}
        name = next((by_case[s.casefold()] for s in SHEETS if s.casefold() in by_case), None)
        if name is None:
            raise ProblemsFound([problem("unknown-layout", f"no importer knows this workbook: it has no sheet "
                                         f"named {' or '.join(map(repr, SHEETS))} (sheets found: "
                                         f"{', '.join(book.sheet_names())})", display(path), 0, "sheet",
                                         ", ".join(book.sheet_names()))], "nothing was imported")
        try:
            sheet = book.sheet_by_name(name)
        except (XLRDError, ValueError, IndexError, KeyError, AssertionError, struct.error, TypeError) as exc:
            raise refused("unreadable-file", f"the sheet cannot be read ({type(exc).__name__}: {exc})",
                          f"{display(path)} [sheet {name}]", 0, "sheet", name) from None
        records = sheet_records(path, sheet, book.datemode)
    finally:
        book.release_resources()
    return RawFile(path, records, list(range(1, len(records) + 1)), name)


def sheet_records(path: Path, sheet: xlrd.sheet.Sheet, datemode: int) -> list[list[str]]:
    """A worksheet's cells as text records; too many cells, or a cell longer than Excel writes, is refused."""
    shown = f"{display(path)} [sheet {sheet.name}]"
    if sheet.nrows * max(sheet.ncols, 1) > MAX_CELLS:
        raise refused("too-large", f"the sheet has {sheet.nrows:,} rows and {sheet.ncols:,} columns, over the limit "
                      f"of {MAX_CELLS:,} cells", shown, 0, "cells", sheet.nrows * sheet.ncols)
    records = []
    for r in range(sheet.nrows):
        record = []
        for c in range(sheet.row_len(r)):
            text = text_of(sheet.cell_type(r, c), sheet.cell_value(r, c), datemode)
            if len(text) > MAX_CELL_CHARS:
                raise refused("too-large", f"cell {column_letters(c)}{r + 1} holds {len(text):,} characters, over "
                              f"Excel's limit of {MAX_CELL_CHARS:,}", shown, r + 1, column_letters(c), text)
            record.append(text)
        records.append(record)
    return records
