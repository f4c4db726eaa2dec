"""ASC-FR 2016-17, long and keyed: one row per area and item, with CASSR and GSS codes and `ItemValue`."""

from __future__ import annotations

from sitegen.data.model import ENGLAND
from sitegen.errors import ProblemsFound, problem
from sitegen.importers.core import THOUSANDS, Areas, Cell, RawFile, Reading, gap, unknown_area

NAME = "ascfr-keyed"
SIGNATURE = "UUID,FY_Ending,CASSR_CODE,GEOGRAPHY_CODE,REGION_GO_CODE"
PACKAGE = "official-returns"
ITEMS = {"8328110": "asc-income-from-bcf"}  # item (UUID) -> our measure


def detect(raw: RawFile) -> bool:
    """The header starts with the keyed layout's columns and has ItemValue."""
    return ",".join(raw.records[0][:5]) == SIGNATURE and "ItemValue" in raw.records[0]


def source(year: str) -> dict[str, str]:
    """The source record of the edition."""
    return {
        "id": f"src-ascfr-{year}", "title": f"Adult Social Care Finance Report, England {year}",
        "publisher": "NHS Digital", "published": "",
        "url": "https://digital.nhs.uk/data-and-information/publications/statistical/"
               "personal-social-services-expenditure-and-unit-costs",
        "kind": "primary", "confidence": "high",
        "note": "Additional data file (CSV ASCFR Additional). The link is the series page: the exact address of "
                "the edition's file could not be checked.",
    }


def area_of(row: dict[str, str]) -> str:
    """The GSS code a row is about: the council's, England's, or blank for a region total."""
    if row["GEOGRAPHY_CODE"]:
        return row["GEOGRAPHY_CODE"]
    return ENGLAND if row["REGION_GO_CODE"] == ENGLAND else ""


def read(raw: RawFile, areas: Areas) -> Reading:
    """The items we publish, for every council and England (region totals are skipped)."""
    header = raw.records[0]
    rows = [(dict(zip(header, r, strict=False)), line) for r, line in zip(raw.records[1:], raw.lines[1:],
                                                                           strict=True)]
    years = {r["FY_Ending"] for r, _ in rows if r.get("UUID") in ITEMS}
    if len(years) != 1:
        raise ProblemsFound([problem("no-period", f"expected one FY_Ending, found {sorted(years)}", raw.shown, 0,
                                     "FY_Ending", ",".join(sorted(years)))], "nothing was imported")
    end = int(years.pop())
    year = f"{end - 1}-{end % 100:02d}"
    reading = Reading(source(year), THOUSANDS)
    column, problems, seen = header.index("ItemValue") + 1, [], set()
    for row, line in rows:
        measure = ITEMS.get(row.get("UUID", ""))
        if measure is None:
            continue
        seen.add(row["UUID"])
        code = area_of(row)
        if not code:
            reading.skipped.append(f"line {line}: region {row['REGION_GO_CODE']}")
            continue
        if not areas.known(code):
            problems.append(unknown_area(raw, line, "GEOGRAPHY_CODE", code, f"CASSR {row['CASSR_CODE']}"))
            continue
        if gap(row["ItemValue"]):
            reading.gaps += 1
            continue
        item = f"item {row['UUID']}, CASSR {row['CASSR_CODE'] or '-'} {code}, column {column} (ItemValue)"
        reading.cells.append(Cell(code, measure, year, row["ItemValue"].strip(), item, line))
    problems += [problem("missing-row", f"the file has no item {uuid}", raw.shown, 0, "UUID", uuid)
                 for uuid in sorted(set(ITEMS) - seen)]
    if problems:
        raise ProblemsFound(problems, "nothing was imported")
    return reading
