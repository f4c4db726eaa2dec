"""ASC-FR 2015-16, long and labelled: one row per council and item, with the item's labels and `Value`."""

from __future__ import annotations

from datetime import date

from sitegen.errors import ProblemsFound, problem
from sitegen.importers.core import THOUSANDS, Areas, Cell, RawFile, Reading, gap, unknown_area, year_from_name

NAME = "ascfr-labelled"
SIGNATURE = "UUID,Council Code,Council Name,Data Type,Data Source,Age Band,Finance Type,Comparative totals,Value"
PACKAGE = "official-returns"
ITEMS = {"8328110": "asc-income-from-bcf"}  # item (UUID) -> our measure


def detect(raw: RawFile) -> bool:
    """The header is exactly the labelled layout's."""
    return ",".join(raw.records[0]) == SIGNATURE


def source(year: str) -> dict[str, str]:
    """The source record of the edition."""
    return {
        "id": f"src-ascfr-{year}", "title": f"Personal Social Services: Expenditure and Unit Costs, England {year}",
        "publisher": "NHS Digital", "published": "",
        "url": "https://digital.nhs.uk/data-and-information/publications/statistical/"
               "personal-social-services-expenditure-and-unit-costs",
        "kind": "primary", "confidence": "high",
        "note": "Additional data file (CSV). The link is the series page: the exact address of the edition's "
                "file could not be checked.",
    }


def read(raw: RawFile, areas: Areas) -> Reading:
    """The items we publish, for every council row."""
    year = year_from_name(raw)
    on = date(int(year[:4]) + 1, 3, 31)
    reading = Reading(source(year), THOUSANDS)
    columns = {name: i for i, name in enumerate(raw.records[0])}
    problems, seen = [], set()
    for record, line in zip(raw.records[1:], raw.lines[1:], strict=True):
        row = dict(zip(raw.records[0], record, strict=False))
        measure = ITEMS.get(row.get("UUID", ""))
        if measure is None:
            continue
        seen.add(row["UUID"])
        code = areas.code(row["Council Name"], on)
        if code is None:
            problems.append(unknown_area(raw, line, "Council Name", row["Council Name"],
                                         f"council {row['Council Code']}"))
            continue
        if gap(row["Value"]):
            reading.gaps += 1
            continue
        item = (f"item {row['UUID']} ({row['Finance Type']}: {row['Comparative totals']}), council "
                f"{row['Council Code']} {row['Council Name']}, column {columns['Value'] + 1}")
        reading.cells.append(Cell(code, measure, year, row["Value"].strip(), item, line))
    problems += [problem("missing-row", f"the file has no item {uuid}", raw.shown, 0, "UUID", uuid)
                 for uuid in sorted(set(ITEMS) - seen)]
    if problems:
        raise ProblemsFound(problems, "nothing was imported")
    return reading
