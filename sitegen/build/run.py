"""`sitegen build`: one build at a time, nothing done when nothing changed, else the pipeline."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING

from sitegen.build.guard import prepare_output
from sitegen.build.lock import build_lock
from sitegen.build.options import BuildOptions
from sitegen.build.session import Session
from sitegen.build.stamp import input_digest, unchanged
from sitegen.config import Config, is_local, is_placeholder
from sitegen.errors import Superseded
from sitegen.files import display
from sitegen.site.theme import BUILTIN_TEMPLATES

if TYPE_CHECKING:
    import threading


def run_build(config: Config, options: BuildOptions | None = None, session: Session | None = None) -> bool:
    """One build of the project at a time (wait for another, or raise BuildLocked), then build; False when it
    was a preview (see make_site), whose downloads and search index a follow-up build makes. The session is the
    caller's when it builds again (`sitegen serve`), else this build's own."""
    options = options or BuildOptions()
    with build_lock(config.root, options.wait):
        return build_site(config, options, session or Session())


def build_site(config: Config, options: BuildOptions, session: Session) -> bool:
    """Build the site, unless nothing it reads has changed and build/ is as the last build left it."""
    step = Steps(options.cancel)
    output = prepare_output(config)
    warn_placeholder(config)
    inputs = input_digest(config, BUILTIN_TEMPLATES, session.code)
    last = None if options.force else unchanged(config, inputs)
    if last:
        print(f"Up to date: {last['pages']} pages and {last['charts']} charts unchanged in "
              f"{step.seconds():.1f} s -> {display(config.root / config.output_dir)}/")
        return True
    from sitegen.build.pipeline import make_site  # the pipeline's libraries are loaded only when there is work

    return make_site(config, output, inputs, step, options, session)


def warn_placeholder(config: Config) -> None:
    """Say so when the site would be published with a placeholder or local address in every canonical link."""
    if is_placeholder(config.base_url):
        print(f"Warning: base_url {config.base_url} is a placeholder; set it in sitegen.toml or pass "
              "--base-url, or canonical links and sitemap.xml will point nowhere", file=sys.stderr)
    elif is_local(config.base_url):
        print(f"Note: built for this machine ({config.base_url}): canonical links, sitemap.xml, feeds and embed "
              "codes point here; to publish, pass --base-url or set base_url in sitegen.toml", file=sys.stderr)


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
