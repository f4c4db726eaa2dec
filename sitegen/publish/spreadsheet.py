"""What a spreadsheet reads: text it never runs as a formula, and typed XLSX cells written one way everywhere."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sitegen.text import FORMULA_START

DATE_FORMAT = "yyyy-mm-dd"  # the ISO form the CSVs use, so a date reads the same in both
DATE_WIDTH = 12  # characters: wide enough that a spreadsheet shows the date, not ####


def safe_cell(value: Any) -> str:
    """Text a spreadsheet will never run as a formula (the validator already rejects such text)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a number, even a negative one, is data: prefixing it would make it text
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def date_format(book: Any) -> Any:
    """The workbook's one format for dates."""
    return book.add_format({"num_format": DATE_FORMAT})


def write_cell(sheet: Any, row: int, col: int, value: Any, day: Any) -> None:
    """One typed cell: a date as a date (in `day`, the date format), a number as a number, a boolean as a boolean,
    None or empty text as a blank cell (a gap, not a zero), anything else as text no spreadsheet runs."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
    else:
        sheet.write_string(row, col, safe_cell(value))
