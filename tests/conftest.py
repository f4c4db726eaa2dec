"""Shared fixtures: built sites (each built once per session) and the project's paths."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.build import run_build
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"


def copy_project(src: Path, dest: Path) -> Path:
    """A buildable copy of a project (data, content, settings; built-in templates)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("datapackages", "content", "templates"):
        if (src / name).is_dir() and not (name == "templates" and src == ROOT):
            shutil.copytree(src / name, dest / name)
    shutil.copy(src / "sitegen.toml", dest / "sitegen.toml")
    return dest


def build(project: Path) -> Path:
    """Build a project; its build/ folder."""
    run_build(load_config(project))
    return project / "build"


@pytest.fixture(scope="session", autouse=True)
def _fixed_date(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds take their date from SOURCE_DATE_EPOCH, so expected files stay fixed."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 1 January 2026
    yield
    mp.undo()


@pytest.fixture(scope="session")
def mini_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini fixture project, built once."""
    return build(copy_project(MINI, tmp_path_factory.mktemp("mini")))


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once from the repository's data and content."""
    return build(copy_project(ROOT, tmp_path_factory.mktemp("real")))
