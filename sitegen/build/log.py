"""The build's log: one line to stderr for each thing a user should know (stdout carries the result)."""

from __future__ import annotations

import sys


def say(message: str) -> None:
    """One line of the build's log."""
    print(f"sitegen: {message}", file=sys.stderr, flush=True)
