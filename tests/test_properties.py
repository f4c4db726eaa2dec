"""Properties: formatters round-trip and never fail; validation of any rows or bytes gives a report, never a crash."""

from __future__ import annotations

import calendar
import csv
import io
import re
import shutil
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli import cli
from sitegen.data import fmt
from sitegen.data.periods import is_month, period_dates
from sitegen.data.validate import validate_packages

MONEY = re.compile(r"^(\u2212?)£(\d{1,3}(?:,\d{3})*(?:\.\d+)?)(bn|m|k)?$")
SCALE = {"bn": 1e9, "m": 1e6, "k": 1e3, None: 1.0}
finite = st.floats(min_value=-1e16, max_value=1e16, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


@given(st.dates(), st.integers(min_value=0, max_value=400))
def test_a_whole_month_is_told_as_the_calendar_tells_it(start: date, length: int) -> None:
    """is_month agrees with calendar.monthrange for any period, up to the last day there is (no next day)."""
    end = date.fromordinal(min(start.toordinal() + length, date.max.toordinal()))
    whole = start.day == 1 and (end.year, end.month) == (start.year, start.month) and end.day == calendar.monthrange(
        start.year, start.month)[1]
    assert is_month(start, end) == whole
    assert is_month(start.replace(day=1), end) == (end.replace(day=1) == start.replace(day=1) and end.day ==
                                                   calendar.monthrange(end.year, end.month)[1])


@given(finite)
def test_money_reads_back_as_the_value_given(value: float) -> None:
    text = fmt.money(value)
    match = MONEY.match(text)
    assert match, text
    sign, digits, suffix = match.groups()
    shown = Decimal(digits.replace(",", "")) * Decimal(SCALE[suffix]) * (-1 if sign else 1)
    assert shown == Decimal(str(value)) or shown == 0 == value, f"{text}: shown exactly as given"
    assert bool(sign) == (value < 0 and shown != 0), f"{text}: a minus sign only on a value shown as non-zero"
    if suffix in ("m", "k", "bn"):
        assert Decimal(digits.replace(",", "")) < 1000, f"{text}: should move up a unit"


@given(finite)
def test_rounded_money_reads_back_within_its_rounding(value: float) -> None:
    text = fmt.rounded_money(value)
    match = MONEY.match(text)
    assert match, text
    sign, digits, suffix = match.groups()
    shown = float(digits.replace(",", "")) * SCALE[suffix] * (-1 if sign else 1)
    step = {"bn": 0.005e9, "m": 0.05e6, "k": 0.5e3, None: 0.5}[suffix]
    assert abs(shown - value) <= step * 1.0001 + 1e-9
    assert bool(sign) == (value < 0 and shown != 0), f"{text}: a minus sign only on a value shown as non-zero"


@pytest.mark.parametrize(("value", "shown"), [(13_000_000, "£13m"), (1_400_000, "£1.4m"), (200_000_000, "£200m"),
                                              (15_233_000, "£15.233m"), (5_360_000_000, "£5.36bn"),
                                              (792_000, "£792k"), (9_500, "£9,500"), (12_345_678, "£12,345,678"),
                                              (-660_000, "\u2212£660k"), (147_999, "£147,999"), (15.233, "£15.233"),
                                              (15.5, "£15.50"), (0, "£0")])
def test_money_examples(value: float, shown: str) -> None:
    assert fmt.money(value) == shown


@given(days)
def test_long_date_reads_back(day: date) -> None:
    text = fmt.long_date(day)
    assert not text.startswith("0")
    assert datetime.strptime(text, "%d %B %Y").date() == day


@given(st.integers(min_value=1900, max_value=2198))
def test_financial_year_label_means_april_to_march(year: int) -> None:
    label = f"{year}-{(year + 1) % 100:02d}"  # as figures.csv writes a financial year
    assert re.fullmatch(r"\d{4}-\d{2}", label)
    assert period_dates(label) == (date(year, 4, 1), date(year + 1, 3, 31))


@given(days, days)
def test_day_and_run_of_days_labels_mean_their_dates(a: date, b: date) -> None:
    first, last = min(a, b), max(a, b)
    assert period_dates(fmt.long_date(first)) == (first, first)
    assert period_dates(f"{fmt.long_date(first)} to {fmt.long_date(last)}") == (first, last)
    if first < last:
        assert period_dates(f"{fmt.long_date(last)} to {fmt.long_date(first)}") is None


@given(st.text(max_size=60))
def test_any_label_gives_dates_or_none(label: str) -> None:
    dates = period_dates(label)
    assert dates is None or dates[0] <= dates[1]


@given(finite, finite, st.sampled_from(["GBP", "percent", "count"]))
def test_change_always_reads_as_words(old: float, new: float, unit: str) -> None:
    text = fmt.change(old, new, unit)
    assert text == "no change" or text.startswith(("an increase of ", "a fall of "))
    assert "nan" not in text and "inf" not in text


# Validation over generated rows: a cell may hold anything a person might paste into a spreadsheet.
cell = st.one_of(st.text(max_size=20), st.sampled_from(["", "0", "-1", "1e15", "2024-03-31", "31 March 2024",
                                                         "GBP", "E10000003", "=1+1", '"', ",", "\n", "\ufeff"]))
rows = st.lists(st.lists(cell, min_size=0, max_size=20), min_size=0, max_size=6)
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def with_figures(text: str | bytes) -> Path:
    """A fresh copy of the mini packages whose nhs-debts figures.csv holds text; its folder."""
    folder = Path(tempfile.mkdtemp(prefix="sitegen-prop-")) / "datapackages"
    shutil.copytree(MINI / "datapackages", folder)
    target = folder / "nhs-debts/figures.csv"
    target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def report_for(folder: Path) -> tuple[int, str]:
    """The real CLI's exit code and output for a folder; the folder is removed."""
    try:
        result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


@SLOW
@given(rows)
def test_validating_generated_rows_gives_a_report_never_a_crash(generated: list[list[str]]) -> None:
    header = (MINI / "datapackages/nhs-debts/figures.csv").read_text(encoding="utf-8").splitlines()[0]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(generated)
    code, out = report_for(with_figures(header + "\n" + buffer.getvalue()))
    assert code in (0, 1) and '"problems"' in out
    if code == 1:
        assert '"path": "' in out and "figures.csv" in out


@SLOW
@given(st.binary(max_size=300))
def test_validating_any_bytes_gives_a_report_never_a_crash(data: bytes) -> None:
    code, out = report_for(with_figures(data))
    assert code in (0, 1) and '"problems"' in out


def test_a_generated_valid_row_passes() -> None:
    """The generator's world includes valid data: the unchanged mini packages pass."""
    packages, problems = validate_packages(MINI / "datapackages")
    assert problems == [] and packages.packages
