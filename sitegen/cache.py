"""The on-disk cache, verified and never trusted, and the one hash of the code that keys it. Each entry is named by a
hash of what it is made from and of the code and library versions that made it, carries the hash of its own
content, and is written whole or not at all."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import sitegen
from sitegen.errors import say
from sitegen.files import read_state, write_atomic

FORMAT = b"sitegen-cache 1 sha256="
USED = "used-by-"  # a cache folder's record of the entries its last builds used, one file per output folder
ENTRY = re.compile(r"[0-9a-f]{64}(\.[a-z0-9]+)+")  # an entry's file name (Cache.path): nothing else is ever pruned
KEEP_BUILDS = 10  # complete builds whose entries are kept: a file changed back within them is not made again

# Libraries whose version can change the output bytes
LIBRARIES = ("altair", "feedgen", "frictionless", "jinja2", "markdown", "nh3", "vl-convert-python")
SOURCES = (".py", ".js")  # sitegen's own files that the code hash reads
# A file changed this little before its status was taken may change again unseen in the same tick of the file
# system's clock: its status is then not trusted, and the code is hashed (as sitegen.build.stamp does the inputs')
RACY_NS = 50_000_000  # many ticks of a nanosecond file system's clock (Linux's is at most 10 ms)
RACY_WHOLE_NS = 2_000_000_000  # a time in whole seconds: FAT keeps 2 s, ext3 and HFS+ 1 s


def library_versions() -> dict[str, str]:
    """Every output-changing library with its installed version."""
    import importlib.metadata  # only when the code is hashed: a build with nothing changed does without it

    return {name: importlib.metadata.version(name) for name in LIBRARIES}


def code_digest() -> str:
    """One hash of sitegen's version, its source (Python and JavaScript) and the library versions: part of every
    cache key and of the no-change stamp. Worked out once per session (sitegen.build.session): a running
    `sitegen serve` runs the code it loaded, whatever is edited on disk meanwhile."""
    package = Path(sitegen.__file__).parent
    digest = hashlib.sha256(json.dumps([sitegen.__version__, library_versions()], sort_keys=True).encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in SOURCES and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_status() -> str:
    """One hash of the status of everything code_digest reads, without reading it: size, times and inode of each of
    sitegen's source files, and the name, time and inode of each installed library's metadata folder (its name
    holds the version) on the import path. "" when a file changed too recently to trust its status."""
    now = time.time_ns()
    facts: list[Any] = [sitegen.__version__]
    sources = source_status(os.path.dirname(sitegen.__file__), "")
    if any(racy(now, max(entry[2], entry[3])) for entry in sources):
        return ""
    facts += [sources, library_status()]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()


def racy(now: int, changed: int) -> bool:
    """Whether a file changed at changed (ns) may yet change unseen in the same tick of the clock as now."""
    return now - changed < (RACY_WHOLE_NS if changed % 1_000_000_000 == 0 else RACY_NS)


def source_status(folder: str, rel: str) -> list[list[Any]]:
    """[path, size, mtime, ctime, inode] of each source file under folder (path relative to the package), sorted."""
    found: list[list[Any]] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):  # as code_digest's rglob, which enters no linked folder
                found += source_status(entry.path, f"{rel}{entry.name}/")
            elif entry.name.endswith(SOURCES) and entry.is_file():
                status = entry.stat()
                found.append([rel + entry.name, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino])
    return found


def library_status() -> list[list[Any]]:
    """[folder, name, mtime, inode] of each output-changing library's metadata folder (`altair-5.4.1.dist-info`) in
    each folder of the import path, in its order, as importlib.metadata would find them: an upgrade renames it.
    (The import path itself is left out: where `sitegen` is started from changes it, not the libraries found.)"""
    wanted = {normal(name) for name in LIBRARIES}
    found: list[list[Any]] = []
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as entries:
                here = [entry for entry in entries if entry.name.endswith((".dist-info", ".egg-info"))
                        and normal(entry.name.split("-")[0]) in wanted]
            for entry in sorted(here, key=lambda e: e.name):
                status = entry.stat()
                found.append([folder, entry.name, status.st_mtime_ns, status.st_ino])
        except OSError:  # not a folder (a zip file), or gone: nothing importlib.metadata reads either
            continue
    return found


def normal(name: str) -> str:
    """A distribution's name as its metadata folder spells it (PEP 503, then `-` as `_`)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def known_code_digest(known: Any) -> tuple[str, str]:
    """(code_digest(), code_status()): the digest taken from known, a former [status, digest], when the status
    is still that one, so nothing is read or imported to hash it."""
    status = code_status()
    if status and isinstance(known, list) and len(known) == 2 and known[0] == status and isinstance(known[1], str):
        return known[1], status
    return code_digest(), status


CODE_NOTE = "code.json"  # under the cache folder: [status, digest] of the code last hashed there


