"""Which folder a build may replace: the output folder's policy, checked before any work, and made ready."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.build.manifest import STAMP, output_path
from sitegen.build.marker import MARKER, entries_of, foreign, is_ours, marked
from sitegen.build.recovery import recover
from sitegen.config import CONFIG_NAME, Config
from sitegen.errors import SitegenError
from sitegen.files import read_state, tree_digest

if TYPE_CHECKING:
    import threading
    from collections.abc import Iterable


def check_writable(out: Path) -> None:
    """Fail before any work when the old site could not be replaced and removed: read-only, or not ours to write."""
    site = out.parent / os.readlink(out) if out.is_symlink() else out
    inside = [str(site)] if site.is_dir() else []
    for folder in inside:  # grows as it goes: every folder below, links to folders left out
        inside += [entry.path for entry in entries_of(folder) if entry.is_dir(follow_symlinks=False)]
    devices: set[int] = set()
    for folder in [str(out.parent), *inside]:
        device = os.stat(folder).st_dev
        # once per file system; Windows has no statvfs: a read-only volume fails at the first write instead
        if device not in devices and hasattr(os, "statvfs") and os.statvfs(folder).f_flag & os.ST_RDONLY:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(folder))
        devices.add(device)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(folder))


def output_folder(config: Config, as_left: bool = False) -> Path:
    """The output folder, refused unless it is a folder of its own inside the project (issue 11); its content is
    checked too, unless as_left (exactly as the last build left it: sitegen.build.manifest.as_left)."""
    root = config.root.resolve()
    raw = Path(config.output_dir)
    given = "output_dir" in config.given  # `build --output DIR`: the user chose it, so it may lie outside
    shown = f"--output {config.output_dir}" if given else \
        f"output_dir = {config.output_dir!r} in {config.settings_file.name}"
    if not raw.name or raw.name in (".", "..") or ".." in raw.parts:
        raise SitegenError(f"{shown}: the output must be a folder of its own inside the project, such as 'build'")
    out = output_path(config)
    if out == root or root.is_relative_to(out):
        raise SitegenError(f"{shown}: {out} is the project folder or holds it; use a folder of its own, such as "
                           "'build'")
    if not given and not out.is_relative_to(root):
        raise SitegenError(f"{shown}: {out} is outside the project; use a folder inside it, such as 'build'")
    if given and not out.parent.is_dir():
        raise SitegenError(f"{shown}: {out.parent} does not exist; make it first, or choose another folder")
    for name in protected(config):
        held = (root / name).resolve()
        if out == held or held.is_relative_to(out) or out.is_relative_to(held):
            what = held.name if name in (CONFIG_NAME, str(config.settings_file)) else f"{name}/"
            raise SitegenError(f"{shown}: building there would replace or mix with {what}, which holds the "
                               "project's own files; use a folder of its own, such as 'build'")
    if not as_left:
        check_existing(out, shown, root / config.cache_dir)
    return out


def prepare_output(config: Config, removals: list[threading.Thread], as_left: bool = False) -> Path:
    """The guarded output folder, after the old sites still being removed are gone and whatever a killed build left
    beside it is undone."""
    if removals:  # only `sitegen serve` replaces sites in the background: a build need not load how
        from sitegen.build.swap import finish_removals

        finish_removals(removals)
    out = output_folder(config, as_left)
    recover(out)
    return out


def protected(config: Config) -> Iterable[str]:
    """Everything of the project's own that no build may replace."""
    return (config.datapackages_dir, config.content_dir, config.templates_dir, CONFIG_NAME,
            str(config.settings_file), "docs", ".git", config.cache_dir)


def check_existing(out: Path, shown: str, cache_dir: Path) -> None:
    """An existing output folder must be one sitegen wrote, holding nothing else."""
    site = out
    if out.is_symlink():
        site = out.parent / os.readlink(out)
        if site.parent != out.parent or not site.name.startswith(f".{out.name}-site-"):
            raise SitegenError(f"{shown}: {out.name} is a symlink to {os.readlink(out)}, not made by sitegen; "
                               "remove the link, or choose another output_dir")
    elif out.exists() and not out.is_dir():
        raise SitegenError(f"{shown}: {out.name} is a file, not a folder; move it away or choose another output_dir")
    if not site.is_dir() or is_ours(site) or made_by_earlier_sitegen(site, cache_dir):
        return
    if marked(site) is None:
        raise SitegenError(f"{shown}: {out.name}/ exists but was not made by sitegen (it has no {MARKER} file); "
                           f"move it away or delete it, or choose another output_dir")
    extra = foreign(site, marked(site) or set())
    raise SitegenError(f"{shown}: {out.name}/ holds {len(extra)} file(s) sitegen did not write, such as "
                       f"{extra[0]!r}; every build replaces {out.name}/ whole, so move them elsewhere first")


def made_by_earlier_sitegen(site: Path, cache_dir: Path) -> bool:
    """A folder without a marker is still ours if it is byte for byte what the last build stamp recorded."""
    if (site / MARKER).exists():
        return False
    stamp = read_state(cache_dir / STAMP)
    return isinstance(stamp, dict) and stamp.get("output") == tree_digest(site)
