"""The all-figures workbook, opened with openpyxl as a reader's spreadsheet would."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
from conftest import ROOT
from openpyxl.cell.cell import Cell

from sitegen.config import load_config
from sitegen.data.model import build_model
from sitegen.data.validate import validate_packages
from sitegen.publish.downloads import package_xlsx
from sitegen.publish.workbook import COLUMNS, all_figures_xlsx


def test_every_figure_is_a_typed_row_with_its_source() -> None:
    packages, problems = validate_packages(ROOT / "datapackages")
    assert not problems
    site = build_model(packages, load_config(ROOT))
    data = all_figures_xlsx(site)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["README", "figures"]
    readme = "\n".join(str(c.value) for c in book["README"]["A"] if c.value)
    assert "CC-BY-4.0" in readme and "How to cite" in readme and "Open Government Licence" in readme
    sheet = book["figures"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:AA{len(site.figures) + 1}"
    header = [c.value for c in sheet[1]]
    assert header == [name for name, _ in COLUMNS]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    by_id = {f.id: f for f in site.figures}
    assert sorted(r["id"] for r in rows) == sorted(by_id) and len(rows) == len(site.figures)
    for row in rows:
        f = by_id[row["id"]]
        assert isinstance(row["value"], int | float) and not isinstance(row["value"], bool)
        assert row["value"] == f.value
        assert isinstance(row["period_start"], datetime) and row["period_start"].date() == f.period_start
        assert isinstance(row["period_end"], datetime) and row["period_end"].date() == f.period_end
        assert isinstance(row["counterparty_inferred"], bool)
        assert row["source_url"] == f.source.url and row["source_url"].startswith(("https://", "http://"))
        assert row["measure_label"] == f.measure.label and row["source_title"] == f.source.title
        assert (row["said_by"] or "", row["flag"] or "", row["precision"]) == (f.said_by, f.flag, f.precision)
        published = row["source_published"]
        assert published is None if f.source.published is None else published.date() == f.source.published
    packages_seen = {r["package"] for r in rows}
    assert packages_seen == {p.parent.name for p in (ROOT / "datapackages").glob("*/figures.csv")}


def test_the_workbook_is_byte_identical_across_builds() -> None:
    packages, _ = validate_packages(ROOT / "datapackages")
    site = build_model(packages, load_config(ROOT))
    assert all_figures_xlsx(site) == all_figures_xlsx(site)


def test_a_figure_has_the_same_typed_cells_in_its_package_workbook_and_the_all_figures_one() -> None:
    """Dates are dates in one date format, numbers numbers, booleans booleans, blanks blank, in both workbooks."""
    packages, _ = validate_packages(ROOT / "datapackages")
    site = build_model(packages, load_config(ROOT))
    every = {row["id"].value: row for row in sheet_rows(all_figures_xlsx(site), "figures")}
    checked, kinds = 0, set[str]()
    for name, package in sorted(site.packages.packages.items()):
        if "figures" not in package.resources:
            continue
        data = package_xlsx(package, site.updated)
        sources = {row["id"].value: row for row in sheet_rows(data, "sources")}
        for row in sheet_rows(data, "figures"):
            same = every[row["id"].value]
            for column in ("id", "area_code", "measure", "value", "unit", "period_label", "period_start",
                           "period_end", "qualifier", "status", "claimant", "counterparty_inferred", "note"):
                assert typed(row[column]) == typed(same[column]), (name, row["id"].value, column)
                kinds.add(typed(row[column])[0])
            assert typed(row["counterparty_name"]) == typed(same["counterparty"])
            assert typed(sources[row["source_id"].value]["published"]) == typed(same["source_published"])
            checked += 1
    assert checked == len(site.figures)
    assert {"datetime", "bool", "NoneType", "str"} <= kinds and kinds & {"int", "float"}  # every kind compared


def sheet_rows(data: bytes, name: str) -> list[dict[str, Cell]]:
    """A sheet's rows by its header, each cell as openpyxl reads it."""
    rows = list(openpyxl.load_workbook(io.BytesIO(data))[name].iter_rows())
    header = [str(c.value) for c in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def typed(cell: Cell) -> tuple[str, object, str]:
    """A cell's type, value and (for a date) its number format: what a spreadsheet shows."""
    fmt = cell.number_format if isinstance(cell.value, datetime) else ""
    return type(cell.value).__name__, cell.value, fmt
