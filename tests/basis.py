"""The one basis of a comparison, worked out here by hand from the CSVs: money per head, counts per 100,000."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from conftest import ROOT

REFERENCE = ROOT / "datapackages/reference"
PER = {"GBP": 1, "count": 100_000}
LABEL = {"GBP": "per head", "count": "per 100,000 residents"}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def the_mid_year(end: str) -> int:
    """30 June on or before the period's last day, worked out here by hand."""
    day = date.fromisoformat(end)
    return day.year if day >= date(day.year, 6, 30) else day.year - 1


def populations() -> dict[str, dict[int, int]]:
    """Code -> mid-year -> persons: the councils from populations.csv; an abolished council whose area is exactly
    its successors' has their sum (predecessor_areas.csv), any other none."""
    out: dict[str, dict[int, int]] = {}
    for r in read(REFERENCE / "populations.csv"):
        out.setdefault(r["area_code"], {})[int(r["mid_year"])] = int(r["population"])
    for r in read(REFERENCE / "predecessor_areas.csv"):
        if r["same_area"] == "true":
            parts = r["successor_codes"].split()
            out[r["predecessor_code"]] = {y: sum(out[c][y] for c in parts) for y in out[parts[0]]}
    return out


def on_basis(values: dict[str, float], unit: str, end: str, people: dict[str, dict[int, int]]) -> dict[str, float]:
    """Each council's value on its unit's basis in the period's own mid-year (the latest, for a later period);
    a percentage as it is; a council with no population left out."""
    if unit not in PER:
        return dict(values)
    out = {}
    for code, value in values.items():
        if code in people:
            year = min(the_mid_year(end), max(people[code]))
            if year in people[code]:
                out[code] = value / people[code][year] * PER[unit]
    return out


def rate_text(v: float, unit: str) -> str:
    """`£12.34 per head`, `123.4 per 100,000 residents`, as the site writes a value on its basis."""
    sign = "\u2212" if v < 0 else ""
    return f"{sign}£{abs(v):,.2f} per head" if unit == "GBP" else f"{sign}{abs(v):,.1f} per 100,000 residents"
