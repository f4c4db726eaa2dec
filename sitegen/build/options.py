"""How one build runs: the switches the command line or `sitegen serve` sets, made once and passed as one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable


@dataclass(frozen=True)
class BuildOptions:
    """One build's switches; the defaults are `sitegen build`'s."""

    force: bool = False  # build even when nothing changed, reading nothing from the caches or the last build
    # build even when nothing changed, reusing all it can: `sitegen serve`, started on an up-to-date site, then holds
    # the model and the planned pages, which its first edit would otherwise make
    rebuild: bool = False
    wait: bool = True  # wait for another build of the project to finish (False: BuildLocked at once)
    background: bool = False  # remove the replaced site in a thread (`sitegen serve` serves the new one meanwhile)
    # make every page and chart, carrying the last build's downloads and search index for a follow-up build to make
    preview: bool = False
    # with preview: the pages open in a browser (serve), made first and alone (build.open_pages)
    only: frozenset[str] = frozenset()
    cancel: threading.Event | None = None  # set when a newer edit makes this build pointless: its next step stops
    # called once the new site is in place, with the files a preview carried over (serve reloads open pages then)
    swapped: Callable[[frozenset[str]], None] | None = None
