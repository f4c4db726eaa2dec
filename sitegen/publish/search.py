"""Site search: Pagefind (its binary ships in the `pagefind[bin]` wheel) indexes the site's pages at build time,
in its service mode, from what a reader searches for on each page (search_text), while the build writes the rest."""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING

from sitegen.errors import SitegenError
from sitegen.publish.search_service import Service
from sitegen.publish.search_text import searchable

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

BUNDLE = "pagefind"
# the site's own search.js drives pagefind.js, which loads the worker, the entry, the metadata, the index, the
# fragments and the WebAssembly of the index's one language: Pagefind's prebuilt UIs, its highlighter and its
# WebAssembly for pages of no known language are never loaded, so they are not shipped
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js", "wasm.unknown.pagefind")


class Indexing:
    """Pagefind indexing the pages under staging (in a thread) as the build writes them, and the rest after."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.service = Service()  # started now: Pagefind starts while the first pages are written
        self.written: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.failure: BaseException | None = None
        self.bundle: dict[str, bytes] = {}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="search-index", daemon=True)
        self.thread.start()

    def add(self, relpath: str) -> None:
        """Index this page, written under staging; pages are indexed in the order added, which makes the index."""
        self.written.put(relpath)

    def run(self) -> None:
        """Give Pagefind every page it indexes, as each is added, then take its bundle (a failure is kept for finish
        to raise)."""
        try:
            while (relpath := self.written.get()) is not None:
                if self.stopping.is_set():
                    return
                html = searchable((self.staging / relpath).read_bytes())
                if html is not None:
                    self.service.add(f"/{relpath}", html)
            if not self.stopping.is_set():
                self.bundle = self.service.files()
        except BaseException as exc:  # noqa: BLE001 (raised again in the build's own thread, by finish)
            self.failure = exc

    def finish(self, check: Callable[[], None] = lambda: None) -> dict[str, bytes]:
        """Wait for the pages added to be indexed (calling check now and then: it raises to stop); the bundle's files,
        by path under the site's root."""
        self.written.put(None)  # no more pages
        while self.thread.is_alive():
            check()
            self.thread.join(0.05)
        if self.failure is not None:
            if isinstance(self.failure, SitegenError):
                raise self.failure
            raise SitegenError(f"Pagefind could not index the site: {self.failure}") from self.failure
        self.service.close()
        return {f"{BUNDLE}/{path}": data for path, data in sorted(self.bundle.items())
                if path.rpartition("/")[2] not in UNUSED}

    def stop(self) -> None:
        """Stop Pagefind, if it is still running (the build failed)."""
        self.stopping.set()
        self.written.put(None)
        self.service.close()
        self.thread.join()
