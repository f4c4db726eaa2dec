"""Site search: Pagefind (its binary ships in the `pagefind[bin]` wheel) indexes the site's pages at build time,
in its service mode, from what a reader searches for on each page (search_text), while the build writes the rest."""

from __future__ import annotations

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
    """Pagefind indexing the written pages under staging (in a thread), while the build writes the rest."""

    def __init__(self, staging: Path, pages: list[str]) -> None:
        self.staging = staging
        self.pages = sorted(pages)  # one order, so that two builds give the same index
        self.service = Service()
        self.failure: BaseException | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="search-index", daemon=True)
        self.thread.start()

    def run(self) -> None:
        """Give Pagefind every page it indexes (a failure is kept for finish to raise)."""
        try:
            for relpath in self.pages:
                if self.stopping.is_set():
                    return
                html = searchable((self.staging / relpath).read_bytes())
                if html is not None:
                    self.service.add(f"/{relpath}", html)
        except BaseException as exc:  # noqa: BLE001 (raised again in the build's own thread, by finish)
            self.failure = exc

    def finish(self, check: Callable[[], None] = lambda: None) -> dict[str, bytes]:
        """Wait for the pages to be indexed (calling check now and then: it raises to stop); the bundle's files,
        by path under the site's root."""
        while self.thread.is_alive():
            check()
            self.thread.join(0.05)
        if self.failure is not None:
            if isinstance(self.failure, SitegenError):
                raise self.failure
            raise SitegenError(f"Pagefind could not index the site: {self.failure}") from self.failure
        files = self.service.files()
        self.service.close()
        return {f"{BUNDLE}/{path}": data for path, data in sorted(files.items())
                if path.rpartition("/")[2] not in UNUSED}

    def stop(self) -> None:
        """Stop Pagefind, if it is still running (the build failed)."""
        self.stopping.set()
        self.service.close()
        self.thread.join()
