"""One side of a diff: a folder, the working tree or a git revision, read and validated."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sitegen.cache import Cache, code_digest
from sitegen.errors import detail
from sitegen.history import git as gitdata
from sitegen.history.diff import compare, new_problems, relocate
from sitegen.history.diff_report import RENDERERS
from sitegen.history.exports import exported

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sitegen.config import Config
    from sitegen.data.rows import Packages
    from sitegen.errors import Problem

WORKTREE = "working tree"


@dataclass
class Version:
    """The data of one version: its label, typed rows and problems (paths as a contributor knows them)."""

    label: str
    packages: Packages
    problems: list[Problem]


def data_folder(folder: Path, config: Config) -> Path:
    """A project folder's data folder, or the folder itself when it holds the packages."""
    inner = folder / config.datapackages_dir
    return inner if inner.is_dir() else folder


def read(folder: Path, label: str, shown: str, validate: Cache | None) -> Version:
    """Read the packages under folder, and validate them with frictionless's verdicts cached in validate (`sitegen
    diff`)."""
    from sitegen.data.read import read_packages
    from sitegen.data.validate import validate_packages

    packages, problems = validate_packages(folder, verdicts=validate) if validate else read_packages(folder)
    return Version(label, packages, relocate(problems, folder, shown))


@contextmanager
def open_version(spec: str, config: Config, validate: bool = True) -> Iterator[Version]:
    """The version named by spec: the working tree, a folder, or a git revision exported to a temp folder."""
    root, datadir = config.root, config.datapackages_dir
    verdicts = Cache(root / config.cache_dir, "verdicts", code_digest()) if validate else None
    if spec == WORKTREE:
        yield read(root / datadir, WORKTREE, datadir, verdicts)
        return
    folder = Path(spec)
    if folder.is_dir():
        yield read(data_folder(folder, config), f"folder {spec}", datadir, verdicts)
        return
    sha = gitdata.resolve(root, spec)
    if sha is None:
        raise click.UsageError(f"{spec!r} is neither a folder nor a git revision of {root}")
    with exported(config, sha) as folder:
        yield read(folder, f"{spec} ({sha[:7]})", datadir, verdicts)


def run_diff(old_spec: str, new_spec: str, fmt: str, config: Config) -> int:
    """Print the diff; 0 when the newer version brings no new problem, 1 when it does."""
    with open_version(old_spec, config) as old, open_version(new_spec, config) as new:
        detail(f"Read {old.label} and {new.label}")
        diff = compare(old.packages, new.packages)
        problems = new_problems(old.problems, new.problems)
        sys.stdout.write(RENDERERS[fmt](old, new, diff, problems))
    return 1 if problems else 0
