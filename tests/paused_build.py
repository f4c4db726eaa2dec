"""Run sitegen as the kill tests need it: paused at a named moment of a build, or made to use the symlink fallback.

sitegen holds no test hook: this launcher wraps its functions from outside, then calls its command line. At the
moment named, the process writes its pid to FLAG.reached and sleeps until FLAG exists, so a test can kill it there
(or create FLAG to let it go on). Run it with tests/ on the path (see `launch`):

    python -c 'import sys; sys.path.append(TESTS); import paused_build; paused_build.main()' \
        [--pause MOMENT FLAG] [--no-exchange] [--two-renames] -- build [sitegen options]
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sitegen import cli
from sitegen.build import pipeline, swap
from sitegen.build.staging import Writer
from sitegen.site.charts import draw

TESTS = Path(__file__).resolve().parent
Condition = Callable[..., bool]  # called with the wrapped function's result, then its arguments


def in_template(*_: object) -> bool:
    """Whether the call came from a Jinja template as it renders (a compiled template's code names its file)."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.endswith(".html") or name == "<template>":
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def always(*_: object) -> bool:
    """Every call is the moment."""
    return True


# Each moment of a build the kill tests stop at: the functions it follows (owner, name, on which call).
MOMENTS: dict[str, list[tuple[object, str, Condition]]] = {
    "validated": [(pipeline, "read_project", always)],
    "charts-rendered": [(pipeline, "draw_charts", always)],
    "staging-started": [(Writer, "write", lambda _, writer, *__: len(writer.written) == 1)],  # the first file
    "staging-written": [(Writer, "seal", always)],
    "swapped": [(swap, "exchange", lambda done, *_: done), (swap, "replace_link", always),
                (swap, "replace_in_two", always)],
    "old-removed": [(Writer, "commit", always)],
    "link-made": [(swap, "make_link", always)],
    "between-renames": [(swap, "move_aside", always)],
}


def launch(*args: str, pause: tuple[str, Path] | None = None, exchange: bool = True,
           two_renames: bool = False) -> list[str]:
    """The command running `sitegen *args` through this launcher (two_renames: as on Windows, which has neither
    the exchange nor a rename over a link)."""
    code = f"import sys; sys.path.append({str(TESTS)!r}); import paused_build; paused_build.main()"
    options = [*(["--pause", pause[0], str(pause[1])] if pause else []), *([] if exchange else ["--no-exchange"]),
               *(["--two-renames"] if two_renames else [])]
    return [sys.executable, "-c", code, *options, "--", *args]


def wait_at(flag: Path) -> None:
    """Say the moment is reached, then sleep until the test lets the build go on (or kills it)."""
    Path(f"{flag}.reached").write_text(str(os.getpid()), encoding="utf-8")
    while not flag.exists():
        time.sleep(0.02)


def after(owner: object, name: str, when: Condition, then: Callable[[], None]) -> None:
    """Wrap owner.name (a module's function or a class's method) to call `then` after it returns, when `when`."""
    inner = getattr(owner, name)  # AttributeError, and the test fails, if sitegen renamed it

    @functools.wraps(inner)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = inner(*args, **kwargs)
        if when(result, *args):
            then()
        return result

    setattr(owner, name, wrapped)


class PausingPool(ProcessPoolExecutor):
    """The chart drawing pool, calling `then` once its first chart is drawn (its workers are running)."""

    then: Callable[[], None] = staticmethod(lambda: None)

    def map(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        """The pool's results, in order, with the pause after the first."""
        return self.first_then(super().map(*args, **kwargs))

    def first_then(self, results: Iterable[Any]) -> Iterator[Any]:
        """Yield results; once the first is taken, call `then`."""
        for count, result in enumerate(results):
            yield result
            if count == 0:
                self.then()


def pause_at(moment: str, flag: Path) -> None:
    """Make the build wait at moment."""
    then = functools.partial(wait_at, flag)
    if moment == "charts-rendering":
        PausingPool.then = staticmethod(then)
        draw.ProcessPoolExecutor = PausingPool  # type: ignore[misc]
        return
    for owner, name, when in MOMENTS[moment]:
        after(owner, name, when, then)


def no_exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) as a kernel or file system without it answers: unsupported."""
    return False


def main() -> None:
    """Set up what the options ask, then run sitegen's command line with the arguments after `--`."""
    args = sys.argv[1:]
    split = args.index("--")
    options, sys.argv = args[:split], ["sitegen", *args[split + 1:]]
    if "--no-exchange" in options:
        swap.exchange = no_exchange
    if "--two-renames" in options:
        swap.TWO_RENAMES = True
    if "--pause" in options:
        at = options.index("--pause")
        pause_at(options[at + 1], Path(options[at + 2]))
    cli.main()
