"""The seed curation: decisions are data, figures merge by id, a rerun changes nothing, hand-added rows survive."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "reported" / "figures.csv"
SCRIPT = ROOT / "scripts" / "curate_figures.py"

pytestmark = pytest.mark.skipif(not SHARED.is_file(), reason="needs ../shared/data/reported/figures.csv")


def load_script():
    """The curation script as a module."""
    spec = importlib.util.spec_from_file_location("curate_figures", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of the committed packages and curation notes."""
    shutil.copytree(ROOT / "datapackages", tmp_path / "datapackages")
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "curation.md", tmp_path / "docs" / "curation.md")
    return tmp_path


def test_rerunning_the_curation_on_the_committed_packages_changes_no_byte(project: Path) -> None:
    before = snapshot(project)
    summary = load_script().run(SHARED, project / "datapackages", project / "docs")
    assert snapshot(project) == before
    assert "0 figures added, 0 changed" in summary


def test_a_hand_added_figure_and_source_survive_the_curation(project: Path) -> None:
    figures = project / "datapackages" / "better-care-fund" / "figures.csv"
    sources = project / "datapackages" / "better-care-fund" / "sources.csv"
    with figures.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    row = dict.fromkeys(header, "") | {
        "id": "aaa-hand-added", "area_code": "E06000017", "counterparty_inferred": "false", "measure": "bcf-total",
        "value": "1", "unit": "GBP", "period_start": "2020-04-01", "period_end": "2021-03-31",
        "period_label": "2020-21", "qualifier": "exact", "status": "reported", "source_id": "src-hand"}
    with figures.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, header, lineterminator="\n").writerow(row)
    with sources.open("a", encoding="utf-8") as handle:
        handle.write("src-hand,A council paper,Rutland County Council,,https://example.org/x,primary,high\n")
    load_script().run(SHARED, project / "datapackages", project / "docs")
    assert "aaa-hand-added,E06000017," in figures.read_text(encoding="utf-8").splitlines()[1]
    assert "src-hand,A council paper" in sources.read_text(encoding="utf-8")


def test_a_changed_decision_updates_only_its_own_row(project: Path, tmp_path: Path) -> None:
    decisions = tmp_path / "curation"
    shutil.copytree(ROOT / "scripts" / "curation", decisions)
    path = decisions / "decisions.csv"
    text = path.read_text(encoding="utf-8")
    assert "Rounded to £0.1m by the source." in text
    path.write_text(text.replace("Rounded to £0.1m by the source.", "Rounded by the source."), encoding="utf-8")
    figures = project / "datapackages" / "better-care-fund" / "figures.csv"
    before = figures.read_text(encoding="utf-8").splitlines()
    summary = load_script().run(SHARED, project / "datapackages", project / "docs", decisions)
    after = figures.read_text(encoding="utf-8").splitlines()
    changed = [b for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 2 and all("Rounded by the source." in line for line in changed)
    assert "better-care-fund: 0 figures added, 2 changed" in summary


def test_a_reported_row_without_a_decision_stops_the_curation(project: Path, tmp_path: Path) -> None:
    shared = tmp_path / "figures.csv"
    text = SHARED.read_text(encoding="utf-8")
    shared.write_text(text.replace("13000000,GBP", "13000001,GBP", 1), encoding="utf-8")
    with pytest.raises(SystemExit, match="line 2: no decision"):
        load_script().run(shared, project / "datapackages", project / "docs")


def test_precision_is_how_finely_the_source_gave_the_value() -> None:
    precision = load_script().precision
    assert precision("13000000") == "1000000"
    assert precision("1400000") == "100000"
    assert precision("1962205") == "1"
    assert precision("5") == "1"
    assert precision("5.5") == "0.1"


def rows_of(package: str) -> dict[str, dict[str, str]]:
    """A committed figures package's rows by id."""
    with (ROOT / "datapackages" / package / "figures.csv").open(encoding="utf-8", newline="") as handle:
        return {r["id"]: r for r in csv.DictReader(handle)}


def test_norfolk_2016_17_is_a_discretionary_payment_not_made_and_approximate() -> None:
    rows = rows_of("better-care-fund")
    assert "norfolk-bcf-payment-withheld-2016-17" not in rows
    not_made = rows["norfolk-bcf-nhs-discretionary-contribution-not-made-2016-17"]
    assert (not_made["value"], not_made["qualifier"], not_made["precision"]) == ("7000000", "approximate", "1000000")
    assert "withheld" not in not_made["note"].lower() and "decided not to make" in not_made["note"]
    savings = rows["norfolk-nhs-savings-required-2016-17"]
    assert (savings["value"], savings["qualifier"], savings["source_id"]) == ("50000000", "at_least", "src-e359dd57")


def test_lancashire_target_is_planned_and_the_bcf_figure_names_its_speaker() -> None:
    target = rows_of("nhs-debts")["lancashire-cost-sharing-savings-target-2024-25-to-2026-27"]
    assert (target["status"], target["claimant"]) == ("planned", "")
    assert target["said_by"] == "Lancashire County Council, in its budget"
    pool = rows_of("better-care-fund")["lancashire-bcf-total-2024-25"]
    assert pool["said_by"] == "The chief executive of NHS Lancashire and South Cumbria ICB"
    assert (pool["qualifier"], pool["precision"]) == ("at_least", "100000000")


def test_adass_2017_has_its_two_missing_indicators() -> None:
    rows = rows_of("better-care-fund")
    cuts = rows["england-survey-bcf-protection-spent-avoiding-cuts-2017-18"]
    risk = rows["england-survey-risk-sharing-with-ccgs-2016-17"]
    assert (cuts["value"], cuts["unit"], cuts["qualifier"]) == ("79", "percent", "exact")
    assert (risk["value"], risk["unit"], risk["qualifier"]) == ("50", "percent", "approximate")
    assert cuts["source_id"] == risk["source_id"] == "src-d072cb1e"


def test_every_seed_figure_records_the_precision_its_source_gave() -> None:
    for package in ("nhs-debts", "better-care-fund"):
        for row in rows_of(package).values():
            step = float(row["precision"])
            assert step > 0 and float(row["value"]) % step == 0, row["id"]
    assert rows_of("nhs-debts")["cambridgeshire-nhs-overdue-asc-debt-31-march-2024"]["precision"] == "1000000"
