"""Write the site into a staging folder, then swap it in whole: at every instant build/ is the old site or the new.

The swap is one `renameat2(RENAME_EXCHANGE)` of the staging folder with the output folder (Linux >= 3.15). Where
the kernel or the file system lacks it, build/ becomes a symlink to a versioned sibling folder, flipped by a
`rename` over the link. Every folder sitegen writes carries a marker file listing what it wrote, so nothing
sitegen did not write is ever replaced or removed.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sitegen.build.reuse import spare as spare_site
from sitegen.config import CONFIG_NAME, Config
from sitegen.errors import SitegenError
from sitegen.files import located, write_atomic

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

MARKER = ".sitegen-output"
MARKER_HEAD = "This folder is written by sitegen, which replaces it whole at every build. The files it wrote:\n"
MARKER_STAGING = "This folder is being written by sitegen: a build in progress, or one that was killed.\n"
RENAME_EXCHANGE = 2
AT_FDCWD = -100
LEFTOVER_KINDS = ("staging", "old", "site", "link")
REMOVING: list[threading.Thread] = []  # old sites being removed in the background


class Writer:
    """Writes files under a staging folder; refuses a path twice, or one outside the folder.

    A file whose bytes are those the last build wrote at the same path, and still there untouched, is linked from
    the last build (a hard link: no bytes copied) rather than written again; `last` is that build's manifest.
    """

    def __init__(self, output: Path, last: dict[str, list[Any]] | None = None, background: bool = False,
                 spare: Path | None = None, check: Callable[[], None] = lambda: None) -> None:
        self.output = output.parent.resolve() / output.name
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.spare = spare  # where the replaced site is kept, to be the next build's staging folder
        self.staging = make_folder(self.output.parent, f".{self.output.name}-staging-")
        self.reusing = spare_site.take(spare, self.staging.with_name(self.staging.name + "-r"))
        if self.reusing:
            self.staging.rmdir()
            self.staging = self.staging.with_name(self.staging.name + "-r")
        (self.staging / MARKER).write_text(MARKER_STAGING, encoding="utf-8")  # claims the folder from the start
        self.written: set[str] = set()
        self.shas: dict[str, str] = {}
        self.last = last or {}
        self.folders: set[Path] = {self.staging}
        self.carried: set[str] = set()  # files linked from the last build whatever their bytes (a preview)
        self.background = background  # remove the old site in a thread (serve: the new site is up at once)
        self.check = check  # raises when a newer edit makes this build pointless (serve): before every file

    def write(self, relpath: str, data: bytes | str) -> None:
        """Write one file of the site."""
        self.check()
        target = self.target(relpath)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self.shas[relpath] = hashlib.sha256(raw).hexdigest()
        self.make_parent(target)
        if not self.link_last(relpath, target):
            with located(target):
                if self.reusing:
                    spare_site.clear(target)  # the spare's file may be the live site's: never written into
                target.write_bytes(raw)
        if len(self.written) == 1:
            pause_point("staging-started")

    def keep(self, relpath: str, sha: str) -> bool:
        """Link a file the last build wrote with these bytes, without making them; False when it cannot."""
        self.check()
        entry = self.last.get(relpath)
        if relpath in self.written or not entry or entry[0] != sha:
            return False
        target = self.target(relpath)
        self.shas[relpath] = sha
        self.make_parent(target)
        if self.link_last(relpath, target):
            return True
        self.written.discard(relpath)
        del self.shas[relpath]
        return False

    def carry(self, relpath: str) -> bool:
        """Link the last build's file at relpath, whatever its bytes (a preview: the follow-up build makes it);
        False when the last build has none."""
        entry = self.last.get(relpath)
        # a file another tool wrote (the search index) has no hash: "" matches it
        if entry is None or not self.keep(relpath, entry[0]):
            return False
        self.carried.add(relpath)
        return True

    def carry_folder(self, folder: str) -> None:
        """carry() every file the last build wrote under folder (the search index, before it is made again)."""
        for relpath in sorted(p for p in self.last if p.startswith(f"{folder}/")):
            self.carry(relpath)

    def link_last(self, relpath: str, target: Path) -> bool:
        """Hard-link the last build's file to target if it holds these bytes and is untouched since."""
        entry = self.last.get(relpath)
        if not entry or entry[0] != self.shas[relpath]:
            return False
        old = self.output / relpath
        try:
            found = os.stat(old, follow_symlinks=False)
            if [found.st_size, found.st_mtime_ns, found.st_ino] != entry[1:] or not stat.S_ISREG(found.st_mode):
                return False  # changed in place, or replaced, since that build: write it afresh
            if self.reusing:
                if self.same_file(target, found):
                    return True  # the spare already holds this very file
                spare_site.clear(target)
            os.link(old, target)
        except OSError:
            return False
        return True

    @staticmethod
    def same_file(target: Path, found: os.stat_result) -> bool:
        """Whether target is the file found (the same inode of the same device)."""
        try:
            here = os.stat(target, follow_symlinks=False)
        except OSError:
            return False
        return (here.st_ino, here.st_dev) == (found.st_ino, found.st_dev)

    def make_parent(self, target: Path) -> None:
        """The folder a file goes in (each folder made once)."""
        if target.parent not in self.folders:
            with located(target.parent):
                spare_site.make_folder(target.parent, self.staging)
            self.folders.add(target.parent)

    def manifest(self) -> dict[str, list[Any]]:
        """What this build wrote, as the next build compares: each file's hash ("" if another tool wrote it),
        size, time and inode."""
        found = {}
        for relpath in sorted(self.written):
            status = os.stat(self.output / relpath, follow_symlinks=False)
            found[relpath] = [self.shas.get(relpath, ""), status.st_size, status.st_mtime_ns, status.st_ino]
        return found

    def target(self, relpath: str) -> Path:
        """The staging path for relpath, after the safety checks."""
        pure = PurePosixPath(relpath)
        if (pure.is_absolute() or ".." in pure.parts or "\\" in relpath or "\n" in relpath or not relpath
                or relpath == MARKER):  # the marker lists one path a line
            raise SitegenError(f"refusing to write {relpath!r}: outside the output folder")
        if relpath in self.written:
            raise SitegenError(f"refusing to write {relpath!r} twice: two pages claim the same path")
        self.written.add(relpath)
        # no `..`, not absolute, and only sitegen makes folders in staging (never a link): it stays inside
        return self.staging / pure

    def discard(self, folder: str) -> None:
        """Empty a folder another tool is about to fill (what a reused spare held there is stale)."""
        if self.reusing:
            shutil.rmtree(self.staging / folder, ignore_errors=True)

    def adopt(self, paths: list[str]) -> None:
        """Count files another tool wrote into the staging folder (the search index) as written by this build."""
        for relpath in paths:
            self.target(relpath)  # the same checks as a write: inside the folder, never twice

    def commit(self) -> None:
        """Swap the staging folder in for the output folder, then keep the old site as the spare, or remove it."""
        if self.reusing:
            spare_site.sweep(self.staging, self.written)  # whatever the spare held that this build did not write
        (self.staging / MARKER).write_text(MARKER_HEAD + "".join(f"{p}\n" for p in sorted(self.written)),
                                           encoding="utf-8")
        pause_point("staging-written")
        with signals_held():
            self.swap()
        pause_point("old-removed")

    def swap(self) -> None:
        """Put the staging folder at the output path: one exchange, else one rename or the symlink flip."""
        links = os.environ.get("SITEGEN_SWAP") == "symlink"  # test hook: the fallback, where exchange works
        if not links and not os.path.lexists(self.output):
            os.rename(self.staging, self.output)  # nothing to replace: one rename is atomic
        elif links or not exchange(self.staging, self.output):
            flip_symlink(self.staging, self.output)
        else:
            pause_point("swapped")
            old = self.staging  # now holds the old site
            if spare_site.keep_as_spare(old, self.spare):
                return
            if self.background:
                thread = threading.Thread(target=remove_quietly, args=(old,), daemon=True)
                REMOVING.append(thread)
                thread.start()
            else:
                remove_quietly(old)

    def abort(self) -> None:
        """Throw the staging folder away."""
        shutil.rmtree(self.staging, ignore_errors=True)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM during the swap, so they land before or after it, never inside it."""
    held = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def make_folder(parent: Path, prefix: str) -> Path:
    """A new folder with a random name, made with the umask's mode (mkdtemp would make it 0700)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def flip_symlink(staging: Path, output: Path) -> None:
    """The fallback: output is a symlink to a versioned folder, replaced by one rename over the link."""
    name, parent = output.name, output.parent
    site = make_folder(parent, f".{name}-site-")
    site.rmdir()
    os.rename(staging, site)
    link = parent / f".{name}-link-{secrets.token_hex(4)}"
    os.symlink(site.name, link)
    pause_point("link-made")
    old = None
    if output.is_symlink() or not output.exists():
        old = parent / os.readlink(output) if output.is_symlink() else None
        os.replace(link, output)
    else:  # a real folder cannot be replaced by a link in one step: the next start recovers this window
        old = parent / f".{name}-old-{secrets.token_hex(4)}"
        os.rename(output, old)
        pause_point("between-renames")
        os.replace(link, output)
    pause_point("swapped")
    if old is not None:
        remove_quietly(old)


