"""Fixture git histories: a copy of the mini project committed, edited and committed again, at fixed dates."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

from conftest import MINI, copy_project

FIGURES = "datapackages/nhs-debts/figures.csv"
ADDED_ROW = ("norfolk-nhs-overdue-asc-debt-31-march-2024,E10000020,Norfolk County Council,E54000022,"
             "Norfolk and Waveney Integrated Care Board,false,nhs-overdue-asc-debt,3100000,GBP,2024-03-31,"
             "2024-03-31,31 March 2024,exact,reported,,src-3fd6f94c,,")  # note and dispute blank


def git(repo: Path, *args: str, when: int = 1767225600) -> str:
    """Run git in repo with a fixed identity and date (so hashes and dates are the same every run)."""
    stamp = f"@{when} +0000"
    env = os.environ | {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
                        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
                        "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_CONFIG_NOSYSTEM": "1",
                        "HOME": str(repo)}
    done = subprocess.run(["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, timeout=30,
                          check=True)
    return done.stdout.strip()


def make_repo(dest: Path) -> Path:
    """A git repository holding the mini project, one commit."""
    repo = copy_project(MINI, dest)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Seed the mini data")
    return repo


def edit(repo: Path, change: Callable[[list[str]], list[str]], path: str = FIGURES) -> None:
    """Rewrite a CSV's lines (header first) with change."""
    target = repo / path
    lines = target.read_text(encoding="utf-8").splitlines()
    target.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def commit(repo: Path, message: str, when: int) -> str:
    """Commit everything at a fixed time; the new commit's hash."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD")


def set_value(figure_id: str, value: str) -> Callable[[list[str]], list[str]]:
    """An edit setting one figure's value (the eighth column)."""
    def change(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            if line.startswith(figure_id + ","):
                cells = line.split(",")
                cells[7] = value
                line = ",".join(cells)
            out.append(line)
        return out
    return change


def drop(figure_id: str) -> Callable[[list[str]], list[str]]:
    """An edit deleting one figure's row."""
    return lambda lines: [line for line in lines if not line.startswith(figure_id + ",")]


def append(row: str) -> Callable[[list[str]], list[str]]:
    """An edit adding a row at the end."""
    return lambda lines: [*lines, row]
