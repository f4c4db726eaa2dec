"""ASC-FR 2014-15, wide: one column per council headed `CASSR code - name`, one row per service line."""

from __future__ import annotations

from datetime import date

from sitegen.errors import ProblemsFound, problem
from sitegen.importers.core import THOUSANDS, Areas, Cell, RawFile, Reading, gap, unknown_area, year_from_name

NAME = "ascfr-wide"
SIGNATURE = "Support type,Age category,Summary,Delivery mechanism,Accounting category"
PACKAGE = "official-returns"
LABELS = 5  # columns of row labels before the councils
# The council totals: (support type, age, summary, delivery) x accounting line -> our measure.
ROWS: dict[tuple[str, ...], str] = {
    ("Non Salt Totals", "", "Adult Social Care", "Total", "Income: Income from NHS"): "asc-income-from-nhs",
    ("Non Salt Totals", "", "Adult Social Care", "Total", "Income: joint arrangements"):
        "asc-income-from-joint-arrangements",
}


def header_index(raw: RawFile) -> int | None:
    """Index of the header record (after a line of region codes), if this is the layout."""
    for index, record in enumerate(raw.records[:3]):
        if ",".join(record[:LABELS]) == SIGNATURE:
            return index
    return None


def detect(raw: RawFile) -> bool:
    """The header names the five label columns."""
    return header_index(raw) is not None


def source(year: str) -> dict[str, str]:
    """The source record of the edition."""
    return {
        "id": f"src-ascfr-{year}", "title": f"Personal Social Services: Expenditure and Unit Costs, England {year}",
        "publisher": "Health and Social Care Information Centre", "published": "",
        "url": "https://digital.nhs.uk/data-and-information/publications/statistical/"
               "personal-social-services-expenditure-and-unit-costs",
        "kind": "primary", "confidence": "high",
        "note": "Council-level expenditure data file (CSV). The link is the series page: the exact address of "
                "the edition's file could not be checked.",
    }


def read(raw: RawFile, areas: Areas) -> Reading:
    """The NHS and joint-arrangement income totals of every council column."""
    year = year_from_name(raw)
    on = date(int(year[:4]) + 1, 3, 31)
    top = header_index(raw) or 0
    header = raw.records[top]
    reading = Reading(source(year), THOUSANDS)
    columns, problems = [], []
    for col, name in enumerate(header[LABELS:], start=LABELS):
        code = areas.code(name.split(" - ", 1)[-1], on)
        if code is None:
            problems.append(unknown_area(raw, raw.lines[top], f"column {col + 1}", name, "council column"))
        columns.append((col, name, code or ""))
    found = set()
    for record, line in zip(raw.records[top + 1:], raw.lines[top + 1:], strict=True):
        measure = ROWS.get(tuple(c.strip() for c in record[:LABELS]))
        if measure is None:
            continue
        found.add(measure)
        item = " / ".join(c.strip() for c in record[:LABELS] if c.strip())
        for col, name, code in columns:
            text = record[col] if col < len(record) else ""
            if gap(text):
                reading.gaps += 1
            else:
                reading.cells.append(Cell(code, measure, year, text.strip(), f"{item}; column {name}", line))
    problems += [problem("missing-row", f"the file has no row {' / '.join(c for c in k if c)}", raw.shown, 0,
                         "row", k[-1]) for k, m in ROWS.items() if m not in found]
    if problems:
        raise ProblemsFound(problems, "nothing was imported")
    return reading
