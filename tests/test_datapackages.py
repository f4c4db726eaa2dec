"""The published data packages: valid for frictionless, complete, and reproducible from shared/."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import frictionless
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ROOT / "datapackages"
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "scripts"))


def rows(path: Path) -> list[dict[str, str]]:
    """CSV rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name", ["reference", "nhs-debts", "better-care-fund"])
def test_frictionless_validates_each_package_unchanged(name: str) -> None:
    report = frictionless.validate(str(PACKAGES / name / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_reference_is_complete() -> None:
    assert len(rows(PACKAGES / "reference/councils.csv")) == 153
    assert len(rows(PACKAGES / "reference/icbs.csv")) == 42
    descriptor = (PACKAGES / "reference/datapackage.json").read_text(encoding="utf-8")
    assert "Source: Office for National Statistics" in descriptor
    assert "CC-BY-4.0" in descriptor and "OGL-UK-3.0" in descriptor


needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside this checkout")


@needs_shared
def test_every_reported_row_is_published_or_excluded_with_a_reason() -> None:
    import curate_figures

    shared = rows(SHARED / "reported/figures.csv")
    decisions = curate_figures.decisions_by_row(shared, rows(ROOT / "scripts/curation/decisions.csv"))
    published = [d for d in decisions if not d["left_out"]]
    excluded = [d for d in decisions if d["left_out"]]
    assert len(published) + len(excluded) == 142
    assert all(d["left_out"].strip() for d in excluded)


@needs_shared
def test_scripts_reproduce_the_committed_seed(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts/derive_reference.py"), "--out", str(tmp_path / "ref")],
                   check=True)
    for script in ("derive_hexmap.py", "derive_districts.py", "derive_population.py", "derive_neighbours.py"):
        # each adds its resources to the end of the descriptor, in this order
        subprocess.run([sys.executable, str(ROOT / "scripts" / script), "--out", str(tmp_path / "ref")], check=True)
    for produced in sorted((tmp_path / "ref").iterdir()):
        assert produced.read_bytes() == (PACKAGES / "reference" / produced.name).read_bytes(), produced.name
    # the curation merges by id into existing packages: rerun on a copy, every file stays byte for byte
    copy = tmp_path / "datapackages"
    shutil.copytree(PACKAGES, copy)
    subprocess.run([sys.executable, str(ROOT / "scripts/curate_figures.py"), "--out", str(copy), "--docs",
                    str(tmp_path)], check=True)
    for package in ("nhs-debts", "better-care-fund"):
        for produced in sorted((copy / package).iterdir()):
            assert produced.read_bytes() == (PACKAGES / package / produced.name).read_bytes(), produced.name


def test_every_figure_cites_an_http_source_and_a_known_area() -> None:
    areas = {r["code"] for r in rows(PACKAGES / "reference/councils.csv")} | {"E92000001"}
    areas |= {r["code"] for r in rows(PACKAGES / "reference/predecessors.csv")}
    for package in ("nhs-debts", "better-care-fund"):
        sources = {r["id"]: r for r in rows(PACKAGES / package / "sources.csv")}
        for figure in rows(PACKAGES / package / "figures.csv"):
            assert figure["area_code"] in areas
            assert sources[figure["source_id"]]["url"].startswith(("http://", "https://"))
            assert figure["value"] != ""


def test_claims_name_the_claimant() -> None:
    claims = [r for r in rows(PACKAGES / "nhs-debts/figures.csv") if r["status"] == "claim"]
    claimants = {r["claimant"] for r in claims}
    assert {"Cambridgeshire County Council", "Brent Council"} <= claimants
    planned = [r for r in rows(PACKAGES / "nhs-debts/figures.csv") if r["status"] == "planned"]
    assert [r["said_by"] for r in planned] == ["Lancashire County Council, in its budget"]  # a target, not a claim
    assert "Torbay and South Devon NHS Foundation Trust" in claimants


def test_published_source_titles_are_real_or_described_and_unique() -> None:
    shared: dict[str, dict[str, str]] = {}
    for package in ("nhs-debts", "better-care-fund"):
        sources = rows(PACKAGES / package / "sources.csv")
        titles = [s["title"] for s in sources]
        assert not [t for t in titles if "[title not shown" in t or t.startswith("[")]
        assert len(set(titles)) == len(titles), "two sources in one list share a title"
        for source in sources:
            # a source cited by both packages reads the same in both
            assert shared.setdefault(source["id"], source) == source


def test_each_former_ccg_has_an_icb_or_is_documented_as_split() -> None:
    ccgs = rows(PACKAGES / "reference/former_ccgs.csv")
    icbs = {r["code"] for r in rows(PACKAGES / "reference/icbs.csv")}
    model = (ROOT / "docs/data-model.md").read_text(encoding="utf-8")
    split_rows = [line for line in model.splitlines() if line.startswith("| `E38")]
    descriptor = (PACKAGES / "reference/datapackage.json").read_text(encoding="utf-8")
    for ccg in ccgs:
        assert ccg["main_icb_code"] in icbs, ccg  # every CCG's code went to one ICB, with all or most of its area
        if ccg["icb_code"]:
            assert ccg["icb_code"] == ccg["main_icb_code"], ccg
            assert ccg["icb_code"] in icbs, ccg
            assert not [line for line in split_rows if f"`{ccg['code']}`" in line], ccg
        else:
            assert [line for line in split_rows if line.startswith(f"| `{ccg['code']}` {ccg['name']}")], ccg
            assert ccg["code"] in descriptor, ccg
    assert len(split_rows) == len([c for c in ccgs if not c["icb_code"]])


@needs_shared
def test_former_ccgs_left_blank_are_exactly_the_split_ones() -> None:
    import derive_reference

    whole, splits = derive_reference.ccg_successors(SHARED / "reference")
    blank = {r["code"] for r in rows(PACKAGES / "reference/former_ccgs.csv") if not r["icb_code"]}
    assert blank == {split.code for split in splits}
    assert all(split.elsewhere and split.successor_icb not in {icb for _, icb, _ in split.elsewhere}
               for split in splits)
    assert whole["E38000220"] == "E54000055"  # Birmingham and Solihull kept 15E and gained, lost nothing
