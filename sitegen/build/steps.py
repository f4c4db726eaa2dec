"""A build's steps as people see them: each with the time so far, and the point where a superseded build stops."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from sitegen.errors import Superseded

if TYPE_CHECKING:
    import threading


class Steps:
    """Progress for people: each step with the time so far, on a terminal only (logs, CI and tests stay clean)."""

    def __init__(self, cancel: threading.Event | None = None) -> None:
        self.started = time.perf_counter()
        self.cancel = cancel  # set when a newer edit makes this build pointless (serve): the next step stops it
        self.console = None
        if sys.stderr.isatty():
            from rich.console import Console  # only for people watching

            # rich honours NO_COLOR itself; passing it on keeps that explicit
            self.console = Console(stderr=True, highlight=False, no_color="NO_COLOR" in os.environ)

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
            self.console.print(f"[dim]{self.seconds():5.1f} s[/dim]  {message}")
