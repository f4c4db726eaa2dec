"""Excel 97-2003 (.xls) workbooks, read by xlrd: one worksheet as text records, numbered as Excel numbers rows."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import TYPE_CHECKING

import xlrd
from xlrd.biffh import XLRDError

from sitegen.errors import ProblemsFound, problem
from sitegen.files import display
from sitegen.importers.core import RawFile, plain, read_raw

if TYPE_CHECKING:
    from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the first bytes of an Excel 97-2003 (.xls) workbook
# The worksheets adapters read, matched whatever their case (publishers vary it between months).
SHEETS = ("LA - by responsible org",)


def text_of(kind: int, value: object) -> str:
    """A cell as text: numbers exactly as stored (never rounded), errors as Excel shows them."""
    if kind in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        return plain(Decimal(repr(value)))
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(int(str(value)), "#ERROR")
    return "" if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else str(value)


def read_any(path: Path) -> RawFile:
    """A raw file of either kind: a workbook (known by its first bytes, not its name) or a CSV file."""
    try:
        with path.open("rb") as handle:
            start = handle.read(len(OLE2))
    except OSError:
        return read_raw(path)  # which says what is wrong with the path
    return read_workbook(path, path.read_bytes()) if start == OLE2 else read_raw(path)


def read_workbook(path: Path, data: bytes) -> RawFile:
    """The one known worksheet of a workbook as records; a workbook xlrd cannot read, or without it, is a problem."""
    try:
        # xlrd writes its complaints about odd files to a log; keep them out of the command's output
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except (XLRDError, ValueError, IndexError, KeyError, AssertionError) as exc:
        raise ProblemsFound([problem("unknown-layout", f"not a workbook xlrd can read ({exc})", display(path))],
                            "nothing was imported") from None
    try:
        by_case = {name.casefold(): name for name in book.sheet_names()}
        name = next((by_case[s.casefold()] for s in SHEETS if s.casefold() in by_case), None)
        if name is None:
            raise ProblemsFound([problem("unknown-layout", f"no importer knows this workbook: it has no sheet "
                                         f"named {' or '.join(map(repr, SHEETS))} (sheets found: "
                                         f"{', '.join(book.sheet_names())})", display(path), 0, "sheet",
                                         ", ".join(book.sheet_names()))], "nothing was imported")
        sheet = book.sheet_by_name(name)
        records = [[text_of(sheet.cell_type(r, c), sheet.cell_value(r, c)) for c in range(sheet.row_len(r))]
                   for r in range(sheet.nrows)]
    finally:
        book.release_resources()
    return RawFile(path, records, list(range(1, len(records) + 1)), name)