def remove_quietly(path: Path) -> None:
    """Remove an old site sitegen wrote; a failure only leaves a leftover that the next build removes."""
    try:
        if path.is_symlink():
            target = path.parent / os.readlink(path)
            path.unlink()
            path = target
        if is_ours(path):
            remove_marked_last(path)
    except OSError as exc:
        say(f"could not remove the previous site at {exc.filename or path}: {exc.strerror}; the next build will")


def remove_marked_last(folder: Path) -> None:
    """Remove a folder sitegen wrote, its marker last: stopped half-way, it is still known as sitegen's."""
    (folder / MARKER).write_text(MARKER_STAGING, encoding="utf-8")  # a half-removed site is no site to restore
    for child in folder.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (folder / MARKER).unlink()
    folder.rmdir()


def finish_removals() -> None:
    """Wait for old sites still being removed in the background (before anything else looks beside build/)."""
    while REMOVING:
        REMOVING.pop().join()


def manifest(folder: Path) -> set[str] | None:
    """The files sitegen wrote into folder, from its marker; None when it has no marker."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return set(text.removeprefix(MARKER_HEAD).splitlines()) if text.startswith(MARKER_HEAD) else None


def foreign(folder: Path, written: set[str]) -> list[str]:
    """Paths under folder that sitegen did not write (the marker and the folders of written files aside)."""
    folders = {str(PurePosixPath(p).parent) for p in written} | {"."}
    folders |= {str(parent) for p in list(folders) for parent in PurePosixPath(p).parents}
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = os.path.relpath(dirpath, folder)
        for name in [*dirnames, *filenames]:
            rel = name if here == "." else f"{here}/{name}"
            is_dir = name in dirnames and not os.path.islink(os.path.join(dirpath, name))
            if rel != MARKER and not (rel in folders if is_dir else rel in written):
                found.append(rel)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    return sorted(found)


def is_ours(folder: Path) -> bool:
    """True for a folder sitegen made: its staging, a site holding only what its marker lists, or an empty one."""
    if is_staging(folder):
        return True
    written = manifest(folder)
    if written is None:
        return folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir())
    return not foreign(folder, written)


def check_writable(out: Path) -> None:
    """Fail before any work when the old site could not be replaced and removed: read-only, or not ours to write."""
    site = out.parent / os.readlink(out) if out.is_symlink() else out
    inside: list[str] = []
    for dirpath, dirnames, _ in os.walk(site):  # nothing when it is not a folder
        inside.append(dirpath)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    devices: set[int] = set()
    for folder in [str(out.parent), *inside]:
        device = os.stat(folder).st_dev
        if device not in devices and os.statvfs(folder).f_flag & os.ST_RDONLY:  # once per file system
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(folder))
        devices.add(device)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(folder))


def is_staging(folder: Path) -> bool:
    """True for a folder a build was writing into (only sitegen writes there)."""
    try:
        return (folder / MARKER).read_text(encoding="utf-8") == MARKER_STAGING
    except (OSError, UnicodeDecodeError):
        return False


def output_path(config: Config) -> Path:
    """Where output_dir points: its folders resolved, the output itself not followed (unchecked)."""
    raw = Path(config.output_dir)
    return (config.root.resolve() / raw).parent.resolve() / raw.name


def output_folder(config: Config) -> Path:
    """The output folder, refused unless it is a folder of its own inside the project (issue 11)."""
    root = config.root.resolve()
    raw = Path(config.output_dir)
    shown = f"output_dir = {config.output_dir!r} in {CONFIG_NAME}"
    if not raw.name or raw.name in (".", "..") or ".." in raw.parts:
        raise SitegenError(f"{shown}: the output must be a folder of its own inside the project, such as 'build'")
    out = output_path(config)
    if not out.is_relative_to(root) or out == root:
        raise SitegenError(f"{shown}: {out} is outside the project; use a folder inside it, such as 'build'")
    for name in protected(config):
        held = (root / name).resolve()
        if out == held or held.is_relative_to(out) or out.is_relative_to(held):
            what = name if name == CONFIG_NAME else f"{name}/"
            raise SitegenError(f"{shown}: building there would replace or mix with {what}, which holds the "
                               "project's own files; use a folder of its own, such as 'build'")
    check_existing(out, shown, root / config.cache_dir)
    return out


def prepare_output(config: Config) -> Path:
    """The guarded output folder, after undoing whatever a killed build left beside it."""
    finish_removals()
    out = output_folder(config)
    recover(out)
    return out


def protected(config: Config) -> Iterable[str]:
    """Everything of the project's own that no build may replace."""
    return (config.datapackages_dir, config.content_dir, config.templates_dir, CONFIG_NAME, "docs", ".git",
            config.cache_dir)


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
    if manifest(site) is None:
        raise SitegenError(f"{shown}: {out.name}/ exists but was not made by sitegen (it has no {MARKER} file); "
                           f"move it away or delete it, or choose another output_dir")
    extra = foreign(site, manifest(site) or set())
    raise SitegenError(f"{shown}: {out.name}/ holds {len(extra)} file(s) sitegen did not write, such as "
                       f"{extra[0]!r}; every build replaces {out.name}/ whole, so move them elsewhere first")


