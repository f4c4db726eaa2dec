"""The XLSX writer, its workbooks read back with openpyxl as a reader's spreadsheet would."""

from __future__ import annotations

import io
import warnings
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from sitegen.publish.xlsx import Sheet, workbook

DAY = date(2025, 11, 30)


def read(data: bytes) -> Workbook:
    """The workbook as openpyxl loads it, any warning an error: a file it has to repair is a broken file."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return openpyxl.load_workbook(io.BytesIO(data))


def one_row(*cells: object) -> list[object]:
    """The cells of row 2 of a one-sheet workbook holding them under a header, as openpyxl reads them."""
    sheet = read(workbook("t", DAY, [Sheet("s", [[f"h{i}" for i in range(len(cells))], list(cells)])]))["s"]
    return [c.value for c in sheet[2]]


def test_a_gap_is_an_empty_cell_not_a_zero() -> None:
    data = workbook("t", DAY, [Sheet("s", [["a", "b", "c", "d"], [1, None, "", 0]])])
    assert [c.value for c in read(data)["s"][2]] == [1, None, None, 0]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert 'r="B2"' not in xml and 'r="C2"' not in xml and 'r="D2"' in xml  # no cell at all, not an empty one


def test_numbers_are_numbers_written_exactly() -> None:
    values = one_row(1, -7, 10**15, 1.0, 0.1 + 0.2, -2.5e-07, 1e300, 123456789.123)
    assert values == [1, -7, 10**15, 1, 0.1 + 0.2, -2.5e-07, 1e300, 123456789.123]
    assert [type(v) for v in values[:4]] == [int] * 4  # a whole number reads back as one, as xlsxwriter wrote it


def test_a_number_a_cell_cannot_hold_is_refused() -> None:
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="cannot hold"):
            workbook("t", DAY, [Sheet("s", [[value]])])


def test_a_date_is_a_date_in_the_iso_format() -> None:
    data = workbook("t", DAY, [Sheet("s", [["d"], [date(2024, 3, 31)], [datetime(2024, 3, 31, 15, 30)],
                                           [date(1900, 1, 1)], [date(1900, 2, 28)], [date(1900, 3, 1)]])])
    cells = [row[0] for row in read(data)["s"].iter_rows(min_row=2)]
    assert all(isinstance(c.value, datetime) and c.number_format == "yyyy-mm-dd" for c in cells)
    # a datetime shows its day; either side of Excel's 29 February 1900 the day is the same
    assert [c.value.date() for c in cells] == [date(2024, 3, 31), date(2024, 3, 31), date(1900, 1, 1),
                                               date(1900, 2, 28), date(1900, 3, 1)]


def test_a_boolean_is_a_boolean() -> None:
    assert one_row(True, False) == [True, False]
    assert [type(v) for v in one_row(True, False)] == [bool, bool]


def test_text_is_never_run_as_a_formula() -> None:
    assert one_row("=SUM(A1:A2)", "+1", "-x", "@x", "a=b") == ["'=SUM(A1:A2)", "'+1", "'-x", "'@x", "a=b"]


def test_markup_and_control_characters_round_trip() -> None:
    assert one_row('<b>&amp; "quoted" \'single\'</b>', "tab\there\nnewline", "  padded  ") == [
        '<b>&amp; "quoted" \'single\'</b>', "tab\there\nnewline", "  padded  "]
    # a character XML 1.0 forbids is kept in Excel's own escape (openpyxl shows the escape, Excel the character),
    # and text that merely looks like that escape is escaped in turn, so Excel shows it as typed
    data = workbook("t", DAY, [Sheet("s", [["x\x01y", "_x0041_"]])])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b"x_x0001_y" in z.read("xl/sharedStrings.xml") and b"_x005F_x0041_" in z.read("xl/sharedStrings.xml")
    assert [c.value for c in read(data)["s"][1]] == ["x_x0001_y", "_x0041_"]


def test_text_longer_than_excel_allows_is_cut_to_its_limit() -> None:
    assert one_row("x" * 40_000) == ["x" * 32_767]


def test_two_writes_of_the_same_workbook_are_byte_identical() -> None:
    def book() -> bytes:
        return workbook("t", DAY, [Sheet("a", [["h", "d"], ["x", date(2024, 1, 1)]], widths={1: 12}),
                                   Sheet("b", [["h"], [True]], bold_header=True, frozen_header=True, autofilter=True)])
    first = book()
    assert first == book()
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_sheets_views_widths_and_properties() -> None:
    data = workbook("A & B", DAY, [
        Sheet("README", [["about"]], widths={0: 120}),
        Sheet("figures", [["id", "value"], ["a", 1], ["b", 2]], widths={0: 28, 1: 14},
              bold_header=True, frozen_header=True, autofilter=True)])
    book = read(data)
    assert book.sheetnames == ["README", "figures"]
    assert book.properties.title == "A & B" and book.properties.created == datetime(2025, 11, 30)
    readme, figures = book["README"], book["figures"]
    assert readme.freeze_panes is None and not readme.auto_filter.ref and not readme["A1"].font.b
    assert figures.freeze_panes == "A2" and figures.auto_filter.ref == "A1:B3"
    assert figures["A1"].font.b and figures["B1"].font.b and not figures["A2"].font.b
    # the width xlsxwriter stored for n characters of Calibri 11, so a column is as wide as it was
    assert readme.column_dimensions["A"].width == 120.7109375
    assert figures.column_dimensions["A"].width == 28.7109375 and figures.column_dimensions["B"].width == 14.7109375


def test_a_sheet_name_excel_refuses_is_refused() -> None:
    for names in (["a" * 32], ["a/b"], ["a", "A"], [""]):
        with pytest.raises(ValueError):
            workbook("t", DAY, [Sheet(name, [["x"]]) for name in names])
