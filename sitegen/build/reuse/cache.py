"""The on-disk cache: verified, never trusted. Each entry is named by a hash of what it is made from and of the
code and library versions that made it, carries the hash of its own content, and is written whole or not at all."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from sitegen.build.log import say
from sitegen.files import write_atomic

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sitegen.build.staging import Writer

FORMAT = b"sitegen-cache 1 sha256="
MAX_KEPT = 4096  # files kept in memory by a session: one site's, in practice


class Cache:
    """Text entries under one folder, each named `<key><suffix>`; every read checks the entry's hash."""

    def __init__(self, folder: Path, kind: str, code: str, read: bool = True) -> None:
        self.folder = folder / kind
        self.code = code  # the code and library versions (sitegen.build.reuse.versions.code_digest): a change to
        # either makes every entry stale
        self.read = read  # False for `--force`: rebuild every entry, overwriting what is there

    def path(self, key: str, suffix: str) -> Path:
        """Where an entry lives: its key together with the versions of the code and libraries that make it."""
        return self.folder / f"{hashlib.sha256(f'{self.code}:{key}'.encode()).hexdigest()}{suffix}"

    def get(self, key: str, suffix: str) -> str | None:
        """An entry's text, or None when there is none (or it was corrupt, and is now gone)."""
        if not self.read:
            return None
        path = self.path(key, suffix)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        text = unpack(data)
        if text is None:
            path.unlink(missing_ok=True)
            say(f"discarded a corrupt cache entry {path} (its content does not match its hash); rebuilding it")
        return text

    def put(self, key: str, suffix: str, text: str) -> None:
        """Store an entry, with the hash of its content, atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # no fsync: an entry lost or torn by a crash fails its hash on the next read and is made again
        write_atomic(self.path(key, suffix), pack(text), durable=False)


class Made:
    """Files made from known inputs (zips, workbooks), kept by a hash of those inputs and the code that made them.

    In a preview (`sitegen serve`, before its follow-up build), the last build's file at a path is carried over
    until the follow-up build makes it; only a file the last build lacked is made.
    """

    def __init__(self, cache: Cache, setup: str, kept: dict[str, bytes], preview: bool = False) -> None:
        self.cache, self.setup = cache, setup  # setup: the code, libraries and settings every file is made with
        self.kept = kept  # files made or read before, by key: a session's (`sitegen serve` builds again and again)
        self.preview = preview

    def write(self, writer: Writer, path: str, inputs: list[bytes], make: Callable[[], bytes]) -> None:
        """Write the file made from inputs at path (in a preview, the last build's file where there is one)."""
        if self.carried(writer, path):
            return
        key = self.key(inputs)
        data = self.found(key)
        writer.write(path, data if data is not None else self.make(key, make))

    def carried(self, writer: Writer, path: str) -> bool:
        """In a preview, link the last build's file at path (a download) rather than make it; False otherwise."""
        return self.preview and writer.carry(path)

    def key(self, inputs: list[bytes]) -> str:
        """The cache key of a file made from inputs, with this build's setup."""
        digest = hashlib.sha256(self.setup.encode())
        for part in inputs:
            digest.update(hashlib.sha256(part).digest())
        return digest.hexdigest()

    def found(self, key: str) -> bytes | None:
        """A file made before, from the session's memory or the cache."""
        if key in self.kept and self.cache.read:
            return self.kept[key]
        text = self.cache.get(key, ".b64")
        return None if text is None else self.keep(key, base64.b64decode(text))

    def make(self, key: str, make: Callable[[], bytes]) -> bytes:
        """Make a file now, and keep it in the cache."""
        data = make()
        self.cache.put(key, ".b64", base64.b64encode(data).decode("ascii"))
        return self.keep(key, data)

    def keep(self, key: str, data: bytes) -> bytes:
        """Keep a file in the session's memory."""
        if len(self.kept) > MAX_KEPT:
            self.kept.clear()
        self.kept[key] = data
        return data


def pack(text: str) -> bytes:
    """An entry's bytes: a header line holding the content's hash, then the content."""
    body = text.encode("utf-8")
    return FORMAT + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def unpack(data: bytes) -> str | None:
    """The content of an entry whose hash matches, else None (truncated, emptied, garbled, or from elsewhere)."""
    header, _, body = data.partition(b"\n")
    if not header.startswith(FORMAT) or header.removeprefix(FORMAT) != hashlib.sha256(body).hexdigest().encode():
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
