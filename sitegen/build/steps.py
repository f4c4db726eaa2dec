"""A build's steps as people see them: each with the time so far, and the point where a superseded build stops."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from sitegen.errors import NORMAL, VERBOSE, Superseded, level

if TYPE_CHECKING:
    import threading


def no_color() -> bool:
    """NO_COLOR set to anything but the empty string (no-color.org): no escape codes at all."""
    return os.environ.get("NO_COLOR", "") != ""


class Steps:
    """Progress for people: each step with the time so far, on stderr; by default on a terminal only (logs, CI and
    tests stay clean), with -v everywhere, with -q never."""

    def __init__(self, cancel: threading.Event | None = None) -> None:
        self.started = time.perf_counter()
        self.cancel = cancel  # set when a newer edit makes this build pointless (serve): the next step stops it
        self.console = None
        if level() == VERBOSE or (level() == NORMAL and sys.stderr.isatty()):
            from rich.console import Console  # only for people watching

            # rich's own no_color still dims text (ESC[2m): without a colour system it writes no escape code
            self.console = Console(stderr=True, highlight=False, color_system=None if no_color() else "auto")

    def seconds(self) -> float:
        """Seconds since the build started."""
        return time.perf_counter() - self.started

    def check(self) -> None:
        """Stop the build (staging is thrown away) if a newer edit superseded it."""
        if self.cancel is not None and self.cancel.is_set():
            raise Superseded("a newer edit arrived: this build stopped")

    def __call__(self, message: str) -> None:
        self.check()
        if self.console is not None:
            self.console.print(f"[dim]{self.seconds():5.1f} s[/dim]  {message}", soft_wrap=True)
