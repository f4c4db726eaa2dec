"""Derive datapackages/reference/council_districts.csv: the district council areas inside each council.

So that a search for a town's district (Harrogate, Cheltenham) finds the council that runs its social care.
Current districts come from the ONS LTLA 2023 -> UTLA 2023 lookup; districts abolished since 2021 (Harrogate,
Allerdale, Corby...) from the ONS LTLA 2021 names, mapped to their successor with mySociety's `replaced-by`.
Adds (or replaces) its resource entry at the end of datapackages/reference/datapackage.json. Rerunnable.

Usage: python scripts/derive_districts.py [--shared PATH] [--out PATH]
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
OGL = {"name": "OGL-UK-3.0", "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
       "title": "Open Government Licence v3.0"}
CC_BY = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
         "title": "Creative Commons Attribution 4.0"}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV as dicts (a UTF-8 BOM dropped)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def current_districts(shared: Path, councils: set[str]) -> dict[str, dict[str, str]]:
    """District code -> row, for districts of 2023 inside one of the councils."""
    return {r["ltla23_code"]: {"council_code": r["utla23_code"], "district_code": r["ltla23_code"],
                               "district_name": r["ltla23_name"], "abolished": ""}
            for r in read_csv(shared / "ons/lookup_ltla23_utla23.csv")
            if r["utla23_code"] in councils and r["ltla23_code"] != r["utla23_code"]}


def former_districts(shared: Path, councils: set[str], known: set[str]) -> dict[str, dict[str, str]]:
    """District code -> row, for 2021 districts gone by 2023, each under the council that replaced it."""
    society = read_csv(shared / "mysociety/uk_local_authorities_current.csv")
    gss = {r["local-authority-code"]: r["gss-code"] for r in society}
    by_code = {r["gss-code"]: r for r in society}
    out = {}
    for r in read_csv(shared / "ons/ccg21_stp21_ltla21_by_lsoa11_count.csv"):
        code = r["ltla21_code"]
        if code in known or code in councils or code in out or not code.startswith("E07"):
            continue
        successor = gss.get(by_code.get(code, {}).get("replaced-by", ""), "")
        if successor not in councils:
            raise SystemExit(f"district {code} {r['ltla21_name']} has no successor among the councils")
        out[code] = {"council_code": successor, "district_code": code, "district_name": r["ltla21_name"],
                     "abolished": by_code[code]["end-date"]}
    return out


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
        {"name": "council_code", "type": "string", "description": "GSS code of the council with care duties",
         "constraints": {"required": True}},
        {"name": "district_code", "type": "string", "description": "GSS code of the district (E07)",
         "constraints": {"required": True, "unique": True}},
        {"name": "district_name", "type": "string", "description": "Name of the district (ONS)",
         "constraints": {"required": True}},
        {"name": "abolished", "type": "date", "description": "Date the district council was abolished; blank "
         "when it still exists"},
    ]
    return {
        "name": "council_districts", "path": "council_districts.csv", "title": "Districts inside each council",
        "description": "District council areas inside each county council (ONS LTLA 2023 to UTLA 2023 lookup), "
        "and districts abolished between 2021 and 2023 under the council that replaced them (ONS LTLA 2021 "
        "names; successor from mySociety). Contains public sector information licensed under the Open "
        "Government Licence v3.0. Source: Office for National Statistics.",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "licenses": [OGL, CC_BY],
        "sources": [{"title": "Office for National Statistics: LTLA 2023 to UTLA 2023 lookup; LTLA 2021 names",
                     "path": "https://geoportal.statistics.gov.uk/"},
                    {"title": "mySociety: UK local authority names and codes (commit 67ef8b1, 2025-07-10)",
                     "path": "https://github.com/mysociety/uk_local_authority_names_and_codes"}],
        "schema": {"fields": fields, "primaryKey": ["district_code"],
                   "foreignKeys": [{"fields": ["council_code"],
                                    "reference": {"resource": "councils", "fields": ["code"]}}]},
    }


def main() -> None:
    """Write council_districts.csv and its descriptor entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    councils = {r["code"] for r in read_csv(args.out / "councils.csv")}
    rows = current_districts(args.shared, councils)
    rows |= former_districts(args.shared, councils, set(rows))
    ordered = sorted(rows.values(), key=lambda r: (r["council_code"], r["district_code"]))
    (args.out / "council_districts.csv").write_text(to_csv(ordered), encoding="utf-8")
    path = args.out / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    entry = descriptor()
    package["resources"] = [r for r in package["resources"] if r.get("name") != entry["name"]] + [entry]
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
