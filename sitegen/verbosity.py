"""How much a command says, chosen once by `-q`/`-v`: the one setting a command makes for its whole process.

- quiet (`-q`): errors only. A command's requested product still goes to stdout (diff's report, validate's
  `--format json`/`github` output, serve's address); success summaries, notes, warnings and progress do not.
- normal: the result ("Built 25 pages …"), what a user should know ("sitegen: recovered build/ …"), warnings,
  and on a terminal each step of a build with its time.
- verbose (`-v`): all of that, and each step with the seconds since the command started, on a terminal or not.
"""

from __future__ import annotations

import sys
import time

QUIET, NORMAL, VERBOSE = -1, 0, 1
# set by the command line before the command runs, put back after it (tests run many commands in one process)
_SETTING = {"level": NORMAL, "started": time.perf_counter()}


def set_level(level: int) -> None:
    """Choose how much the command now starting says; its clock starts too."""
    _SETTING.update(level=level, started=time.perf_counter())


def level() -> int:
    """QUIET, NORMAL or VERBOSE."""
    return int(_SETTING["level"])


def report(message: str) -> None:
    """A result or summary for stdout, unless quiet."""
    if level() > QUIET:
        print(message, flush=True)


def detail(message: str) -> None:
    """A step with the seconds since the command started, on stderr, when verbose."""
    if level() >= VERBOSE:
        print(f"{time.perf_counter() - _SETTING['started']:5.1f} s  {message}", file=sys.stderr, flush=True)
