"""What `make site` installs: the runtime only; the test tools come with `make check`, `make test` and `make lint`."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

from conftest import ROOT

TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "playwright", "axe-playwright-python", "ruff", "mypy", "vulture"}


def planned_installs(target: str, venv: Path) -> list[str]:
    """The pip commands `make TARGET` would run for a venv that does not exist yet (make -n runs nothing)."""
    result = subprocess.run(["make", "-n", f"VENV={venv}", target], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, check=True)
    return [line for line in result.stdout.splitlines() if "pip install" in line]


def requirement_names(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings, lower-cased."""
    return {re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_make_site_installs_the_runtime_only(tmp_path: Path) -> None:
    installs = planned_installs("site", tmp_path / "venv")
    assert any(line.rstrip().endswith("-e .") for line in installs), installs
    assert not any("[test]" in line for line in installs), installs


def test_make_check_adds_the_test_tools(tmp_path: Path) -> None:
    installs = planned_installs("check", tmp_path / "venv")
    assert any("'.[test]'" in line for line in installs), installs


def test_runtime_dependencies_hold_no_test_tool() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not requirement_names(project["dependencies"]) & TEST_TOOLS
    assert requirement_names(project["optional-dependencies"]["test"]) >= TEST_TOOLS
    # the name "sitegen" on the package index belongs to an unrelated project
    assert project["name"] != "sitegen" and project["scripts"] == {"sitegen": "sitegen.cli:main"}
