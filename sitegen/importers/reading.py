"""What an adapter reads from a file: its cells, the reading, and a council it cannot place.

Kept apart from core.py, importing nothing but errors, so that an adapter's shared helpers (dtoc.py) stay
within the import chain the architecture allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sitegen.errors import Problem, problem

if TYPE_CHECKING:
    from sitegen.importers.core import RawFile

THOUSANDS = "GBP thousands"
DAYS = "days"


@dataclass(frozen=True)
class Cell:
    """One published value: whose, what, when, the text as published and where it is in the file."""

    area: str
    measure: str
    period: str
    text: str
    item: str
    line: int
    note: str = ""
    name: str = ""  # the area as the file wrote it, where that is worth keeping


@dataclass
class Reading:
    """What an adapter read from a file."""

    source: dict[str, str]
    unit: str  # the unit values are published in: GBP, GBP thousands or days
    cells: list[Cell] = field(default_factory=list)
    gaps: int = 0
    skipped: list[str] = field(default_factory=list)  # rows not about an area we publish (regions, totals)
    status: str = "reported"
    said_by: str = ""


def unknown_area(raw: RawFile, line: int, field_name: str, value: str, why: str) -> Problem:
    """A council the reference package does not know: an error, never skipped silently."""
    return problem("unknown-council-code", f"{why}: not a council or former council in the reference package",
                   raw.shown, line, field_name, value)
