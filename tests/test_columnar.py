"""The columnar validator's reports equal the frictionless-based reference, problem for problem.

Every fixture: the mini packages, the real ones, every mutation tests/test_validate.py makes, and every case of
the hostile corpus. The reference (`engine="frictionless"`) reads each row with frictionless, as before.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import test_validate as tv
from conftest import MINI, copy_project
from test_hostile_corpus import CASES, CORPUS, apply, text_of

from sitegen.config import load_config
from sitegen.data.validate import validate_packages
from sitegen.errors import SitegenError

ROOT = Path(__file__).resolve().parent.parent


def same_reports(path: Path, config: Any = None) -> list[Any]:
    """Both engines' reports for path; asserts they are equal (code, message, path, line, field, value, order)."""
    reference = validate_packages(path, config, engine="frictionless")
    columnar = validate_packages(path, config)
    assert columnar[1] == reference[1]
    for name, package in reference[0].packages.items():
        for resource, table in package.resources.items():
            other = columnar[0].packages[name].resources[resource]
            assert (other.rows, other.lines, other.record_lines) == (table.rows, table.lines, table.record_lines)
    return columnar[1]


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the mini packages."""
    shutil.copytree(MINI / "datapackages", tmp_path / "datapackages")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "datapackages"


def test_real_and_mini_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert same_reports(ROOT / "datapackages") == []
    assert same_reports(MINI / "datapackages") == []


CELLS = tv.test_each_rule_names_file_line_field_and_value.pytestmark[0].args[1]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("file", "line", "field", "value", "code"), CELLS)
def test_each_broken_cell(data: Path, file: str, line: int, field: str, value: str, code: str) -> None:
    tv.set_cell(data / file, line, field, value)
    assert code in {p.code for p in same_reports(data)}


def ragged(data: Path) -> None:
    """Extra, missing and blank rows (test_ragged_rows_and_blank_rows_are_located)."""
    path = data / tv.FIGURES
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += ",stray"
    lines[5] = ",".join(lines[5].split(",")[:5])
    lines.insert(6, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def duplicated(data: Path) -> None:
    """A repeated figure, a repeated row, a repeated id, an unknown measure, a blank id."""
    path = data / tv.FIGURES
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[4].split(",")
    lines += [lines[2].replace(lines[2].split(",")[0], "a-copy", 1), lines[3], ",".join(["", *cells[1:]]),
              ",".join(["x-measure", *cells[1:6], "no-such", *cells[7:]]), ",,,,,,,,,,,,,,,,"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def junk(data: Path) -> None:
    """A file broken throughout (over frictionless's 1,000 errors)."""
    figures = data / tv.FIGURES
    header = figures.read_text(encoding="utf-8").splitlines()[0]
    figures.write_text(header + "\n" + "".join(f"junk{i}" + "," * header.count(",") + "\n" for i in range(3000)),
                       encoding="utf-8")


def quoted(data: Path) -> None:
    """Quoted cells holding newlines and commas, CRLF endings: lines differ from record numbers."""
    path = data / tv.FIGURES
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[-1] = '"a note\nover two lines, with a comma"'
    lines[2] = ",".join(cells)
    cells = lines[4].split(",")
    cells[12] = "roughly"
    lines[4] = ",".join(cells)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())


def shared_source(data: Path) -> None:
    """A source shared by two packages with another publisher."""
    nhs, bcf = data / "nhs-debts/sources.csv", data / "better-care-fund/sources.csv"
    nhs.write_text(nhs.read_text(encoding="utf-8") + bcf.read_text(encoding="utf-8").splitlines()[1] + "\n")
    tv.set_cell(nhs, len(nhs.read_text().splitlines()), "publisher", "Someone else")


MUTATIONS: list[Callable[[Path], object]] = [
    ragged, duplicated, junk, quoted, shared_source,
    lambda d: (d / tv.FIGURES).write_bytes(b"\xef\xbb\xbf" + (d / tv.FIGURES).read_bytes()),
    lambda d: (d / tv.FIGURES).write_bytes((d / tv.FIGURES).read_bytes().replace(b"Cambridgeshire", b"Cambr\xe9", 1)),
    lambda d: (d / tv.FIGURES).write_text(""),
    lambda d: (d / tv.FIGURES).write_text((d / tv.FIGURES).read_text().replace("area_code", "area", 1)),
    lambda d: (d / tv.FIGURES).unlink(),
    lambda d: shutil.rmtree(d / "reference"),
    lambda d: tv.set_cell(d / tv.FIGURES, 2, "status", "claim"),
    lambda d: tv.set_cell(d / tv.FIGURES, 3, "period_start", "2025-01-01"),
]


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_each_broken_file(data: Path, mutate: Callable[[Path], object]) -> None:
    mutate(data)
    assert same_reports(data)


TRICKY = [
    'x1,E10000003,"two\nlines",,,false,client-debt-overdue,5,GBP,2024-03-31,2024-03-31,31 March 2024,exact,reported,,'
    'src-c363f583,"a ""quoted"" note"\n',
    'x2,E10000003,ab"c,,,false,client-debt-overdue,6,GBP,2024-03-31,2024-03-31,31 March 2024,exact,reported,,'
    'src-c363f583,\n',
    'x3,E10000003,"closed"then,,,false,client-debt-overdue,7,GBP,2024-03-31,2024-03-31,31 March 2024,exact,'
    'reported,,src-c363f583,\n',
    "\n\n,,,\nx4,short\n",
    "x5," + "y" * 140_000 + "\n",
    'x6,E10000003,"never closed\n',
    "x7,E10000003,no final newline",
    "x8,E10000003,\u2028 and \u0085 and \x1b,,,false,client-debt-overdue,8,GBP,2024-03-31,2024-03-31,31 March 2024,"
    "exact,reported,,src-c363f583,\n",
]


