"""The shared core of the importers: read a raw file, find its layout, turn published cells into figure rows."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Protocol

from sitegen.data.cells import read_number
from sitegen.errors import Problem, ProblemsFound, problem
from sitegen.files import Inputs, ReadRefused, display, read_bytes
from sitegen.importers.reading import DAYS, THOUSANDS, Cell, Reading
from sitegen.importers.reading import unknown_area as unknown_area  # adapters take it from here, as ever
from sitegen.text import slugify

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from sitegen.importers.names import AreaIndex

GAPS = {"", ":", "NA"}  # not reported: no figure is written, never a zero
# unit as published -> (the figure's unit, the factor to it)
UNITS = {"GBP": ("GBP", Decimal(1)), THOUSANDS: ("GBP", Decimal(1000)), DAYS: ("count", Decimal(1))}


@dataclass
class RawFile:
    """A raw official file: its CSV records and the line each starts on."""

    path: Path
    records: list[list[str]]
    lines: list[int]
    sheet: str = ""  # the worksheet the records are from (workbooks only)

    @property
    def shown(self) -> str:
        """The path as messages show it (with the sheet, for a workbook: lines are then its row numbers)."""
        return f"{display(self.path)} [sheet {self.sheet}]" if self.sheet else display(self.path)


class Layout(Protocol):
    """What every adapter module provides."""

    NAME: str
    SIGNATURE: str  # how its header starts, for the message about unknown layouts
    PACKAGE: str  # the package its figures go into unless told otherwise

    def detect(self, raw: RawFile) -> bool: ...

    def read(self, raw: RawFile, areas: Areas) -> Reading: ...


@dataclass
class Areas:
    """The areas of the reference package: names to codes (by date), the codes known, and their slugs."""

    index: AreaIndex
    slugs: dict[str, str]  # code -> slug, for councils, former councils and England
    ends: dict[str, date] = field(default_factory=dict)  # former council -> its last day
    dh_codes: dict[str, str] = field(default_factory=dict)  # DH/CASSR code -> GSS code, built by the import run

    def code(self, reported: str, on: date | None = None) -> str | None:
        """The code of an area as a file names it, on a day."""
        return self.index.code(reported, on)

    def known(self, code: str) -> bool:
        """Whether a code is a council, former council or England in the reference package."""
        return code in self.slugs


BINARY = re.compile("[\x00-\x08\x0e-\x1f]")  # C0 controls no text file of a return holds (tab, CR, LF do)
MAX_RECORDS = 200_000  # lines of a CSV return (the largest known has 5,153): a million are refused at once
ZIP = b"PK\x03\x04"  # the first bytes of an .xlsx workbook (a zip file), whatever its name says


def refused(code: str, message: str, shown: str, line: int = 0, field_name: str = "", value: object = None) -> \
        ProblemsFound:
    """One problem that stops the import."""
    return ProblemsFound([problem(code, message, shown, line, field_name, value)], "nothing was imported")


def decode(raw: bytes, shown: str = "") -> str:
    """Text of a raw file: UTF-8 (a BOM dropped), else Windows-1252, as older official files are; a binary file
    (a workbook given as CSV, say) is refused naming the line and byte, never a UnicodeDecodeError."""
    if raw.startswith(ZIP):
        raise refused("unreadable-file", "an Excel 2007 or later (.xlsx) workbook or other zip file: importers read "
                      "CSV files and Excel 97-2003 (.xls) workbooks", shown, 0, "file", "zip")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise refused("encoding", f"not a text file: byte 0x{raw[exc.start]:02x} at offset {exc.start} is "
                          "neither UTF-8 nor Windows-1252", shown, line, "byte", f"0x{raw[exc.start]:02x}") from None
    found = BINARY.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise refused("encoding", f"not a text file: it holds the control character U+{ord(found.group()):04X}",
                      shown, line, "character", f"U+{ord(found.group()):04X}")
    return text


def source_bytes(path: Path, inputs: Inputs | None = None) -> bytes:
    """A raw file's bytes through the build's fence: a regular file, inside the fence, within the size limit."""
    inputs = inputs or Inputs.under(path)
    try:
        return read_bytes(path, inputs, display(path))
    except ReadRefused as exc:
        raise ProblemsFound([exc.problem], "nothing was imported") from None


def read_raw(path: Path, inputs: Inputs | None = None, data: bytes | None = None) -> RawFile:
    """CSV records of a raw file, with their lines; a file that cannot be read is a problem, not a traceback."""
    shown = display(path)
    text = decode(source_bytes(path, inputs) if data is None else data, shown)
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for record in reader:
            if len(records) == MAX_RECORDS:
                raise refused("too-large", f"the file has more than {MAX_RECORDS:,} lines (an official return has "
                              "a few thousand)", shown, start)
            records.append(record)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:  # a cell over the CSV reader's limit (131,072 characters unless raised)
        raise refused("unreadable-file", f"a cell is longer than the CSV reader takes ({exc})", shown,
                      start) from None
    return RawFile(path, records, lines)


def detect(raw: RawFile, layouts: tuple[Layout, ...]) -> Layout:
    """The one layout whose header this file has; else a problem naming the header found and those known."""
    for layout in layouts:
        if raw.records and layout.detect(raw):
            return layout
    # the first line that starts with a name (the wide layout has a line of region codes above its header)
    header = next((r for r in raw.records[:3] if r and r[0].strip()), raw.records[0] if raw.records else [])
    shown = ", ".join(header[:6]) + (", …" if len(header) > 6 else "")
    known = "; ".join(f"{layout.NAME} (header starts {layout.SIGNATURE!r})" for layout in layouts)
    raise ProblemsFound([problem("unknown-layout", f"no importer knows this layout. Header found: {shown!r}. "
                                 f"Layouts known: {known}", raw.shown, 1, "header", shown)],
                        "nothing was imported")


GROUPED = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")  # 1,234,567.5: thousands as official files group them


def read_published(text: str) -> tuple[Decimal | None, str]:
    """A published number exactly (never through float), read as `validate` reads a number (thousands commas
    allowed); else None and why not: NaN, infinities, 1_000, other digits than 0-9 and 1e5000 are not numbers."""
    plain_text = text.strip()
    if GROUPED.fullmatch(plain_text):
        plain_text = plain_text.replace(",", "")
    why = read_number(plain_text)[1]
    return (None, why) if why else (Decimal(plain_text), "")


def number(text: str) -> Decimal:
    """A published number exactly; ValueError (saying why) when it is not one."""
    value, why = read_published(text)
    if value is None:
        raise ValueError(why)
    return value


def plain(value: Decimal) -> str:
    """A Decimal written plainly: no exponent, no trailing zeros after the point."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


