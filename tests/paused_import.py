"""Run `sitegen import` paused at a named moment, or as on a system that cannot exchange two folders in one step.

As tests/paused_build.py does for builds, this launcher wraps sitegen's functions from outside (sitegen holds no test
hook), then calls its command line. At the moment named, the process writes its pid to FLAG.reached and sleeps
until FLAG exists, so a test can kill it there. Run it with tests/ on the path (see `launch`):

    python -c 'import sys; sys.path.append(TESTS); import paused_import; paused_import.main()' \
        [--pause MOMENT FLAG] [--no-exchange] -- import [sitegen options]
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from paused_build import Condition, after, always, no_exchange, wait_at

from sitegen import cli
from sitegen.data import validate
from sitegen.importers import run, stage

TESTS = Path(__file__).resolve().parent


def resource(name: str) -> Condition:
    """The moment a resource of a package has been merged and written in staging."""
    return lambda _, home, resource, *__: resource == name


def hook(name: str) -> Condition:
    """The moment the layouts' hooks of that name have been looked up."""
    return lambda _, __, hook_name, *___: hook_name == name


# Each moment of an import the kill tests stop at: the function it follows (owner, name, on which call).
MOMENTS: dict[str, tuple[object, str, Condition]] = {
    "leftovers-cleared": (run, "clear_leftovers", always),
    "file-read": (run, "read_any", always),  # the first return read (the pause is at the first call)
    "read": (run, "read_all", always),  # every file read and checked, nothing written yet
    "staging-made": (run, "make_stage", always),
    "figures-staged": (run, "upsert", resource("figures")),
    "sources-staged": (run, "upsert", resource("sources")),
    "validated": (validate, "validate_packages", always),
    "exchanged": (stage, "exchange", lambda done, *_: bool(done)),
    "moved-aside": (stage, "move_aside", always),  # the fallback's one window, between its two renames
    "in-place": (run, "put_in_place", always),
    "reported": (run, "hooks", hook("review")),  # staging removed, the summary being written
}


def launch(*args: str, pause: tuple[str, Path] | None = None, exchange: bool = True) -> list[str]:
    """The command running `sitegen *args` through this launcher."""
    code = f"import sys; sys.path.append({str(TESTS)!r}); import paused_import; paused_import.main()"
    options = [*(["--pause", pause[0], str(pause[1])] if pause else []), *([] if exchange else ["--no-exchange"])]
    return [sys.executable, "-c", code, *options, "--", *args]


def main() -> None:
    """Set up what the options ask, then run sitegen's command line with the arguments after `--`."""
    args = sys.argv[1:]
    split = args.index("--")
    options, sys.argv = args[:split], ["sitegen", *args[split + 1:]]
    if "--no-exchange" in options:
        stage.exchange = no_exchange
    if "--pause" in options:
        at = options.index("--pause")
        owner, name, when = MOMENTS[options[at + 1]]
        after(owner, name, when, functools.partial(wait_at, Path(options[at + 2])))
    cli.main()
