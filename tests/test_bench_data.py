"""The benchmark's SYNTHETIC data is valid, so a benchmark measures a passing run (never a timed test)."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def synthetic() -> ModuleType:
    """bench/synthetic.py, which is a script folder, not a package."""
    spec = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "bench" / "synthetic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def validate(project: Path) -> subprocess.CompletedProcess[str]:
    """`sitegen validate` as a user runs it."""
    return subprocess.run([sys.executable, "-m", "sitegen", "validate"], cwd=project, capture_output=True, text=True,
                          check=False, timeout=600)


@pytest.mark.parametrize("size", [{"rows": 12_001}, {"years": 2}], ids=["rows", "years"])
def test_synthetic_data_validates_with_no_problems(tmp_path: Path, size: dict[str, int]) -> None:
    """More rows than one source's council x measure x year grid holds, and the site's every-measure shape."""
    project = synthetic().write_synthetic_project(tmp_path / "synthetic", **size)
    result = validate(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout
    figures = [row for p in ("nhs-debts", "better-care-fund")
               for row in csv.DictReader((project / "datapackages" / p / "figures.csv").open(encoding="utf-8"))]
    assert len(figures) == size.get("rows", len(figures))
    assert len(figures) > 10_000


def test_synthetic_data_is_labelled_and_kept_out_of_datapackages(tmp_path: Path) -> None:
    """Every package title, source and the site title say SYNTHETIC; the real datapackages/ is refused."""
    module = synthetic()
    project = module.write_synthetic_project(tmp_path / "synthetic", rows=100)
    for package in ("nhs-debts", "better-care-fund"):
        descriptor = json.loads((project / "datapackages" / package / "datapackage.json").read_text(encoding="utf-8"))
        assert descriptor["title"].startswith("SYNTHETIC")
        sources = list(csv.DictReader((project / "datapackages" / package / "sources.csv").open(encoding="utf-8")))
        assert all(s["title"].startswith("SYNTHETIC") for s in sources)
    assert "SYNTHETIC" in (project / "sitegen.toml").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="never goes into"):
        module.write_synthetic_project(ROOT / "datapackages" / "synthetic", rows=10)
    assert not (ROOT / "datapackages" / "synthetic").exists()


def test_one_figure_changed_stays_valid(tmp_path: Path) -> None:
    """The benchmark's edit changes exactly one value and the data still validates."""
    module = synthetic()
    project = module.write_synthetic_project(tmp_path / "synthetic", rows=200)
    before = (project / "datapackages" / "better-care-fund" / "figures.csv").read_text(encoding="utf-8")
    changed = module.change_one_figure(project, 0)
    after = (project / "datapackages" / "better-care-fund" / "figures.csv").read_text(encoding="utf-8")
    diff = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(diff) == 1 and diff[0][0].startswith(changed + ",")
    assert validate(project).returncode == 0
