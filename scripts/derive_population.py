"""Derive datapackages/reference/populations.csv and predecessor_areas.csv from ONS MYE4 and mySociety.

populations.csv: each of the 153 councils' total population, mid-2011 to mid-2023, on April 2023 boundaries,
exactly as ONS's table MYE4 gives it (mye23tablesew.xlsx, release MYE23), with the cell it comes from.
predecessor_areas.csv: for each abolished council, whether its area is exactly that of its successors
together (so their populations add up to its own), from mySociety's districts (`county-la`) and `replaced-by`.
Adds (or replaces) the two resource entries at the end of datapackages/reference/datapackage.json. Rerunnable,
deterministic. Needs openpyxl (a test dependency: `pip install -e '.[test]'`).

Usage: python scripts/derive_population.py [--shared PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = ROOT.parent / "shared" / "data" / "reference"
DEFAULT_OUT = ROOT / "datapackages" / "reference"
WORKBOOK = "population/mye23tablesew.xlsx"
SHEET = "MYE4"
HEADER_ROW = 8  # 7 preamble rows (population/README.md)
FIRST_YEAR, LAST_YEAR = 2011, 2023
ENGLAND = "E92000001"
OGL = {"name": "OGL-UK-3.0", "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
       "title": "Open Government Licence v3.0"}
CC_BY = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": "Creative Commons Attribution 4.0"}
ONS_MYE = {"title": "Office for National Statistics: Mid-Year Population Estimates, England and Wales, June 2023 "
                    "(release MYE23, published 15 July 2024), table MYE4, 2023 local authority boundaries",
           "path": "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/"
                   "datasets/estimatesofthepopulationforenglandandwales"}
MYSOCIETY = {"title": "mySociety: UK local authority names and codes (commit 67ef8b1, 2025-07-10)",
             "path": "https://github.com/mysociety/uk_local_authority_names_and_codes"}
ATTRIBUTION = "Source: Office for National Statistics licensed under the Open Government Licence v3.0."


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV as dicts (a UTF-8 BOM dropped)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def read_mye4(path: Path) -> dict[str, dict[int, tuple[int, str]]]:
    """Code -> mid-year -> (persons, cell), every row of MYE4; a bad header or cell stops with where it is."""
    import openpyxl  # a test dependency: only this script reads a workbook

    sheet = openpyxl.load_workbook(path, read_only=True, data_only=True)[SHEET]
    rows = sheet.iter_rows(min_row=HEADER_ROW, values_only=True)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows)]
    years = {}
    for i, name in enumerate(header):
        if name.startswith("Mid-") and name[4:].isdigit():
            years[i] = int(name[4:])
    if header[:3] != ["Code", "Name", "Geography"] or sorted(years.values()) != list(range(FIRST_YEAR, LAST_YEAR + 1)):
        raise SystemExit(f"{path} {SHEET} row {HEADER_ROW}: header {header[:16]} is not "
                         f"Code, Name, Geography, Mid-{LAST_YEAR} ... Mid-{FIRST_YEAR}")
    out: dict[str, dict[int, tuple[int, str]]] = {}
    for number, row in enumerate(rows, start=HEADER_ROW + 1):
        code = str(row[0] or "").strip()
        if not code:
            continue
        found = {}
        for i, year in years.items():
            cell, value = f"{column_letter(i)}{number}", row[i]
            if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value <= 0:
                raise SystemExit(f"{path} {SHEET}!{cell} (row {number}, field Mid-{year}, area {code}): value "
                                 f"{value!r} is not a whole number of persons above 0")
            found[year] = (int(value), cell)
        if code in out:
            raise SystemExit(f"{path} {SHEET} row {number}: area {code} appears twice")
        out[code] = found
    return out


def check_england(table: dict[str, dict[int, tuple[int, str]]]) -> None:
    """England is the sum of its nine regions every year, as the folder's README says it was checked."""
    regions = [code for code in table if code.startswith("E12")]
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        total = sum(table[code][year][0] for code in regions)
        if len(regions) != 9 or total != table[ENGLAND][year][0]:
            raise SystemExit(f"{WORKBOOK} {SHEET}: England mid-{year} {table[ENGLAND][year][0]} is not the sum of "
                             f"{len(regions)} regions ({total})")