def made_by_earlier_sitegen(site: Path, cache_dir: Path) -> bool:
    """A folder without a marker is still ours if it is byte for byte what the last build stamp recorded."""
    if (site / MARKER).exists():
        return False
    from sitegen.build.stamp import STAMP, tree_digest  # stamp imports this module

    try:
        stamp = json.loads((cache_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp.get("output") == tree_digest(site)


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


def pause_point(step: str) -> None:
    """Test hook: with SITEGEN_PAUSE_AT=step, announce the step in SITEGEN_PAUSE_FILE.reached, then wait for
    SITEGEN_PAUSE_FILE to appear (so a test can kill the build at a known instant)."""
    if os.environ.get("SITEGEN_PAUSE_AT") != step:
        return
    flag = Path(os.environ["SITEGEN_PAUSE_FILE"])
    Path(f"{flag}.reached").write_text(str(os.getpid()), encoding="utf-8")
    while not flag.exists():
        time.sleep(0.02)


def say(message: str) -> None:
    """One line of the build's log (stderr: stdout carries the result)."""
    print(f"sitegen: {message}", file=sys.stderr, flush=True)








MANIFEST = "output-manifest"


def state_file(config: Config, name: str, suffix: str = ".json") -> Path:
    """A file in the cache about one output folder (projects may share a cache: each output has its own)."""
    where = hashlib.sha256(str(output_path(config)).encode()).hexdigest()[:16]
    return config.root / config.cache_dir / f"{name}-{where}{suffix}"


def load_manifest(config: Config) -> dict[str, list[Any]]:
    """The last build's manifest (hash, size, time, inode of each file it wrote), or nothing."""
    try:
        body = json.loads(state_file(config, MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = body.get("files") if isinstance(body, dict) else None
    return {k: v for k, v in files.items() if isinstance(v, list) and len(v) == 4} if isinstance(files, dict) else {}


def save_manifest(config: Config, files: dict[str, list[Any]]) -> None:
    """Record what this build wrote, for the next build to link what has not changed."""
    path = state_file(config, MANIFEST)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"files": files}, sort_keys=True, separators=(",", ":")))


def matches(folder: Path, files: dict[str, list[Any]]) -> bool:
    """Whether folder holds exactly these files (besides its marker), each as it was: size, time and inode."""
    seen = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        here = os.path.relpath(dirpath, folder)
        if any(os.path.islink(os.path.join(dirpath, d)) for d in dirnames):
            return False
        for name in filenames:
            rel = name if here == "." else f"{here}/{name}"
            if rel == MARKER:
                continue
            status = os.lstat(os.path.join(dirpath, name))
            entry = files.get(rel)
            if entry is None or [status.st_size, status.st_mtime_ns, status.st_ino] != entry[1:] \
                    or not stat.S_ISREG(status.st_mode):
                return False
            seen += 1
    return seen == len(files)


