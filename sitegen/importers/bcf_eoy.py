"""BCF end-of-year collection 2022-23, as extracted by the Health Foundation: one row per Health and Wellbeing Board."""

from __future__ import annotations

from sitegen.errors import ProblemsFound
from sitegen.importers.core import Areas, Cell, RawFile, Reading, gap, unknown_area

NAME = "bcf-eoy-2022-23"
SIGNATURE = "Code,LA_name,Bed based intermediate Care Services,Reablement in a persons own home"
PACKAGE = "official-returns"
YEAR = "2022-23"  # the extract holds one collection; its header is that year's sheet "Planned Expenditure 2"
# Only these columns are NHS England's figures; the others are the Health Foundation's own derivations.
COLUMNS = {
    "Bed based intermediate Care Services": "bcf-planned-bed-based-intermediate-care",
    "Reablement in a persons own home": "bcf-planned-reablement-at-home",
}
JOINT_BOARDS = {"E06000052": "One Health and Wellbeing Board covers Cornwall and the Isles of Scilly: the plan "
                             "is for both."}
SOURCE = {
    "id": "src-bcf-eoy-2022-23", "title": "Better Care Fund end of year data collection 2022 to 2023",
    "publisher": "NHS England", "published": "",
    "url": "https://www.england.nhs.uk/wp-content/uploads/2023/12/"
           "Better-Care-Fund-end-of-year-data-collection-2022-to-2023.xlsx",
    "kind": "primary", "confidence": "high",
    "note": "Sheet Planned Expenditure 2, as extracted by the Health Foundation "
            "(HFAnalyticsLab/Intermediate-care-open-data-clean, Outputs/BCF.csv, code MIT). The meaning of the "
            "two columns was not re-checked against the workbook: planned spending, as extracted.",
}


def detect(raw: RawFile) -> bool:
    """The header starts with the board code, its name and the two planned-spending columns."""
    return ",".join(raw.records[0][:4]) == SIGNATURE


def read(raw: RawFile, areas: Areas) -> Reading:
    """Planned spending on the two scheme types for every board (the Total row is skipped)."""
    header = raw.records[0]
    reading = Reading(dict(SOURCE), "GBP", status="planned",
                      said_by="The Health and Wellbeing Board's Better Care Fund plan")
    problems = []
    for record, line in zip(raw.records[1:], raw.lines[1:], strict=True):
        row = dict(zip(header, record, strict=False))
        if row["Code"] == "Total":
            reading.skipped.append(f"line {line}: Total")
            continue
        if not areas.known(row["Code"]):
            problems.append(unknown_area(raw, line, "Code", row["Code"], f"board {row['LA_name']}"))
            continue
        for name, measure in COLUMNS.items():
            text = row.get(name, "")
            if gap(text):
                reading.gaps += 1
                continue
            item = f"{row['Code']} {row['LA_name']}, column {header.index(name) + 1} ({name})"
            reading.cells.append(Cell(row["Code"], measure, YEAR, text.strip(), item, line,
                                      JOINT_BOARDS.get(row["Code"], "")))
    if problems:
        raise ProblemsFound(problems, "nothing was imported")
    return reading