def noted_code_digest(folder: Path) -> str:
    """code_digest(), taken from the cache folder's note of it while sitegen's files and libraries are as they were
    (known_code_digest), and noted there for the next command: `sitegen validate` then hashes no source file."""
    note = folder / CODE_NOTE
    known = read_state(note)
    digest, status = known_code_digest(known)
    if status and known != [status, digest]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(note, json.dumps([status, digest]), durable=False)
        except OSError:  # a read-only cache: the code is hashed again next time, no more
            pass
    return digest


class Cache:
    """Entries (text or bytes) under one folder, each named `<key><suffix>`; every read checks the entry's hash."""

    def __init__(self, folder: Path, kind: str, code: str, read: bool = True) -> None:
        self.folder = folder / kind
        self.code = code  # the code and library versions (code_digest): a change to
        # either makes every entry stale
        self.read = read  # False for `--force`: rebuild every entry, overwriting what is there
        self.used: set[str] = set()  # the entries this build read, wrote or relies on, by file name (see prune)

    def path(self, key: str, suffix: str) -> Path:
        """Where an entry lives: its key together with the versions of the code and libraries that make it."""
        return self.folder / f"{hashlib.sha256(f'{self.code}:{key}'.encode()).hexdigest()}{suffix}"

    def get(self, key: str, suffix: str) -> str | None:
        """An entry's text, or None when there is none (or it was corrupt, and is now gone)."""
        body = self.get_bytes(key, suffix)
        if body is None:
            return None
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            self.discard(self.path(key, suffix))
            return None

    def get_bytes(self, key: str, suffix: str) -> bytes | None:
        """An entry's bytes, or None when there is none (or it was corrupt, and is now gone)."""
        if not self.read:
            return None
        path = self.path(key, suffix)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        body = unpack(data)
        if body is None:
            self.discard(path)
        else:
            self.used.add(path.name)
        return body

    def discard(self, path: Path) -> None:
        """Remove a corrupt entry, and say so."""
        path.unlink(missing_ok=True)
        self.used.discard(path.name)
        say(f"discarded a corrupt cache entry {path} (its content does not match its hash); rebuilding it")

    def mark(self, key: str, suffix: str) -> None:
        """Count an entry as used by this build without reading it (the file made from it was linked instead)."""
        self.used.add(self.path(key, suffix).name)

    def put(self, key: str, suffix: str, text: str) -> None:
        """Store an entry's text, with the hash of its content, atomically."""
        self.put_bytes(key, suffix, text.encode("utf-8"))

    def put_bytes(self, key: str, suffix: str, body: bytes) -> None:
        """Store an entry's bytes, with the hash of its content, atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # no fsync: an entry lost or torn by a crash fails its hash on the next read and is made again
        path = self.path(key, suffix)
        write_atomic(path, pack(body), durable=False)
        self.used.add(path.name)

    def prune(self, output: str, builds: int = KEEP_BUILDS) -> None:
        """Remove the entries that none of the last `builds` complete builds of any output used: each changed file
        adds an entry, and nothing else would ever remove one (a stale code's entries, a figure's old values).
        output names the build's output folder: outputs sharing the cache keep each other's entries. Only files
        named as entries are removed, and nothing in a folder reached through a link (cache_dir is a setting)."""
        if self.folder.is_symlink() or not self.folder.is_dir():
            return
        record = self.folder / f"{USED}{hashlib.sha256(output.encode()).hexdigest()[:16]}.json"
        lists = [*used_lists(record), sorted(self.used)][-builds:]
        try:
            write_atomic(record, json.dumps(lists), durable=False)
            keep = {name for path in self.folder.glob(f"{USED}*.json") for names in used_lists(path)
                    for name in names}
            with os.scandir(self.folder) as entries:
                stale = [entry.path for entry in entries if ENTRY.fullmatch(entry.name)
                         and entry.name not in keep and entry.is_file(follow_symlinks=False)]
            for path in stale:
                os.unlink(path)
        except OSError:  # read-only, or an entry in use (Windows): kept until the next build tries again
            return


def used_lists(record: Path) -> list[list[str]]:
    """The entry names each of the last complete builds used, as prune wrote them; none when unreadable."""
    found = read_state(record)
    if not isinstance(found, list) or not all(isinstance(names, list) for names in found):
        return []
    return [[name for name in names if isinstance(name, str)] for names in found]


def pack(body: bytes) -> bytes:
    """An entry's bytes: a header line holding the content's hash, then the content."""
    return FORMAT + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def unpack(data: bytes) -> bytes | None:
    """The content of an entry whose hash matches, else None (truncated, emptied, garbled, or from elsewhere)."""
    header, _, body = data.partition(b"\n")
    if not header.startswith(FORMAT) or header.removeprefix(FORMAT) != hashlib.sha256(body).hexdigest().encode():
        return None
    return body
