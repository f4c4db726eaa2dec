"""Hostile data in the git history: a commit whose figures.csv is a link out of the project is read as a missing
file, located, by `diff` and by the build's changelog; never a traceback, never the link's target."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_here
from gitrepo import FIGURES, commit, make_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, mini_site: Path) -> Path:
    """Seed; then figures.csv a link to /etc/passwd; then the file again."""
    project = make_repo(tmp_path_factory.mktemp("linked") / "p")
    figures = project / FIGURES
    kept = figures.read_bytes()
    figures.unlink()
    figures.symlink_to("/etc/passwd")
    commit(project, "A link", 1767312000)
    figures.unlink()
    figures.write_bytes(kept)
    commit(project, "The file again", 1767398400)
    return project


def test_diff_names_a_file_that_a_commit_made_a_link(repo: Path) -> None:
    result = run_here(repo, "diff", "HEAD~2", "HEAD~1")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "root:x:0" not in output, output
    assert f"{FIGURES}: the CSV named in datapackage.json does not exist" in output


def test_the_changelog_reads_past_such_a_commit(repo: Path) -> None:
    result = run_here(repo, "build")
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, output
    assert "root:x:0" not in "".join(p.read_text(errors="replace") for p in (repo / "build").rglob("*.html"))
