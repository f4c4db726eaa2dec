"""Downloads made from known inputs (zips, workbooks), found again in the on-disk cache (sitegen.cache) by a hash of
those inputs and the code that made them."""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from sitegen.build.staging import Writer
    from sitegen.cache import Cache

MAX_KEPT = 4096  # files kept in memory by a session: one site's, in practice


class Made:
    """Files made from known inputs (zips, workbooks), kept by a hash of those inputs and the code that made them;
    and files the build holds anyway (charts), linked from the last build when made from the same inputs.

    In a preview (`sitegen serve`, before its follow-up build), the last build's file at a path is carried over
    until the follow-up build makes it; only a file the last build lacked is made.
    """

    def __init__(self, cache: Cache, setup: str, kept: dict[str, bytes], preview: bool = False,
                 last: dict[str, str] | None = None) -> None:
        self.cache, self.setup = cache, setup  # setup: the code, libraries and settings every file is made with
        self.kept = kept  # files made or read before, by key: a session's (`sitegen serve` builds again and again)
        self.preview = preview
        self.last = last or {}  # the key of each file the last build made, by path
        self.keys: dict[str, str] = {}  # this build's, for the next

    def write(self, writer: Writer, path: str, inputs: list[bytes], make: Callable[[], bytes]) -> None:
        """Write the file made from inputs at path (in a preview, the last build's file where there is one)."""
        if self.carried(writer, path):
            return
        key = self.keys[path] = self.key(inputs)
        self.cache.mark(key, ".b64")  # kept in the cache while the site holds this file, read or linked
        if self.last.get(path) == key and writer.keep_last(path):
            return  # made from the same inputs as the file the last build left there: linked, never read
        data = self.found(key)
        writer.write(path, data if data is not None else self.make(key, make))

    def known(self, writer: Writer, path: str, inputs: list[bytes], data: str | bytes) -> None:
        """Write data, which inputs determine (with the setup), at path: the last build's file, linked without
        hashing data, when that build wrote it from the same inputs. Never carried over in a preview."""
        key = self.keys[path] = self.key(inputs)
        if self.last.get(path) == key and writer.keep_last(path):
            return
        writer.write(path, data)

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
