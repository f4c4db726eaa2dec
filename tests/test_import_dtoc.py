"""`sitegen import` of NHS England's Delayed Transfers of Care workbooks, checked against the workbooks read here."""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import xlrd
from click.testing import CliRunner

from sitegen.cli import cli
from sitegen.errors import ProblemsFound
from sitegen.importers import LAYOUTS, dtoc, dtoc_sha
from sitegen.importers.core import detect
from sitegen.importers.run import load_areas
from sitegen.importers.workbook import read_any

ROOT = Path(__file__).resolve().parent.parent
DTOC = ROOT.parent / "shared" / "data" / "official" / "dtoc"
PACKAGE = "delayed-transfers"
# one worker runs them all: the 105 workbooks are imported once a run, not once a worker
pytestmark = [pytest.mark.skipif(not DTOC.is_dir(), reason="needs ../shared/data/official/dtoc"),
              pytest.mark.xdist_group("dtoc")]
APRIL_2019 = datetime(2019, 4, 1)  # Dorset's councils reorganised: DH code 809 is Dorset Council's from May
COLUMNS = {"NHS": "delayed-days-nhs", "Social Care": "delayed-days-social-care", "Both": "delayed-days-both"}


def empty_project(where: Path) -> Path:
    """A copy of this project without its delayed-transfers package (the import ships its skeleton)."""
    shutil.copytree(ROOT / "datapackages", where / "datapackages", ignore=lambda folder, _: (
        [PACKAGE] if Path(folder) == ROOT / "datapackages" else []))
    assert not (where / "datapackages" / PACKAGE).exists()
    shutil.copy(ROOT / "sitegen.toml", where / "sitegen.toml")
    return where


