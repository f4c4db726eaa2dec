"""One cell of a CSV: its text read as the field type says, exactly as frictionless reads it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sitegen.text import CONTROL

TRUE = {"true", "True", "TRUE", "1"}
FALSE = {"false", "False", "FALSE", "0"}
INTEGER = re.compile(r"-?[0-9]{1,30}")
NUMBER = re.compile(r"-?[0-9]{1,30}(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,3})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ASCII_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.strip() strips of ASCII


def cast(text: str, type_: str) -> Any:
    """A cell's typed value, or None when blank or not readable."""
    return read_cell(text, type_)[0]


def read_cell(text: str, type_: str) -> tuple[Any, str]:
    """A cell's typed value and, when it cannot be read as its type, why (else '')."""
    if text == "":
        return None, ""
    if type_ == "integer":
        return (int(text), "") if INTEGER.fullmatch(text) else (None, "not a whole number written in digits 0-9")
    if type_ == "number":
        return read_number(text)
    if type_ == "boolean":
        return (True, "") if text in TRUE else (False, "") if text in FALSE else (None, "not true or false")
    if type_ == "date":
        try:
            return (date.fromisoformat(text), "") if DATE.fullmatch(text) else (None, "not a date YYYY-MM-DD")
        except ValueError:
            return None, "no such date"
    found = CONTROL.search(text)
    if found:
        return None, f"text holds the control character U+{ord(found.group()):04X}"
    return text, ""


def read_number(text: str) -> tuple[Any, str]:
    """A finite decimal written plainly: no NaN, infinity, underscores, grouping or non-ASCII digits."""
    if not NUMBER.fullmatch(text):
        return None, "not a plain decimal number (digits 0-9, optional - . and exponent)"
    if INTEGER.fullmatch(text):
        return int(text), ""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        return None, "too large to be a finite number"
    return value, ""


def cell_code(text: str, type_: str) -> str:
    """The kind of an unreadable cell: a number Python (and frictionless) would take is a bad number."""
    if type_ not in ("number", "integer"):
        return "type-error" if type_ != "string" and type_ != "any" else "control-character"
    try:
        float(text)
    except ValueError:
        return "type-error"
    return "bad-number"
