"""What a spreadsheet reads: text it never runs as a formula, dates in one format (see sitegen.publish.xlsx)."""

from __future__ import annotations

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
