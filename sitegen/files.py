"""Files in and out: reads fenced to the project and size-limited, writes atomic."""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import os
import secrets
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.errors import Problem, SitegenError, problem

if TYPE_CHECKING:
    from collections.abc import Iterator

MAX_FILE_BYTES = 25_000_000  # the largest real data file (official-returns figures.csv) is ~233 kB: 100 times over
MAX_PAGE_BYTES = 256_000  # the longest real Markdown page is ~2.5 kB: 100 times over
MAX_BYTES_LIMIT = 1_000_000_000  # the highest max_file_bytes or max_page_bytes: no file larger is ever read
# links and tags (`[` and `<`) per Markdown page: Python-Markdown's matching of unclosed `[` is quadratic in them
# (2,000 render in 2 s at worst, 10,000 in 40 s); real pages hold a few dozen
MAX_PAGE_MARKUP = 2_000
MAX_MARKUP_LIMIT = 100_000  # the highest max_page_markup: an hour at worst, never unbounded


@dataclass(frozen=True)
class Inputs:
    """Where input files may lie, and how large they may be."""

    root: Path
    max_bytes: int = MAX_FILE_BYTES
    keep_bytes: bool = True  # False: a CSV's bytes are dropped once read (validation alone never needs them)
    # path -> [*status_key, SHA-256 hex] of the files the build's look at its inputs hashed (sitegen.build.stamp)
    known: dict[str, list[Any]] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def under(cls, path: Path, max_bytes: int = MAX_FILE_BYTES) -> Inputs:
        """Limits for reading path: its folder (or a file's folder) is the fence."""
        folder = path if path.is_dir() else path.parent
        return cls(folder.resolve(), max_bytes)

    def unchanged(self, path: Path) -> bytes | None:
        """The SHA-256 of a regular file within the size limit whose status is still as when it was hashed (known);
        None for any other: it is read."""
        entry = self.known.get(str(path))
        if entry is None:  # hashed inside the project only: a path it never hashed is not even looked at here
            return None
        try:
            status = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode) or status.st_size > self.max_bytes or entry[:4] != status_key(status):
            return None
        return bytes.fromhex(entry[4])


def status_key(status: os.stat_result) -> list[int]:
    """What tells a file's edit from its status (sitegen.build.stamp): size, modification and change times, inode."""
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


class ReadRefused(Exception):
    """A file that is not read: outside the project, special, too large, or not clean UTF-8."""

    def __init__(self, found: Problem) -> None:
        super().__init__(found.message)
        self.problem = found


def display(path: Path) -> str:
    """A path relative to the working directory where possible; a link is named, not its target.

    It resolves folders (a tenth of a millisecond): work it out once per file, not once per problem.
    """
    absolute = Path(os.path.abspath(path))
    absolute = absolute.parent.resolve() / absolute.name  # folders resolved, the file itself not followed
    try:
        return str(absolute.relative_to(Path(os.getcwd())))
    except ValueError:
        return str(path)


def read_bytes(path: Path, inputs: Inputs, shown: str) -> bytes:
    """A regular file's bytes, if it lies inside inputs.root and within the size limit; else ReadRefused."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ReadRefused(problem("missing-file", "the file does not exist (or is a broken link)", shown)) from None
    if not real.is_relative_to(inputs.root):
        # never say where the link points, nor what is there
        raise ReadRefused(problem("outside-project", "the file is a link to a file outside the project", shown))
    try:
        # a FIFO must not block us before the check (POSIX); Windows: binary, or its C library turns \r\n into \n
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ReadRefused(problem("missing-file", f"cannot read the file: {exc.strerror}", shown)) from None
    status = os.fstat(fd)  # before fdopen, which refuses a folder with an error naming only the descriptor
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        if stat.S_ISDIR(status.st_mode):
            raise ReadRefused(problem("folder-not-file", "this is a folder where a file belongs", shown))
        raise ReadRefused(problem("special-file", "not a regular file (a device, pipe or socket)", shown))
    with os.fdopen(fd, "rb") as file:
        data = file.read(inputs.max_bytes + 1)
    if len(data) > inputs.max_bytes:
        size = max(status.st_size, len(data))
        raise ReadRefused(problem("too-large", f"the file is {size:,} bytes, over the limit of {inputs.max_bytes:,} "
                                  "bytes", shown, 0, "size", size))
    return data


def read_text(path: Path, inputs: Inputs, shown: str) -> str:
    """read_bytes, decoded as clean UTF-8."""
    return decode(read_bytes(path, inputs, shown), shown)


def decode(raw: bytes, shown: str) -> str:
    """UTF-8 text of a file; a BOM or invalid byte raises ReadRefused naming line and byte."""
    if raw.startswith(codecs.BOM_UTF8):
        raise ReadRefused(problem("bom", "the file starts with a UTF-8 byte order mark", shown, 1))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not valid UTF-8"
        raise ReadRefused(problem("encoding", message, shown, line)) from None


FILESYSTEM_ADVICE = {
    errno.ENOSPC: ("the disk is full", "free some space, or set output_dir to a folder on a larger disk"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space, or ask for a larger quota"),
    errno.EROFS: ("the file system is read-only", "build on a writable file system, or remount it read-write"),
    errno.EACCES: ("permission denied", "run as a user who may write there, or change its owner or mode"),
    errno.EPERM: ("operation not permitted", "run as a user who may write there, or change its owner or mode"),
}


def filesystem_error(exc: OSError) -> SitegenError:
    """One line for a failed write: the path, what happened, what to do; the previous site is untouched."""
    what, advice = FILESYSTEM_ADVICE.get(exc.errno or 0, (exc.strerror or str(exc), "check the path and retry"))
    path = exc.filename or "the output folder"
    return SitegenError(f"cannot write {path}: {what}; {advice}. Nothing was half-published: the output folder "
                        "holds the previous complete site")


@contextmanager
def located(path: str | Path) -> Iterator[None]:
    """Name the file in an OSError that does not (a failed write() names none)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def read_state(path: Path) -> Any:
    """A JSON file of the tool's own state (a stamp, a manifest, a note), or None where it is missing, unreadable or
    not JSON, a nesting too deep for the parser included (json raises RecursionError there): such a file is made
    again, never trusted and never a traceback."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def write_atomic(path: Path, data: str | bytes, durable: bool = True) -> None:
    """Write a file whole or not at all (temp file, fsync unless not durable, rename): no reader sees a torn one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        with located(path), open(tmp, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def tree_digest(folder: Path, pattern: str = "*", fence: Path | None = None) -> str:
    """One hash over the relative path and contents of every file below folder matching pattern; files outside
    fence (by default folder) are never read."""
    fence = (fence or folder).resolve()
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)) if folder.is_dir() else []:
        part = file_part(path, fence)
        if part:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + part)
    return digest.hexdigest()


def file_part(path: Path, fence: Path) -> bytes:
    """A regular file's hash (read in blocks); a link out of fence or to no regular file by its target, unread
    (the build refuses it, naming it); b"" for a folder, pipe or device, which no build reads."""
    try:
        real = path.resolve(strict=True)
        status = real.stat()
        if real.is_relative_to(fence) and stat.S_ISREG(status.st_mode):
            if status.st_size > MAX_BYTES_LIMIT:  # refused by every reader: its size and time tell an edit
                return f"large {status.st_size} {status.st_mtime_ns}".encode()
            with real.open("rb") as file:
                return hashlib.file_digest(file, "sha256").digest()
    except (OSError, RuntimeError):
        pass  # a broken or looping link: its target names it
    return b"link " + os.readlink(path).encode() if path.is_symlink() else b""
