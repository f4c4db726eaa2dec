"""A second project on another topic, made by code: SYNTHETIC payments between health boards and councils
in a fictional country. Nothing here is real or published; it proves the generator is driven by its data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import MINI

LABEL = "SYNTHETIC test data: a fictional country, never published"
CODES = {  # the mini fixture's English code patterns -> the fictional country's
    "^E(06|08|09|10)[0-9]{6}$": "^X12[0-9]{6}$", "^E54[0-9]{6}$": "^X15[0-9]{6}$", "^E38[0-9]{6}$": "^X38[0-9]{6}$",
    "^E92[0-9]{6}$": "^X92[0-9]{6}$", "^E[0-9]{8}$": "^X[0-9]{8}$", "^E(54|38)[0-9]{6}$": "^X(15|38)[0-9]{6}$",
}
REFERENCE = {
    "councils": [["code", "name", "short_name", "slug", "type", "region", "population", "latitude", "longitude",
                  "icb_code"],
                 ["X12000001", "Northvale Council", "Northvale", "northvale", "Unitary authority", "North", "120000",
                  "", "", "X15000001"],
                 ["X12000002", "Southmere Council", "Southmere", "southmere", "Unitary authority", "South", "80000",
                  "", "", "X15000002"]],
    "icbs": [["code", "ods_code", "name", "short_name", "slug"],
             ["X15000001", "HB1", "Northvale and Fells Health Board", "Northvale and Fells", "northvale-and-fells"],
             ["X15000002", "HB2", "Southmere Coast Health Board", "Southmere Coast", "southmere-coast"]],
    "council_icbs": [["council_code", "icb_code", "lsoa_count", "approx_share", "is_primary"],
                     ["X12000001", "X15000001", "40", "1.0000", "true"],
                     ["X12000002", "X15000002", "30", "1.0000", "true"]],
    "former_ccgs": [["code", "ods_code", "name", "icb_code"]],
    "nations": [["code", "name", "slug"], ["X92000001", "Synthland", "synthland"]],
}
FIGURES = {
    "topics": [["id", "label", "order"], ["joint-funding", "Joint funding", "1"],
               ["late-payment", "Late payments", "2"]],
    "measures": [["id", "label", "unit", "definition", "topic", "allows_negative"],
                 ["pooled-budget", "Pooled budget", "GBP", "Money both bodies put into a shared budget.",
                  "joint-funding", "false"],
                 ["late-invoices", "Invoices paid late", "count", "Invoices between the bodies paid after 30 days.",
                  "late-payment", "false"]],
    "sources": [["id", "title", "publisher", "published", "url", "kind", "confidence"],
                ["synthetic-return", "Synthetic joint finance return (SYNTHETIC)", "Test suite", "2025-06-30",
                 "https://example.org/synthetic/joint-finance-return", "primary", "high"]],
    "figures": [["id", "area_code", "area_name_reported", "counterparty_code", "counterparty_name",
                 "counterparty_inferred", "measure", "value", "unit", "period_start", "period_end", "period_label",
                 "qualifier", "status", "claimant", "source_id", "note"]] + [
        [f"{slug}-{m}-{y}-{(y + 1) % 100:02d}", code, name, board, "", "false", m, str(v), unit, f"{y}-04-01",
         f"{y + 1}-03-31", f"{y}-{(y + 1) % 100:02d}", "exact", "reported", "", "synthetic-return", LABEL]
        for slug, code, name, board in (("northvale", "X12000001", "Northvale Council", "X15000001"),
                                        ("southmere", "X12000002", "Southmere Council", "X15000002"))
        for m, unit, base in (("pooled-budget", "GBP", 4_000_000), ("late-invoices", "count", 30))
        for y, v in ((2022, base), (2023, base + base // 4))],
}


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """Rows as a CSV file."""
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)


def descriptor(source: Path, name: str, title: str) -> dict[str, object]:
    """A mini fixture descriptor, renamed, relabelled and with the fictional country's code patterns."""
    text = source.read_text(encoding="utf-8")
    for english, fictional in CODES.items():
        text = text.replace(json.dumps(english)[1:-1], json.dumps(fictional)[1:-1])
    body = json.loads(text)
    body |= {"name": name, "title": title, "description": LABEL}
    return body


def make_other_project(root: Path) -> Path:
    """Write the project (settings, reference package, one figures package named unlike any real one)."""
    for name, tables, source, title in (
            ("reference", REFERENCE, "reference", "Synthland councils and health boards (SYNTHETIC)"),
            ("board-payments", FIGURES, "nhs-debts", "Money between Synthland's boards and councils (SYNTHETIC)")):
        folder = root / "datapackages" / name
        folder.mkdir(parents=True)
        for table, rows in tables.items():
            write_csv(folder / f"{table}.csv", rows)
        body = descriptor(MINI / "datapackages" / source / "datapackage.json", name, title)
        resources = body["resources"]
        assert isinstance(resources, list)
        kept = [r for r in resources if r["name"] in tables]  # none it has no table for
        for r in kept:  # nor optional fields it has no column for (a figure's dispute)
            r["schema"]["fields"] = [f for f in r["schema"]["fields"] if f["name"] in tables[r["name"]][0]]
        body["resources"] = kept
        (folder / "datapackage.json").write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    (root / "sitegen.toml").write_text('[site]\ntitle = "Board payments in Synthland (SYNTHETIC)"\n'
                                       'base_url = "https://example.org/synthland/"\n', encoding="utf-8")
    return root
