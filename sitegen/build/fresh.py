"""Whether a build has anything to do, answered without loading the pipeline: `sitegen build` with nothing changed
costs a look at the stamp, not an import of every stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitegen.build.guard import prepare_output
from sitegen.build.lock import build_lock
from sitegen.build.stamp import InputDigest, input_digest, read_stamp, remember, unchanged
from sitegen.build.steps import Steps
from sitegen.errors import report
from sitegen.files import display
from sitegen.site.theme import BUILTIN_TEMPLATES

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sitegen.build.options import BuildOptions
    from sitegen.build.session import Session
    from sitegen.config import Config

    Make = Callable[[Config, "Work", BuildOptions, Session], bool]  # sitegen.build.pipeline.make_site


@dataclass(frozen=True)
class Work:
    """A build to do: its output folder (made ready), the digest of its inputs, and its steps."""

    output: Path
    inputs: InputDigest
    step: Steps


def work_to_do(config: Config, options: BuildOptions, session: Session) -> Work | None:
    """With the build lock held: the build to do, or None (and say so) when nothing it reads has changed and the
    output folder is as the last build left it."""
    step = Steps(options.cancel)
    stamp = read_stamp(config)
    code, status = session.code_hash(stamp.get("code"))  # as the last build's, unless the code's files changed
    inputs = input_digest(config, BUILTIN_TEMPLATES, code, stamp, status)
    last = None if options.force or options.rebuild else unchanged(config, inputs, stamp)
    # as the last build left it, the output holds only what sitegen wrote: the guard need not look through it
    output = prepare_output(config, session.removals, as_left=last is not None)
    if last:
        remember(config, last, inputs)
        report(f"Up to date: {last['pages']} pages and {last['charts']} charts unchanged in "
               f"{step.seconds():.1f} s -> {display(config.root / config.output_dir)}/")
        return None
    return Work(output, inputs, step)


def build_if_needed(config: Config, options: BuildOptions, session: Session, make: Make) -> bool:
    """One build of the project at a time (wait for another, or raise BuildLocked); make (the pipeline) runs only
    when there is work, so its modules are loaded only then. What make returns, or True when up to date."""
    with build_lock(config, options.wait):
        work = work_to_do(config, options, session)
        return True if work is None else make(config, work, options, session)