@pytest.mark.parametrize("tail", TRICKY)
def test_tricky_csv_reads_as_pythons_csv_reads_it(data: Path, tail: str) -> None:
    """Quotes, newlines in cells, ragged and blank lines, huge cells, controls: the same records and lines."""
    path = data / tv.FIGURES
    path.write_text(path.read_text(encoding="utf-8") + tail, encoding="utf-8")
    assert same_reports(data)


def test_validation_makes_no_row_of_a_valid_figures_table(data: Path) -> None:
    """Rules read only the rows column expressions pick out: a valid figures table is never made into dicts."""
    packages, problems = validate_packages(data)
    assert problems == []
    figures = packages.packages["nhs-debts"].resources["figures"]
    assert figures._rows is None
    assert figures.rows and figures.rows == validate_packages(data, engine="frictionless")[0].rows(
        "nhs-debts", "figures")


class NoListener:
    """Stands in for the corpus's listener: validation never connects (test_hostile_corpus counts that)."""

    url = "http://127.0.0.1:9"


@pytest.mark.parametrize("name", CASES)
def test_each_hostile_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
    project, outside = copy_project(MINI, tmp_path / "project"), tmp_path / "outside"
    outside.mkdir()
    shutil.copy(project / "datapackages/nhs-debts/figures.csv", outside / "figures.csv")
    for step in case["steps"]:
        apply(text_of(step, outside, NoListener()), project)  # type: ignore[arg-type]
    monkeypatch.chdir(project)
    try:
        config = load_config(project)
    except SitegenError:
        config = None  # a bad setting: the data is still checked, with the default limits
    same_reports(project / "datapackages", config)


def long_figures(data: Path, rows: int = 2600) -> None:
    """The mini figures repeated to `rows` rows (more than split.SAMPLE), each with its own id and day."""
    path = data / tv.FIGURES
    header, *body = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    out = [header]
    for k in range(rows):
        row = list(body[k % len(body)])
        day = date(1900, 1, 1) + timedelta(days=k)
        row[header.index("id")] += f"-{k}"
        row[header.index("period_start")] = row[header.index("period_end")] = day.isoformat()
        row[header.index("period_label")] = f"{day.day} {day:%B} {day.year}"
        out.append(row)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(out)
    path.write_text(buffer.getvalue(), encoding="utf-8")


LONG_CELLS = [  # cells of columns with few values, which a long file holds as Enums (split.kinds)
    (2500, "measure", "no-such-measure"), (2501, "unit", "=1+1"), (2502, "area_code", ""),
    (2503, "counterparty_inferred", "maybe"), (2504, "note", "bell \x07 here"), (7, "qualifier", "roughly"),
    (2505, "counterparty_code", "E10000003"),
]


def test_long_table_of_few_values_reports_every_broken_cell(data: Path) -> None:
    """A table long enough that its columns of few values are held as Enums: the same problems, rows and lines."""
    long_figures(data)
    assert same_reports(data) == []
    for line, field, value in LONG_CELLS:
        tv.set_cell(data / tv.FIGURES, line, field, value)
    found = {(p.line, p.field) for p in same_reports(data)}
    assert {(line, field) for line, field, _ in LONG_CELLS} <= found


SERIES = [  # (start, end, value): one series of a council's measure, in turn
    ("2015-04-01", "2016-03-31", "100"),
    ("2016-04-01", "2017-03-31", "1001"),  # more than ten times the year before: a warning
    ("2017-04-01", "2019-03-31", "10"),  # a two-year period after a year: not alike, none
    ("2019-04-01", "2020-03-31", "1"),  # a year after two: none
    ("2020-04-01", "2021-03-31", "10"),  # exactly ten times: none
    ("2021-04-01", "2022-03-31", "-0.5"),  # more than ten times smaller, in size: a warning
    ("2022-04-02", "2023-03-31", "500"),  # a day's gap after the year before: none
    ("2023-04-01", "2023-04-30", "1"),  # a month: never compared
    ("2023-05-01", "2023-05-31", "50"),
    ("2024-04-01", "2025-03-31", "-0.04"),  # a year after a month: not alike, none
]


def test_tenfold_changes_are_the_same_warnings_in_columns_as_row_by_row(data: Path) -> None:
    """The warning that a value changed more than tenfold, judged in columns (periods alike and following on, the
    values within a rounding) then exactly in Python, gives the row-by-row reader's warnings, line for line."""
    from sitegen.data.warnings import apply_warnings

    path = data / tv.FIGURES
    header, first, *rest = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    made = []
    for k, (start, end, value) in enumerate(SERIES):
        row = dict(zip(header, first, strict=True)) | {"id": f"series-{k}", "period_start": start, "period_end": end,
                                                      "period_label": f"period {k}", "value": value}
        made.append([row[name] for name in header])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, first, *rest, *made])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    warned = [apply_warnings(validate_packages(data, engine=engine)[0]) for engine in ("columnar", "frictionless")]
    assert warned[0] == warned[1]
    series = [w for w in warned[0] if w.path.endswith(tv.FIGURES) and w.line > len(rest) + 2]
    assert [(w.line - len(rest) - 3, w.value) for w in series] == [(1, "1001"), (5, "-0.5")]