def derive_populations(table: dict[str, dict[int, tuple[int, str]]], councils: list[str]) -> list[dict[str, str]]:
    """One row per council and mid-year, as MYE4 gives it, with its cell."""
    missing = sorted(set(councils) - set(table))
    if missing:
        raise SystemExit(f"{WORKBOOK} {SHEET}: no row for council(s) {', '.join(missing)}")
    return [{"area_code": code, "mid_year": str(year), "population": str(table[code][year][0]),
             "source": f"{Path(WORKBOOK).name}, sheet {SHEET}, cell {table[code][year][1]}"}
            for code in sorted(councils) for year in range(FIRST_YEAR, LAST_YEAR + 1)]


def final(row: dict[str, str], by_code: dict[str, dict[str, str]]) -> dict[str, str]:
    """Follow `replaced-by` to the council that holds the area now (Taunton Deane -> Somerset West -> Somerset)."""
    seen = set()
    while row["replaced-by"] and "," not in row["replaced-by"] and row["local-authority-code"] not in seen:
        seen.add(row["local-authority-code"])
        row = by_code[row["replaced-by"]]
    return row


def pieces_of(row: dict[str, str], rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The areas a council was made of: a county's districts (any ever), or a unitary council itself."""
    districts = [r for r in rows if r["county-la"] == row["local-authority-code"]]
    return districts or [row]


def derive_predecessor_areas(shared: Path, predecessors: list[dict[str, str]]) -> list[dict[str, str]]:
    """Whether each abolished council's area is exactly its successors' together, and why not when it is not."""
    rows = [r for r in read_csv(shared / "mysociety/uk_local_authorities_current.csv") if r["nation"] == "England"]
    by_code, by_gss = {r["local-authority-code"]: r for r in rows}, {r["gss-code"]: r for r in rows}
    # every district or unitary area that ended up in a council, by the council it ended in
    into: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        if r["local-authority-type"] != "CTY" and r["replaced-by"] and "," not in r["replaced-by"]:
            into.setdefault(final(r, by_code)["gss-code"], []).append(r)
    out = []
    for p in predecessors:
        mine = pieces_of(by_gss[p["code"]], rows)
        ends = {final(piece, by_code)["gss-code"] for piece in mine}
        if any(by_gss[end]["end-date"] for end in ends):
            raise SystemExit(f"predecessor {p['code']}: a part of it ends in an abolished council {sorted(ends)}")
        codes = {piece["local-authority-code"] for piece in mine}
        extras = {end: sorted(r["nice-name"] for r in into.get(end, []) if r["local-authority-code"] not in codes)
                  for end in sorted(ends)}
        if not any(extras.values()):
            out.append({"predecessor_code": p["code"], "same_area": "true",
                        "successor_codes": " ".join(sorted(ends)), "note": ""})
            continue
        parts = []
        for end, others in extras.items():
            if others:
                went = sorted(piece["nice-name"] for piece in mine if final(piece, by_code)["gss-code"] == end)
                whole = len(went) == len(mine) and mine[0]["local-authority-code"] == by_gss[p["code"]][
                    "local-authority-code"]
                parts.append(f"{'its whole area' if whole else 'part of it (' + ' and '.join(went) + ')'} went to "
                             f"{by_gss[end]['official-name']}, which also took in {' and '.join(others)}")
        note = ("Its area is not that of a council of 2023 nor the sum of several: " + "; ".join(parts)
                + ". ONS's estimates used here are on 2023 boundaries, so none fits its area.")
        out.append({"predecessor_code": p["code"], "same_area": "false", "successor_codes": " ".join(sorted(ends)),
                    "note": note})
    return sorted(out, key=lambda r: r["predecessor_code"])


def to_csv(rows: list[dict[str, str]]) -> str:
    """CSV text, LF line endings."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def field(name: str, type_: str, description: str, **constraints: object) -> dict[str, Any]:
    """A Table Schema field."""
    out: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if constraints:
        out["constraints"] = constraints
    return out


def entry(name: str, title: str, description: str, fields: list[dict[str, Any]], key: list[str],
          references: list[tuple[str, str]], licences: list[dict[str, str]], sources: list[dict[str, str]],
          attribution: str) -> dict[str, Any]:
    """A tabular data resource entry."""
    schema: dict[str, Any] = {"fields": fields, "primaryKey": key, "missingValues": [""]}
    if references:
        schema["foreignKeys"] = [{"fields": [f], "reference": {"resource": r, "fields": ["code"]}}
                                 for f, r in references]
    return {"name": name, "path": f"{name}.csv", "title": title, "description": description,
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "licenses": licences, "sources": sources, "attribution": attribution, "schema": schema}


def descriptors() -> list[dict[str, Any]]:
    """The two resource entries."""
    populations = entry(
        "populations", "Population by mid-year (ONS, 2023 boundaries)",
        f"Total population (persons) of each of the 153 councils at 30 June of each year, mid-{FIRST_YEAR} to "
        f"mid-{LAST_YEAR}, on April 2023 boundaries for every year (ONS back-casts the councils of 2019-2023 to "
        "2011), exactly as table MYE4 of the ONS mid-2023 release gives it; mid-2022 is ONS's revised figure. "
        "Per-head figures divide a figure by the population of its own year. " + ATTRIBUTION,
        [field("area_code", "string", "GSS code of the council", required=True, pattern="^E(06|08|09|10)[0-9]{6}$"),
         field("mid_year", "integer", "Year of the estimate: the population at 30 June of that year", required=True,
               minimum=FIRST_YEAR, maximum=LAST_YEAR),
         field("population", "integer", "Persons, all ages, unrounded as ONS publishes it", required=True, minimum=1),
         field("source", "string", "Where the value is: the ONS workbook, sheet and cell", required=True)],
        ["area_code", "mid_year"], [("area_code", "councils")], [OGL], [ONS_MYE], ATTRIBUTION)
    areas = entry(
        "predecessor_areas", "Whether an abolished council's area is its successors' together",
        "For each council abolished in 2019-2023: whether its area is exactly that of one council of 2023 or the "
        "sum of several (then its population in a year is theirs added up, since ONS's estimates are on 2023 "
        "boundaries), and where it is not, why. From mySociety's districts of each county (county-la) followed by "
        "replaced-by to the council of 2023 each ended in.",
        [field("predecessor_code", "string", "GSS code of the abolished council", required=True, unique=True),
         field("same_area", "boolean", "Its area is exactly that of the councils in successor_codes together",
               required=True),
         field("successor_codes", "string", "GSS codes (space-separated) of the councils of 2023 its area went to",
               required=True),
         field("note", "string", "Why its area is not theirs together (blank when it is)")],
        ["predecessor_code"], [("predecessor_code", "predecessors")], [CC_BY], [MYSOCIETY], "mySociety (CC-BY-4.0).")
    return [populations, areas]


def main() -> None:
    """Write populations.csv, predecessor_areas.csv and their descriptor entries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    table = read_mye4(args.shared / WORKBOOK)
    check_england(table)
    councils = [r["code"] for r in read_csv(args.out / "councils.csv")]
    (args.out / "populations.csv").write_text(to_csv(derive_populations(table, councils)), encoding="utf-8")
    areas = derive_predecessor_areas(args.shared, read_csv(args.out / "predecessors.csv"))
    (args.out / "predecessor_areas.csv").write_text(to_csv(areas), encoding="utf-8")
    path = args.out / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    entries = descriptors()
    names = {e["name"] for e in entries}
    package["resources"] = [r for r in package["resources"] if r.get("name") not in names] + entries
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
