"""Shared fixtures: built sites (each built once per session) and the project's paths."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitegen.build.run import run_build
from sitegen.config import load_config

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"


# one warm chart cache for the whole session (set below), not ~40 cold ones
SHARED: dict[str, str | None] = {"cache": None}


def copy_project(src: Path, dest: Path, warm: bool = True) -> Path:
    """A buildable copy of a project (data, content, settings; built-in templates), sharing the warm cache."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("datapackages", "content", "templates"):
        if (src / name).is_dir() and not (name == "templates" and src == ROOT):
            shutil.copytree(src / name, dest / name)
    settings = (src / "sitegen.toml").read_text(encoding="utf-8")
    if warm and SHARED["cache"]:  # the [site] table is the file's last: a line appended belongs to it
        settings = settings.rstrip("\n") + f'\ncache_dir = "{SHARED["cache"]}"\n'
    (dest / "sitegen.toml").write_text(settings, encoding="utf-8")
    return dest


def build(project: Path) -> Path:
    """Build a project; its build/ folder."""
    run_build(load_config(project))
    return project / "build"


@pytest.fixture(scope="session", autouse=True)
def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Chart specs and SVGs are content-addressed, so every test project can share one cache."""
    SHARED["cache"] = str(tmp_path_factory.mktemp("shared-cache"))


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
