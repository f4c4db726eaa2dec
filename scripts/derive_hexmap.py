"""Derive the hex layouts of the 153 councils (2023) and the 42 ICBs from Open Innovations' HexJSON (MIT).

Writes datapackages/reference/council_hexes.csv and icb_hexes.csv, and adds (or replaces) their two
resource entries at the end of datapackages/reference/datapackage.json. Rerunnable and deterministic.
Every change to the upstream layout is listed in CHANGES below and in docs/hexmap.md.

Usage: python scripts/derive_hexmap.py [--shared PATH] [--out PATH]
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
UPSTREAM = "odileeds/hexmaps@5383e24a0fbfb1a53e0dcafdf902bf6213e22b75"
MIT = {"name": "MIT", "path": "https://opensource.org/licenses/MIT",
       "title": "MIT License, Copyright (c) 2017- Open Innovations"}
CREDIT = ("Hex layout by Open Innovations (MIT License, Copyright (c) 2017- Open Innovations), "
          "https://github.com/odileeds/hexmaps")

# successor code -> (predecessor code in the upstream layout, cell (q, r) or None for the predecessor's own, why)
CHANGES: dict[str, tuple[str, tuple[int, int] | None, str]] = {
    "E06000060": ("E10000002", None, "Buckinghamshire Council takes the hex of Buckinghamshire County Council"),
    "E06000062": ("E10000021", None, "West Northamptonshire takes the hex of Northamptonshire"),
    "E06000061": ("E10000021", (7, 6), "North Northamptonshire: Northamptonshire had no free neighbour, so "
                  "Herefordshire and Warwickshire move one cell west and West Northamptonshire with them"),
    "E06000064": ("E10000006", None, "Westmorland and Furness takes the hex of Cumbria"),
    "E06000063": ("E10000006", (6, 15), "Cumberland takes the free cell north of Cumbria"),
    "E06000065": ("E10000023", None, "North Yorkshire Council takes the hex of North Yorkshire County Council"),
    "E06000066": ("E10000027", None, "Somerset Council takes the hex of Somerset County Council"),
}
# upstream council -> new cell, to free a cell next to Northamptonshire (row 6 shifts west into a free cell)
MOVES: dict[str, tuple[int, int]] = {"E06000019": (4, 6), "E10000031": (5, 6), "E10000021": (6, 6)}


def neighbours(q: int, r: int) -> set[tuple[int, int]]:
    """The six cells next to (q, r) in an `odd-r` layout (odd rows shifted right)."""
    dq = (0, 1) if r % 2 else (-1, 0)
    return {(q - 1, r), (q + 1, r)} | {(q + d, r + dr) for d in dq for dr in (-1, 1)}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV as dicts."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def council_cells(hexes: dict[str, Any], councils: list[str]) -> list[dict[str, Any]]:
    """Each 2023 council's cell and how it was placed; fails loudly on any overlap or gap."""
    cells = {code: (h["q"], h["r"]) for code, h in hexes.items()} | MOVES
    rows = []
    for code in councils:
        if code in CHANGES:
            before, cell, why = CHANGES[code]
            q, r = cell or cells[before]
            if cell is not None:
                assert cell in neighbours(*cells[before]), f"{code}: {cell} is not next to {before}"
        elif code in cells:
            (q, r), why = cells[code], "as in the Open Innovations layout" + (
                ", moved one cell west to make room for North Northamptonshire" if code in MOVES else "")
        else:
            raise SystemExit(f"{code} is in councils.csv but has no hex and no entry in CHANGES")
        rows.append({"council_code": code, "q": q, "r": r, "placement": why})
    taken = [(row["q"], row["r"]) for row in rows]
    assert len(set(taken)) == len(taken), "two councils share a hex"
    return rows


def icb_cells(hexes: dict[str, Any], icbs: list[dict[str, str]]) -> list[dict[str, Any]]:
    """Each 2024 ICB's cell, matched on its ODS code (the 2022 layout's ONS codes changed in 2023)."""
    rows = []
    for icb in icbs:
        h = hexes.get(icb["ods_code"])
        if h is None:
            raise SystemExit(f"ICB {icb['code']} ({icb['ods_code']}) has no hex")
        rows.append({"icb_code": icb["code"], "q": h["q"], "r": h["r"]})
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV text, LF line endings."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def field(name: str, kind: str, description: str, **constraints: Any) -> dict[str, Any]:
    """A Table Schema field."""
    out: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if constraints:
        out["constraints"] = constraints
    return out


def resource(name: str, title: str, description: str, fields: list[dict[str, Any]], key: str,
             reference: str) -> dict[str, Any]:
    """A tabular resource under the MIT licence, crediting Open Innovations."""
    return {
        "name": name, "path": f"{name}.csv", "title": title, "description": f"{description} {CREDIT}.",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "licenses": [MIT], "sources": [{"title": f"Open Innovations hexmaps ({UPSTREAM})",
                                        "path": "https://github.com/odileeds/hexmaps"}],
        "schema": {"fields": fields, "primaryKey": [key],
                   "foreignKeys": [{"fields": [key], "reference": {"resource": reference, "fields": ["code"]}}]},
    }


def cell_fields() -> list[dict[str, Any]]:
    """q and r of an `odd-r` hex layout."""
    return [field("q", "integer", "Column of the hex (odd-r layout: odd rows shifted right)", required=True),
            field("r", "integer", "Row of the hex, counted from the south", required=True)]


def descriptors() -> list[dict[str, Any]]:
    """The two resource entries."""
    councils = resource(
        "council_hexes", "Hex map layout of the councils",
        "One equal-area hex per council: Open Innovations' upper-tier layout adapted to the 2023 councils "
        "(see docs/hexmap.md).",
        [field("council_code", "string", "GSS code of the council", required=True, unique=True),
         *cell_fields(), field("placement", "string", "How the council's hex was placed", required=True)],
        "council_code", "councils")
    icbs = resource("icb_hexes", "Hex map layout of the Integrated Care Boards",
                    "One hex per ICB, from Open Innovations' 2022 ICB layout matched on ODS code.",
                    [field("icb_code", "string", "ONS code of the ICB", required=True, unique=True), *cell_fields()],
                    "icb_code", "icbs")
    return [councils, icbs]


def write_descriptor(path: Path, entries: list[dict[str, Any]]) -> None:
    """Replace or append the entries at the end of the resources list, keeping everything else."""
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    names = {e["name"] for e in entries}
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("name") not in names] + entries
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    """Read the upstream layouts and the reference package, write the two hex resources."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    councils = [r["code"] for r in read_csv(args.out / "councils.csv")]
    upstream = json.loads((args.shared / "hexmaps/uk-upper-tier-local-authorities.hexjson").read_text())["hexes"]
    icb_upstream = json.loads((args.shared / "hexmaps/nhs-icb-2022.hexjson").read_text())["hexes"]
    (args.out / "council_hexes.csv").write_text(to_csv(council_cells(upstream, councils)), encoding="utf-8")
    icb_rows = icb_cells(icb_upstream, read_csv(args.out / "icbs.csv"))
    (args.out / "icb_hexes.csv").write_text(to_csv(icb_rows), encoding="utf-8")
    write_descriptor(args.out / "datapackage.json", descriptors())


if __name__ == "__main__":
    main()