PENNY = Decimal("0.01")


def pounds_of(value: Decimal, factor: Decimal) -> Decimal:
    """The amount in pounds, exactly, but never finer than a penny (the file's own digits stay in published_value)."""
    pounds = value * factor
    exponent = pounds.normalize().as_tuple().exponent
    return pounds.quantize(PENNY, ROUND_HALF_UP) if isinstance(exponent, int) and exponent < -2 else pounds


def precision_of(text: str, factor: Decimal) -> str:
    """How finely a value was published, in pounds (a penny at finest): `13000` in thousands -> 1000."""
    exponent = number(text).as_tuple().exponent
    return plain(max(Decimal(10) ** int(exponent) * factor, PENNY))


def suspect(value: Decimal, unit: str) -> bool:
    """Three decimals in £ thousands on a total under £100,000: £ millions (to the thousand) in a £000 field?"""
    return unit == THOUSANDS and value.as_tuple().exponent == -3 and 0 < abs(value) < 100


def suspect_note(text: str, pounds: str) -> str:
    """What we say next to a suspect value (our words; the value stays as published)."""
    return (f"Published as {text} in £ thousands, that is £{Decimal(pounds):,}. A total this small written to "
            "three decimal places looks like £ millions typed into a £ thousands field. Shown exactly as "
            "published, not corrected.")


def gap(text: str) -> bool:
    """Whether a published cell is a gap (not reported)."""
    return text.strip() in GAPS


def figure(cell: Cell, reading: Reading, slug: str, dates: tuple[str, str]) -> dict[str, str]:
    """The figures.csv row of one published cell."""
    unit, factor = UNITS[reading.unit]
    value = number(cell.text)
    pounds = plain(pounds_of(value, factor))
    flagged = suspect(value, reading.unit)
    note = " ".join(n for n in (cell.note, suspect_note(cell.text, pounds) if flagged else "") if n)
    return {
        "id": f"{slug}-{cell.measure}-{slugify(cell.period)}", "area_code": cell.area,
        "area_name_reported": cell.name,
        "counterparty_inferred": "false", "measure": cell.measure, "value": pounds, "unit": unit,
        "period_start": dates[0], "period_end": dates[1], "period_label": cell.period, "qualifier": "exact",
        "status": reading.status, "said_by": reading.said_by, "source_id": reading.source["id"], "note": note,
        "precision": precision_of(cell.text, factor), "published_value": cell.text,
        "published_unit": reading.unit, "source_item": cell.item, "flag": "suspect" if flagged else "",
    }


def in_pounds(value: Decimal, factor: Decimal) -> str:
    """The value in pounds as figures.csv holds it, if `validate` reads it back exactly; else ''."""
    if len(value.as_tuple().digits) > DIGITS:
        return ""
    try:
        text = plain(pounds_of(value, factor))
    except ArithmeticError:  # decimal's InvalidOperation or Overflow
        return ""
    return "" if read_number(text)[1] else text


DIGITS = 24  # significant digits a published value may have (decimal's 28, less the factor's 3, and one spare)
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet takes for a formula (validate refuses them too)


def bad_numbers(raw: RawFile, reading: Reading) -> list[Problem]:
    """Cells that are neither a gap nor a number `validate` reads (in the file and once in pounds), and text
    that a spreadsheet would run as a formula: never written."""
    found = []
    factor = UNITS[reading.unit][1]
    for cell in reading.cells:
        value, why = read_published(cell.text)
        if value is not None and not in_pounds(value, factor):
            why = "too many digits: in pounds it is not a number `validate` reads exactly"
        if why:
            found.append(problem("bad-value", f"{why} ({cell.item})", raw.shown, cell.line, "value", cell.text))
        if cell.name.startswith(FORMULA):  # one problem a row, however many figures it gives
            found.append(problem("formula", "the area's name would be run as a formula by a spreadsheet",
                                 raw.shown, cell.line, "name", cell.name))
    found += [problem("formula", f"the source's {key} would be run as a formula by a spreadsheet", raw.shown, 0,
                      key, text) for key, text in reading.source.items() if text.startswith(FORMULA)]
    return found


def year_from_name(raw: RawFile) -> str:
    """The financial year a file's name gives (`pss-exp-eng-14-15-…` -> `2014-15`), for files with no year inside."""
    match = re.search(r"(?<!\d)(\d{2})-(\d{2})(?!\d)", raw.path.name)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ProblemsFound([problem("no-period", "this layout gives no year inside the file, and the file name "
                                     "does not give one as the publisher named it (e.g. …-14-15-…)", raw.shown,
                                     0, "file name", raw.path.name)], "nothing was imported")
    return f"20{match.group(1)}-{match.group(2)}"
