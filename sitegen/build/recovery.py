"""Undo what a killed build left beside the output folder: put back a site moved aside, remove the rest."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from sitegen.build.marker import MARKER, is_ours
from sitegen.errors import say

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

LEFTOVER_KINDS = ("staging", "old", "site", "link")


def recover(out: Path) -> None:
    """Undo what a killed build left beside the output folder, saying what was recovered or removed."""
    if not os.path.lexists(out):
        restore_old(out, leftovers(out, ("old",)))
    current = out.parent / os.readlink(out) if out.is_symlink() else None
    for path in leftovers(out, LEFTOVER_KINDS):
        if path != current:
            remove_leftover(path)


def leftovers(out: Path, kinds: Iterable[str]) -> list[Path]:
    """Siblings of the output folder named as sitegen names its staging folders, old sites and links."""
    return sorted(p for kind in kinds for p in out.parent.glob(f".{out.name}-{kind}-*"))


def restore_old(out: Path, olds: list[Path]) -> None:
    """Put back the previous site a build killed between two renames left aside (also an older sitegen's)."""
    for old in sorted(olds, key=lambda p: p.stat().st_mtime, reverse=True):
        site = old / "site" if (old / "site").is_dir() and not (old / MARKER).exists() else old
        if site is old and not is_ours(old):
            continue
        os.rename(site, out)
        say(f"recovered {out.name}/ from {old.name}, the previous site a killed build had moved aside")
        return


def remove_leftover(path: Path) -> None:
    """Remove a staging folder, old site or link a killed build left, if sitegen made it."""
    if path.is_symlink():
        path.unlink()
        say(f"removed {path.name}, a link left by an interrupted build")
    elif path.is_dir() and (is_ours(path) or (path / "site").is_dir() and len(list(path.iterdir())) == 1
                            and is_old_style(path / "site")):
        shutil.rmtree(path)
        say(f"removed {path.name}, left by an interrupted build")
    elif path.exists():
        say(f"left {path.name} alone: it was not made by sitegen (no {MARKER}); delete it by hand if unwanted")


def is_old_style(site: Path) -> bool:
    """An older sitegen's `.build-old-*/site`: a site with or without a marker."""
    return is_ours(site) or not (site / MARKER).exists()
