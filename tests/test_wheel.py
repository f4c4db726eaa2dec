"""The generator as a user installs it: a wheel in a fresh venv builds a project outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import MINI, ROOT, copy_project
from test_build import broken_links
from theme_words import this_sites_wording

from sitegen.scaffold.new import PROJECT, project_files

OVERRIDE = """{% extends "default:home.html" %}
{% block main %}<p class="own-home">Our own home page, over the built-in one.</p>{{ super() }}{% endblock %}
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from this checkout, as `pip wheel .` makes it."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    return next(out.glob("civic_sitegen-*.whl"))


@pytest.fixture(scope="module")
def fresh_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding only the wheel; its dependencies are borrowed read-only from the test venv (no network)."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([venv / "bin/pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True, timeout=300)
    site = Path(subprocess.check_output([venv / "bin/python", "-c", "import sysconfig; print(sysconfig.get_path("
                                         "'purelib'))"], text=True).strip())
    # a .pth line adds the test venv's packages after the venv's own: its editable sitegen is not processed
    (site / "zz-borrowed-deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return venv


def run(venv: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed sitegen in a project folder, with no trace of the checkout in its environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(venv / "bin/sitegen"), *args], cwd=project, env=env, capture_output=True, text=True,
                          timeout=600)


def test_wheel_ships_the_builtin_theme(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for path in (p for p in (ROOT / "templates").rglob("*") if p.is_file()):
        assert f"sitegen/_templates/{path.relative_to(ROOT / 'templates').as_posix()}" in names
    assert "sitegen/site/charts/enhance.js" in names
    for relative in project_files():  # what `sitegen new` writes
        assert f"sitegen/scaffold/project/{relative.as_posix()}" in names
    assert len(project_files()) == len([p for p in PROJECT.rglob("*") if p.is_file()]) >= 16


def test_installed_wheel_builds_a_project_outside_the_repository(fresh_venv: Path, tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "elsewhere")
    where = subprocess.check_output([fresh_venv / "bin/python", "-c", "import sitegen; print(sitegen.__file__)"],
                                    cwd=project, text=True)
    assert str(fresh_venv) in where and not Path(where.strip()).is_relative_to(ROOT)
    (project / "templates").mkdir()
    (project / "templates/home.html").write_text(OVERRIDE, encoding="utf-8")
    result = run(fresh_venv, project, "build")
    assert result.returncode == 0, result.stderr
    home = (project / "build/index.html").read_text(encoding="utf-8")
    assert '<p class="own-home">' in home and "<h1" in home  # the override and the built-in page it extends
    council = (project / "build/councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert "Cambridgeshire" in council and (project / "build/static/css/site.css").is_file()
    shutil.rmtree(project / "build")


def test_installed_wheel_starts_a_site_of_its_own(fresh_venv: Path, tmp_path: Path) -> None:
    """The issue's "done when": `sitegen new my-site && sitegen build --project my-site`, from the wheel, outside
    the repository, gives a site with no broken link and none of this site's wording."""
    here = tmp_path / "elsewhere"
    here.mkdir()
    made = run(fresh_venv, here, "new", "my-site")
    assert made.returncode == 0, made.stderr
    checked = run(fresh_venv, here, "validate", "--project", "my-site")
    assert checked.returncode == 0 and "no problems" in checked.stdout, checked.stdout + checked.stderr
    built = run(fresh_venv, here, "build", "--project", "my-site")
    assert built.returncode == 0, built.stderr
    site = here / "my-site/build"
    assert len(list(site.rglob("*.html"))) > 30 and (site / "about/index.html").is_file()
    assert broken_links(site) == []
    assert this_sites_wording(site) == []
    again = run(fresh_venv, here, "new", "my-site")
    assert again.returncode == 2 and again.stderr.strip() == "Error: my-site is not empty: name a new or empty " \
        "folder, nothing was written"
    assert not any(p.name.startswith(".my-site") for p in here.iterdir())
