"""Derive datapackages/reference/neighbours.csv: each council's 10 statistical neighbours (DfE, 2025 model).

The Department for Education's children's services statistical neighbour model (2025), as extracted by DfE
analysts (`neighbours/sn_model_2025_wide.csv`), lists councils by DfE LA number; each number is resolved to its
GSS code here, with DfE's own mapping beside it (its newest year for that number), and must be one of the 153
councils. The model is built for children's services, not adult social care: every page showing it says so.
Adds (or replaces) the resource entry at the end of datapackages/reference/datapackage.json. Rerunnable.

Usage: python scripts/derive_neighbours.py [--shared PATH] [--out PATH]
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
MODEL = "neighbours/sn_model_2025_wide.csv"
CODES = "neighbours/dfe_la_codes_from_ons_mid-year_population_estimates_2012_to_2024.csv"
NEIGHBOURS = 10
CLOSENESS = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")
OGL = {"name": "OGL-UK-3.0", "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
       "title": "Open Government Licence v3.0"}
DFE = {"title": "Department for Education: children's services statistical neighbour benchmarking tool, 2025 model "
                "(last updated May 2025), as extracted by DfE analysts in CSC_outcomes_and_enablers "
                "(data-raw/sn_model_2025_wide.csv, commit 2f5d11a)",
       "path": "https://github.com/dfe-analytical-services/CSC_outcomes_and_enablers"}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV as dicts (a UTF-8 BOM dropped)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def dfe_to_gss(path: Path, councils: set[str]) -> dict[str, str]:
    """DfE LA number -> GSS code, from DfE's newest year for each number; each must be one of the councils."""
    newest: dict[str, tuple[int, str]] = {}
    for line, r in enumerate(read_csv(path), start=2):
        number, code = r["old_la_code"].strip(), r["new_la_code"].strip()
        if r["geographic_level"] != "Local authority" or not number:
            continue
        if not r["time_period"].isdigit():
            raise SystemExit(f"{path} line {line}, field time_period, value {r['time_period']!r}: not a year")
        year = int(r["time_period"])
        if number not in newest or year > newest[number][0]:
            newest[number] = (year, code)
    return {number: code for number, (_, code) in newest.items() if code in councils}


def derive_neighbours(shared: Path, councils: set[str]) -> list[dict[str, str]]:
    """One row per council and neighbour, nearest first, with DfE's closeness and the cell it comes from."""
    gss = dfe_to_gss(shared / CODES, councils)
    path = shared / MODEL
    rows, seen = [], set()
    for line, r in enumerate(read_csv(path), start=2):
        number = r["old_la_code"].strip()
        if number not in gss:
            raise SystemExit(f"{path} line {line}, field old_la_code, value {number!r}: no GSS code among the "
                             f"153 councils in {CODES}")
        code = gss[number]
        seen.add(code)
        for rank in range(1, NEIGHBOURS + 1):
            other, closeness = r[f"SN_{rank}"].strip(), r[f"SN_{rank}P"].strip()
            if other not in gss or gss[other] == code:
                raise SystemExit(f"{path} line {line}, field SN_{rank}, value {other!r}: not another of the "
                                 "153 councils")
            if closeness not in CLOSENESS:
                raise SystemExit(f"{path} line {line}, field SN_{rank}P, value {closeness!r}: not one of "
                                 f"{', '.join(CLOSENESS)}")
            rows.append({"council_code": code, "neighbour_code": gss[other], "rank": str(rank),
                         "closeness": closeness, "source": f"{Path(MODEL).name}, line {line}, column SN_{rank}"})
    if seen != councils:
        raise SystemExit(f"{path}: no row for council(s) {', '.join(sorted(councils - seen))}")
    return sorted(rows, key=lambda row: (row["council_code"], int(row["rank"])))


def to_csv(rows: list[dict[str, str]]) -> str:
    """CSV text, LF line endings."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def descriptor() -> dict[str, Any]:
    """The resource entry."""
    fields = [
        {"name": "council_code", "type": "string", "description": "GSS code of the council",
         "constraints": {"required": True}},
        {"name": "neighbour_code", "type": "string", "description": "GSS code of one of its statistical neighbours",
         "constraints": {"required": True}},
        {"name": "rank", "type": "integer", "description": "1 = the closest neighbour, 10 = the tenth closest",
         "constraints": {"required": True, "minimum": 1, "maximum": NEIGHBOURS}},
        {"name": "closeness", "type": "string", "description": "DfE's closeness label",
         "constraints": {"required": True, "enum": list(CLOSENESS)}},
        {"name": "source", "type": "string", "description": "Where it is in DfE's file: line and column",
         "constraints": {"required": True}},
    ]
    return {
        "name": "neighbours", "path": "neighbours.csv",
        "title": "Statistical neighbours (Department for Education, 2025 model, built for children's services)",
        "description": "For each of the 153 councils, its 10 statistical neighbours, closest first: councils most "
        "alike on the Department for Education's measures, in its 2025 model built for children's services (not "
        "adult social care; the model usual for adult social care, CIPFA's, is not open). DfE LA numbers resolved "
        "to GSS codes with DfE's own mapping. Data of the Department for Education, Open Government Licence v3.0 "
        "(DfE's default for its statistics; the file states no licence).",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "licenses": [OGL], "sources": [DFE],
        "attribution": "Department for Education: children's services statistical neighbour model, 2025 (built for "
                       "children's services). Open Government Licence v3.0.",
        "schema": {"fields": fields, "primaryKey": ["council_code", "rank"], "missingValues": [""],
                   "foreignKeys": [{"fields": ["council_code"], "reference": {"resource": "councils",
                                                                              "fields": ["code"]}},
                                   {"fields": ["neighbour_code"], "reference": {"resource": "councils",
                                                                                "fields": ["code"]}}]},
    }


def main() -> None:
    """Write neighbours.csv and its descriptor entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    councils = {r["code"] for r in read_csv(args.out / "councils.csv")}
    (args.out / "neighbours.csv").write_text(to_csv(derive_neighbours(args.shared, councils)), encoding="utf-8")
    path = args.out / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    entry = descriptor()
    package["resources"] = [r for r in package["resources"] if r.get("name") != entry["name"]] + [entry]
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
