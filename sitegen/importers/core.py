"""The shared core of the importers: read a raw file, find its layout, turn published cells into figure rows."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Protocol

from sitegen.errors import Problem, ProblemsFound, problem
from sitegen.files import display
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


def decode(raw: bytes) -> str:
    """Text of a raw file: UTF-8 (a BOM dropped), else Windows-1252, as older official files are."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_raw(path: Path) -> RawFile:
    """CSV records of a raw file, with their lines; a file that cannot be read is a problem, not a traceback."""
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise ProblemsFound([problem("missing-path", f"cannot read the file: {exc.strerror}", display(path))],
                            "nothing was imported") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    records, lines, start = [], [], 1
    for record in reader:
        records.append(record)
        lines.append(start)
        start = reader.line_num + 1
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


def number(text: str) -> Decimal:
    """A published number exactly (never through float)."""
    return Decimal(text.replace(",", "").strip())


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


def bad_numbers(raw: RawFile, reading: Reading) -> list[Problem]:
    """Cells that are neither a gap nor a number."""
    found = []
    for cell in reading.cells:
        try:
            number(cell.text)
        except InvalidOperation:
            found.append(problem("bad-value", f"not a number, a blank or ':' ({cell.item})", raw.shown, cell.line,
                                 "value", cell.text))
    return found


def year_from_name(raw: RawFile) -> str:
    """The financial year a file's name gives (`pss-exp-eng-14-15-…` -> `2014-15`), for files with no year inside."""
    match = re.search(r"(?<!\d)(\d{2})-(\d{2})(?!\d)", raw.path.name)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ProblemsFound([problem("no-period", "this layout gives no year inside the file, and the file name "
                                     "does not give one as the publisher named it (e.g. …-14-15-…)", raw.shown,
                                     0, "file name", raw.path.name)], "nothing was imported")
    return f"20{match.group(1)}-{match.group(2)}"
