"""Site search: Pagefind (its binary ships in the `pagefind[bin]` wheel) indexes the site's pages at build time,
in its service mode, from what a reader searches for on each page (search_text), while the build writes the rest."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING

from sitegen.errors import SitegenError
from sitegen.publish.search_service import Service
from sitegen.publish.search_text import searchable

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sitegen.cache import Cache

BUNDLE = "pagefind"
# the site's own search.js drives pagefind.js, which loads the worker, the entry, the metadata, the index, the
# fragments and the WebAssembly of the index's one language: Pagefind's prebuilt UIs, its highlighter and its
# WebAssembly for pages of no known language are never loaded, so they are not shipped
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js", "wasm.unknown.pagefind")


TEXTS = "search-texts"  # the cache entry of what each page indexed


def known_texts(cache: Cache | None) -> dict[str, str]:
    """What the last build indexed of each page, by the page's hash; none where the entry is missing or damaged."""
    body = None if cache is None else cache.get_bytes(TEXTS, ".json")
    try:
        found = json.loads(body) if body else {}
    except (ValueError, RecursionError):
        return {}
    ok = isinstance(found, dict) and all(isinstance(v, str) for v in found.values())
    return found if ok else {}


class Indexing:
    """Pagefind indexing the pages under staging as the build writes them; it builds the index (in a thread) while
    the build writes the rest."""

    def __init__(self, staging: Path, cache: Cache | None = None) -> None:
        self.staging = staging
        self.service = Service()  # started now: Pagefind starts while the first pages are written
        # what of each page is indexed, by the hash of the page, as the last build kept it ("": nothing): an
        # unchanged page is neither read nor cut again (0.13 s for the real site's 1,277 pages, 68 MB)
        self.cache, self.known = cache, known_texts(cache)
        self.texts: dict[str, str] = {}  # this build's, kept for the next
        self.failure: BaseException | None = None
        self.bundle: dict[str, bytes] = {}
        self.thread: threading.Thread | None = None

    def add(self, relpath: str, sha: str = "") -> None:
        """Give Pagefind this page, written under staging (sha: the hash of its bytes), in the build's own thread:
        a thread of its own waited for the interpreter's lock at each page (708 pages on the real site). Pages are
        indexed in the order added, which makes the index; a failure is kept for finish to raise."""
        if self.failure is None and self.thread is None:
            try:
                text = self.known.get(sha) if sha else None
                if text is None:
                    text = searchable((self.staging / relpath).read_bytes()) or ""
                if sha:
                    self.texts[sha] = text
                if text:
                    self.service.add(f"/{relpath}", text)
            except Exception as exc:  # noqa: BLE001 (raised by finish, as a failure of the index's thread is)
                self.failure = exc

    def done(self) -> None:
        """No more pages: Pagefind builds the index while the build writes the rest."""
        if self.thread is None:
            self.thread = threading.Thread(target=self.collect, name="search-index", daemon=True)
            self.thread.start()

    def collect(self) -> None:
        """Wait for every page to be indexed and take the bundle (a failure is kept for finish to raise)."""
        try:
            if self.failure is None:
                self.bundle = self.service.files()
        except BaseException as exc:  # noqa: BLE001 (raised again in the build's own thread, by finish)
            self.failure = exc

    def finish(self, check: Callable[[], None] = lambda: None) -> dict[str, bytes]:
        """Wait for the pages added to be indexed (calling check now and then: it raises to stop); the bundle's files,
        by path under the site's root."""
        self.done()  # if not said already
        assert self.thread is not None  # noqa: S101 (started by done)
        while self.thread.is_alive():
            check()
            self.thread.join(0.05)
        if self.failure is not None:
            if isinstance(self.failure, SitegenError):
                raise self.failure
            raise SitegenError(f"Pagefind could not index the site: {self.failure}") from self.failure
        self.service.close()
        if self.cache is not None and self.texts != self.known:
            self.cache.put_bytes(TEXTS, ".json", json.dumps(self.texts, sort_keys=True).encode())
        elif self.cache is not None:
            self.cache.mark(TEXTS, ".json")
        return {f"{BUNDLE}/{path}": data for path, data in sorted(self.bundle.items())
                if path.rpartition("/")[2] not in UNUSED}

    def stop(self) -> None:
        """Stop Pagefind, if it is still running (the build failed)."""
        self.service.close()
        if self.thread is not None:
            self.thread.join()