def run(project: Path, path: Path, *options: str) -> tuple[int, str]:
    """`sitegen import PATH [OPTIONS]` in a project: exit code and everything printed."""
    result = CliRunner().invoke(cli, ["import", str(path), "--project", str(project), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def package_bytes(project: Path) -> dict[str, bytes]:
    """Every file of the delayed-transfers package."""
    return {p.name: p.read_bytes() for p in sorted((project / "datapackages" / PACKAGE).iterdir())}


@pytest.fixture(scope="session")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The 105 workbooks imported once for the session, then again: outputs and the package's bytes each time."""
    project = empty_project(tmp_path_factory.mktemp("dtoc"))
    first = run(project, DTOC)
    after_first = package_bytes(project)
    second = run(project, DTOC)
    with (project / "datapackages" / PACKAGE / "figures.csv").open(encoding="utf-8", newline="") as handle:
        figures = list(csv.DictReader(handle))
    return {"project": project, "first": first, "second": second, "bytes": (after_first, package_bytes(project)),
            "figures": figures}


def workbook_rows(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """The month and the rows of sheet `LA - by responsible org`, read with xlrd here, apart from the adapters."""
    book = xlrd.open_workbook(str(path), on_demand=True)
    sheet = book.sheet_by_name(next(n for n in book.sheet_names() if n.lower() == "la - by responsible org"))
    values = [sheet.row_values(r) for r in range(sheet.nrows)]
    month = next(row[2] for row in values if len(row) > 2 and row[1] == "Period:")
    top = next(r for r, row in enumerate(values) if "Name" in row)
    head = values[top]
    at = {name: head.index(name) for name in ("Code", "Name", *COLUMNS)}
    gss = head.index("ONS Geography") if "ONS Geography" in head else None
    rows = []
    for number, row in enumerate(values[top + 1:], start=top + 2):
        name = str(row[at["Name"]]).strip()
        if not name:
            continue
        rows.append({"row": number, "name": name, "code": str(row[at["Code"]]).strip(),
                     "gss": str(row[gss]).strip() if gss is not None else None,
                     "cells": {COLUMNS[c]: row[at[c]] for c in COLUMNS}})
    return month, rows


@pytest.fixture(scope="session")
def workbooks() -> dict[str, list[dict[str, Any]]]:
    """Every workbook's rows by month."""
    read = [workbook_rows(path) for path in sorted(DTOC.glob("*.xls"))]
    return dict(read)


def test_every_value_equals_its_cell_and_every_dash_stays_a_gap(imported: dict[str, Any],
                                                              workbooks: dict[str, list[dict[str, Any]]]) -> None:
    assert imported["first"][0] == 0, imported["first"][1]
    by_key = {(f["period_label"], f["area_name_reported"], f["measure"]): f for f in imported["figures"]}
    assert len(by_key) == len(imported["figures"])  # a council's name is written once a month
    assert len(workbooks) == 105
    values = gaps = 0
    for month, rows in workbooks.items():
        for row in rows:
            if row["name"].lower().startswith("resident"):
                continue
            for measure, cell in row["cells"].items():
                key = (month, row["name"], measure)
                if cell == "-":
                    assert key not in by_key, key  # never a zero
                    gaps += 1
                    continue
                assert isinstance(cell, float) and cell == int(cell), (key, cell)
                figure = by_key[key]
                assert (figure["value"], figure["published_value"], figure["unit"]) == (str(int(cell)),) * 2 + (
                    "count",), key
                assert figure["source_id"] == f"src-dtoc-{figure['period_start'][:7]}"
                values += 1
    assert values == len(imported["figures"]) == 47820 and gaps == 36


def test_each_row_goes_to_its_council_by_gss_code_or_by_dh_code(imported: dict[str, Any],
                                                                workbooks: dict[str, list[dict[str, Any]]]) -> None:
    # the DH code -> GSS pairs of the months that carry both, before the April 2019 reorganisation
    pairs = {(r["code"], r["gss"]) for m, rows in workbooks.items() for r in rows
             if r["gss"] and re.fullmatch(r"E\d{8}", r["gss"]) and datetime.strptime(m, "%B %Y") < APRIL_2019}
    gss_of = dict(pairs)
    assert len(gss_of) == len(pairs)  # one GSS code a DH code
    areas = {(f["period_label"], f["area_name_reported"]): f["area_code"] for f in imported["figures"]}
    for month, rows in workbooks.items():
        for row in rows:
            area = areas.get((month, row["name"]))
            if area is None:  # outside England, or every cell a gap
                continue
            if row["name"] == "England":
                assert area == "E92000001"
            elif month == "April 2019" and row["name"] == "Bournemouth UA":
                assert area == "E06000058"  # BCP, with a note saying so
            else:
                assert area == (row["gss"] or gss_of[row["code"]]), (month, row)


def test_the_three_outside_england_rows_are_left_out_and_said_so(imported: dict[str, Any]) -> None:
    assert not [f for f in imported["figures"] if f["area_name_reported"].lower().startswith("resident")]
    out = imported["first"][1]
    assert "Left out 315 rows of patients resident outside England (Resident In Wales, Resident in Scotland, " \
           "Resident outside GB)" in out
    assert "Months: 105, April 2011 to December 2019." in out
    assert "(33 dtoc-beds, 21 dtoc-ons, 27 dtoc-region, 24 dtoc-sha) into delayed-transfers: 47820 figures added" \
        in out
    assert "47820 figures, 36 gaps" in out and "153 councils and England" in out
    assert re.search(r"Worth a look: \d+ months in \d+ series more than 5 times", out)


def test_a_second_run_changes_no_byte(imported: dict[str, Any]) -> None:
    code, out = imported["second"]
    assert code == 0 and "0 figures added, 0 changed, 47820 unchanged; 0 sources added, 0 changed, 105 unchanged" \
        in out
    before, after = imported["bytes"]
    assert before == after


def test_the_committed_package_is_what_the_import_writes(imported: dict[str, Any]) -> None:
    _, after = imported["bytes"]
    assert after == package_bytes(ROOT)  # importing into this repository changes nothing


def test_april_2019_bournemouth_is_bcp_with_a_note_and_former_councils_keep_their_figures(
        imported: dict[str, Any]) -> None:
    rows = {(f["area_code"], f["measure"], f["period_label"]): f for f in imported["figures"]}
    bcp = rows[("E06000058", "delayed-days-nhs", "April 2019")]
    assert (bcp["value"], bcp["area_name_reported"]) == ("894", "Bournemouth UA")
    assert "our inference, not the publisher's statement" in bcp["note"]
    assert not rows[("E06000058", "delayed-days-nhs", "May 2019")]["note"]
    assert ("E06000028", "delayed-days-nhs", "April 2019") not in rows
    assert not [k for k in rows if k[0] == "E06000029" and k[2] == "April 2019"]  # Poole: all '-'
    assert rows[("E06000028", "delayed-days-nhs", "March 2019")]["value"] == "374"  # Mar_19.xls row 125
    dorset = rows[("E10000009", "delayed-days-nhs", "April 2019")]  # published under the county's code
    assert "kept under that code as published" in dorset["note"]
    kent = [rows[("E10000016", m, "April 2017")]["value"] for m in COLUMNS.values()]
    assert kent == ["2969", "1522", "216"]  # the data folder's README: Kent April 2017


@pytest.mark.parametrize(("name", "layout"), [
    ("April_11.xls", "dtoc-sha"), ("March_13.xls", "dtoc-sha"), ("April_13.xls", "dtoc-region"),
    ("June_15.xls", "dtoc-region"), ("July_15.xls", "dtoc-ons"), ("March_17.xls", "dtoc-ons"),
    ("April_17.xls", "dtoc-beds"), ("May_19.xls", "dtoc-beds"),
])
def test_the_layout_is_found_from_the_header_row(name: str, layout: str, tmp_path: Path) -> None:
    copy = tmp_path / "renamed.xls.bin"  # the name says nothing: the header does
    shutil.copy(DTOC / name, copy)
    raw = read_any(copy)
    assert layout == detect(raw, LAYOUTS).NAME
    assert [m.NAME for m in LAYOUTS if m.detect(raw)] == [layout]


def test_an_unknown_code_is_refused_where_it_is() -> None:
    raws = [read_any(DTOC / n) for n in ("April_11.xls", "July_15.xls")]
    areas = load_areas(ROOT / "datapackages" / "reference")
    assert dtoc.prepare(raws, areas, read_any)[1] == []
    old = raws[0]
    records = [list(r) for r in old.records]
    assert records[17][2:4] == ["717", "Barnet"]
    records[17][2] = "999"
    with pytest.raises(ProblemsFound) as caught:
        dtoc_sha.read(replace(old, records=records), areas)
    found = caught.value.problems
    assert [(p.path, p.line, p.field, p.value) for p in found] == [
        (old.shown, 18, "Code", "999")]
    assert old.shown.endswith("April_11.xls [sheet LA - by responsible org]")
    assert "DH code '999' (Barnet) maps to no GSS code" in found[0].message


def test_a_folder_reports_every_problem_in_every_file_and_writes_nothing(tmp_path: Path) -> None:
    project = empty_project(tmp_path / "project")
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(DTOC / "April_11.xls", folder / "April_11.xls")  # alone: no month gives its GSS codes
    (folder / "other.csv").write_text("Area,Value\nX,1\n", encoding="utf-8")
    (folder / "README.md").write_text("not a return\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in sorted((project / "datapackages").rglob("*")) if p.is_file()}
    code, out = run(project, folder)
    assert code == 1 and out.startswith("Error: nothing was imported")
    assert "other.csv\n  line 1, field header, value 'Area, Value': no importer knows this layout" in out
    assert "April_11.xls [sheet LA - by responsible org]\n  line 17, field Code, value '716': DH code '716' " \
           "(Barking & Dagenham) maps to no GSS code" in out
    assert "README" not in out
    after = {p: p.read_bytes() for p in sorted((project / "datapackages").rglob("*")) if p.is_file()}
    assert after == before  # the package the import put in place is gone again, with nothing else
    assert sorted(p.name for p in (project / "datapackages").iterdir()) == sorted(
        p.name for p in (ROOT / "datapackages").iterdir() if p.name != PACKAGE)


def test_a_fraction_of_a_day_and_a_council_twice_are_refused_where_they_are() -> None:
    raw = read_any(DTOC / "July_15.xls")  # a month carrying GSS codes: no lookup needed
    areas = load_areas(ROOT / "datapackages" / "reference")
    records = [list(r) for r in raw.records]
    assert records[16][2:6] == ["E06000015", "507", "Derby UA", "460"]
    records[16][5] = "460.5"
    records[18] = list(records[17])  # Derbyshire twice
    with pytest.raises(ProblemsFound) as caught:
        dtoc.by_gss(replace(raw, records=records), areas)
    assert [(p.code, p.line, p.field, p.value) for p in caught.value.problems] == [
        ("bad-value", 17, "NHS", "460.5"), ("duplicate-council", 19, "Name", "Derbyshire")]


def test_one_month_twice_in_a_folder_is_refused(tmp_path: Path) -> None:
    project = empty_project(tmp_path / "project")
    folder = tmp_path / "returns"
    folder.mkdir()
    for name in ("July_15.xls", "July_15 (copy).xls"):
        shutil.copy(DTOC / "July_15.xls", folder / name)
    code, out = run(project, folder)
    assert code == 1 and "July_15.xls [sheet LA - by responsible org]\n  line 15, field file, value 'July_15.xls'" \
        ": 456 figures of this file (E92000001 delayed-days-nhs July 2015 first) are also in" in out


def test_into_a_path_out_of_the_folder_puts_no_package_anywhere(tmp_path: Path) -> None:
    """Only a package named plainly is written, and only in staging: `--into ../../../tests` (the repository's
    tests/, seen from the shipped packages) is refused before anything is copied, even for a moment."""
    project = empty_project(tmp_path / "project")
    code, out = run(project, DTOC / "July_15.xls", "--into", "../../../tests")
    assert code == 1 and "--into names a package folder of datapackages/ by its plain name" in out
    assert not (tmp_path.parent / "tests").exists() and list(project.glob(".sitegen-import-*")) == []
