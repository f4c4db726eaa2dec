"""`sitegen serve`: build, serve build/ on 127.0.0.1, rebuild on every edit watched and reload open pages."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.build.options import BuildOptions
from sitegen.build.session import Session
from sitegen.build.swap import finish_removals
from sitegen.config import CONFIG_NAME, Config, load_config
from sitegen.errors import Problem, ProblemsFound, SitegenError, Superseded, render_problems, report, say
from sitegen.serve.server import make_server

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

    BuildFunction = Callable[[Config, BuildOptions, Session], bool]  # sitegen.build.pipeline.build

UNSETTLED = 8  # edits' builds in a row without a settle() (edits in quick succession): the next one settles first
QUIET = 1.0  # seconds without an edit before the follow-up build starts (it would only slow the next preview)


@dataclass
class State:
    """What the browser is told: a version that grows with each good build, and the problems of a bad one."""

    run: int = field(default_factory=time.time_ns)  # tells a page the server was restarted
    version: int = 0
    problems: list[dict[str, object]] = field(default_factory=list)
    message: str = ""
    changed: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False
    watching: Counter[str] = field(default_factory=Counter)  # the pages open in a browser, by path (reload.js)

    def publish(self, problems: list[dict[str, object]], message: str = "") -> None:
        """A build finished: bump the version when it succeeded, and wake every open page."""
        with self.changed:
            if not problems and not message:
                self.version += 1
            self.problems, self.message = problems, message
            self.changed.notify_all()

    def opened(self, page: str, count: int = 1) -> None:
        """A page was opened in a browser (count -1: closed)."""
        with self.changed:
            self.watching[page] += count
            if self.watching[page] <= 0:
                del self.watching[page]

    def open_pages(self) -> frozenset[str]:
        """The pages open in a browser now: a data edit's preview makes them first (sitegen.build.open_pages)."""
        with self.changed:
            return frozenset(self.watching)

    def snapshot(self) -> str:
        """The state as one JSON line for the event stream."""
        body = {"run": self.run, "version": self.version, "problems": self.problems, "message": self.message}
        return json.dumps(body, sort_keys=True)


class Pending:
    """The files a preview carried over from the last build until the follow-up build makes them: a request for
    one waits for that, so a download never holds older data than the page linking it."""

    def __init__(self) -> None:
        self.paths: frozenset[str] = frozenset()
        self.changed = threading.Condition()

    def set(self, paths: frozenset[str]) -> None:
        """These files are now the last build's (a preview), or none is (a complete build, or none coming)."""
        with self.changed:
            self.paths = paths
            self.changed.notify_all()

    def wait(self, path: str, timeout: float) -> None:
        """Until path is made afresh, or for timeout seconds at most (then the last build's file is served)."""
        with self.changed:
            self.changed.wait_for(lambda: path not in self.paths, timeout)


def problem_rows(problems: list[Problem]) -> list[dict[str, object]]:
    """Problems as the overlay shows them: file, line, field, value, message, hint."""
    return [{"file": p.path, "line": p.line, "field": p.field, "value": p.value, "message": p.message,
             "hint": p.hint} for p in problems]


def data_problems(config: Config, session: Session) -> list[Problem]:
    """Why the data failed to build (validated again, only after a failed build)."""
    from sitegen.data.validate import validate_packages

    return validate_packages(config.root / config.datapackages_dir, memo=session.data)[1]


class Builder:
    """Runs builds one at a time and tells the State how each went; a failed build leaves build/ as it was.

    An edit is shown by a preview build (every page and chart; changed downloads and the search index carried
    over from the last build), then a follow-up build in a thread makes those, unless a newer edit stops it.
    """

    def __init__(self, project: Path, state: State, build: BuildFunction) -> None:
        self.project, self.state, self.run_build = project, state, build
        self.session = Session()  # what every build of this serve keeps: an unchanged file is not read again
        self.session.derived = {}  # and the rates and medians of the measures an edit leaves unchanged
        self.lock = threading.Lock()  # one build at a time, so the session's memos are never filled at once
        self.config: Config | None = None
        self.cancel = threading.Event()  # set: the follow-up build in progress stops at its next step
        self.stopping = threading.Event()  # set on Ctrl-C: the build in progress stops, and no other starts
        self.edits = 0  # a follow-up build is for the latest edit only
        self.following: threading.Thread | None = None
        self.pending = Pending()
        self.unsettled = 0  # edits' builds since what builds leave was last collected (settle)

    def output(self) -> Path:
        """The folder being served (the last good build)."""
        config = self.config or Config()
        return (self.project / config.output_dir).resolve()

    def build(self) -> bool:
        """Rebuild what changed (the caches redraw only that); True when the site shows the edit."""
        if self.stopping.is_set():
            return False
        self.cancel.set()
        with self.lock:
            if self.stopping.is_set():  # Ctrl-C came while this edit waited for the build before it
                return False
            self.cancel.clear()
            self.edits += 1
            complete = self.attempt()
        if complete is False:
            self.following = threading.Thread(target=self.follow_up, args=(self.edits,), daemon=True)
            self.following.start()
        return complete is not None

    def attempt(self) -> bool | None:
        """One build, a preview where there is a last build (the lock held): whether it made the whole site, or
        None when it failed."""
        swapped: list[bool] = []

        def reload(carried: frozenset[str]) -> None:  # as soon as the site is in place: no page shows what is left
            swapped.append(True)
            self.pending.set(carried)
            self.state.publish([])

        try:
            self.config = load_config(self.project)
            # the new site is served before the old is gone
            options = BuildOptions(background=True, preview=True, cancel=self.cancel, swapped=reload,
                                   only=self.state.open_pages())
            self.unsettled += 1
            if self.unsettled > UNSETTLED:  # what the builds left is collected now and then, pauses or not
                self.settle()
            with collection_paused():
                complete = self.run_build(self.config, options, self.session)
        except ProblemsFound as exc:
            self.failed(exc.problems, exc.message)
            return None
        except Superseded:  # stopped by a newer edit, whose build comes next, or by Ctrl-C: nothing failed
            return None
        except SitegenError as exc:
            found = data_problems(self.config, self.session) if self.config else []
            self.failed(found, exc.message if found else exc.format_message())
            return None
        except Exception as exc:  # noqa: BLE001 - a bug in a build must not stop the server
            self.failed([], f"the build failed unexpectedly: {type(exc).__name__}: {exc}")
            return None
        if not swapped:  # up to date: pages reload all the same (after a failed build, the overlay goes)
            self.state.publish([])
        return complete

    def follow_up(self, edit: int) -> None:
        """Make the downloads and search index the preview carried over, unless a newer edit came."""
        if self.cancel.wait(QUIET):  # a newer edit came while edits were still being made: no follow-up yet
            return
        started = time.perf_counter()
        with self.lock:
            if edit != self.edits or self.cancel.is_set():
                return
            try:
                options = BuildOptions(background=True, cancel=self.cancel)
                self.run_build(self.config or load_config(self.project), options, self.session)
            except Superseded:
                return
            except Exception as exc:  # noqa: BLE001 - reported like any failed build; the server goes on
                message = exc.format_message() if isinstance(exc, SitegenError) else f"{type(exc).__name__}: {exc}"
                self.failed([], f"making the downloads and search index failed: {message}")
                return
            self.pending.set(frozenset())
            self.settle()
        report(f"Downloads and search index up to date in {time.perf_counter() - started:.2f} s")

    def warm_up(self) -> None:
        """Start the chart engine while the first build's site is being looked at (not during a build); where that
        build found the site up to date, read it for editing."""
        from sitegen.site.charts.draw import warm_up

        edit = self.edits
        # only a head start: a build that draws reports its own errors
        with self.lock, contextlib.suppress(Exception):
            warm_up()
        self.prepare(edit)
        with self.lock:
            self.settle()

    def prepare(self, edit: int) -> None:
        """Where the first build found the site up to date (the session holds no model), build it once more reusing
        all it can, so the session holds what the first edit would otherwise make (the model, every page planned
        and valued: about 7 s on the real site); unless an edit came, or the last build failed."""
        with self.lock:
            if (edit != self.edits or self.cancel.is_set() or self.session.plan.site is not None
                    or self.state.problems or self.state.message):
                return
            try:
                options = BuildOptions(background=True, cancel=self.cancel, rebuild=True)
                with collection_paused():
                    self.run_build(self.config or load_config(self.project), options, self.session)
            except Superseded:  # an edit came: its build does what is left
                return
            except Exception as exc:  # noqa: BLE001 - reported like any failed build; the server goes on
                message = exc.format_message() if isinstance(exc, SitegenError) else f"{type(exc).__name__}: {exc}"
                self.failed([], f"reading the site for editing failed: {message}")

    def settle(self) -> None:
        """Collect what the builds left (the lock held), and count from there."""
        settle()
        self.unsettled = 0

    def stop(self) -> None:
        """Stop the build in progress, an edit's or its follow-up (its staging folder is thrown away), start no other,
        and wait for it: a build still drawing charts as the process ends would hold the exit until it is done."""
        self.stopping.set()
        self.cancel.set()
        self.pending.set(frozenset())
        if self.following is not None:
            self.following.join(60)
        if self.lock.acquire(timeout=60):  # a watcher's build, for an edit made as Ctrl-C came, stops at its next step
            self.lock.release()

    def failed(self, problems: list[Problem], message: str) -> None:
        """Report a failed build on the terminal and in every open page, each problem with its file, line, field
        and value."""
        listed = f"\n{render_problems(sorted(problems))}" if problems else "\n"
        print(f"Build failed: {message or f'{len(problems)} problem(s)'}; still serving the last good site{listed}",
              end="", file=sys.stderr, flush=True)
        self.pending.set(frozenset())  # no follow-up build comes until an edit builds: serve what there is
        self.state.publish(problem_rows(problems), message or "the data is not valid")


def settle() -> None:
    """Collect what the builds so far left, and set what survives aside from later collections: otherwise each
    full collection during an edit's build walks the whole kept model again (about 0.25 s on the real site)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection while an edit's build runs (a data edit's new model would be walked again and again,
    about 0.8 s on the real site); what it made is set aside after, and the next settle() collects what it left."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def watched(project: Path, config: Config) -> list[Path]:
    """Folders a rebuild depends on and a person edits: data, content, templates (settings are watched apart)."""
    paths = [project / config.datapackages_dir, project / config.content_dir, project / config.templates_dir]
    return [p.resolve() for p in paths if p.is_dir()]


def watch(builder: Builder, stop: threading.Event, roots: list[Path], recursive: bool,
          wanted: Callable[[str], bool], ready: threading.Event) -> None:
    """Rebuild after each batch of wanted edits under roots, until stop is set; `ready` once watching."""
    import watchfiles

    # yield_on_timeout: an empty batch after rust_timeout tells that the watcher is up, so an edit made after
    # "Serving" is printed is never missed
    changes_seen = watchfiles.watch(*roots, watch_filter=lambda _, path: wanted(path), debounce=100, step=20,
                                    stop_event=stop, recursive=recursive, raise_interrupt=False, rust_timeout=200,
                                    yield_on_timeout=True)
    for changes in changes_seen:
        ready.set()
        if not changes:
            continue
        started = time.perf_counter()
        names = sorted({Path(p).name for _, p in changes})
        report(f"Changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
        if builder.build():
            report(f"Rebuilt in {time.perf_counter() - started:.2f} s; open pages reload")


def start_watchers(builder: Builder, stop: threading.Event) -> list[threading.Thread]:
    """One watcher over the edited folders, one over the project folder itself (settings, folders made anew).

    The project folder is watched without recursion: .venv, .git and build/ hold far too many files to watch.
    """
    config = builder.config or load_config(builder.project)
    folders = watched(builder.project, config)
    inside = [str(f) for f in folders]
    top = {str((builder.project / name).resolve()) for name in
           (CONFIG_NAME, config.datapackages_dir, config.content_dir, config.templates_dir)}
    jobs = [(folders, True, lambda p: any(p.startswith(f + "/") for f in inside)),
            ([builder.project.resolve()], False, lambda p: p in top)]
    jobs = [job for job in jobs if job[0]]
    readies = [threading.Event() for _ in jobs]
    threads = [threading.Thread(target=watch, args=(builder, stop, roots, recursive, wanted, ready), daemon=True)
               for (roots, recursive, wanted), ready in zip(jobs, readies, strict=True)]
    for thread in threads:
        thread.start()
    for ready in readies:
        ready.wait(10)  # watching (or, on a machine far too slow, give up waiting and serve anyway)
    return threads


def open_browser(url: str) -> None:
    """Open the served site in the user's browser (the BROWSER environment variable names another)."""
    import webbrowser

    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        say(f"could not open a browser: open {url} yourself")


def run_serve(project: Path, port: int, build: BuildFunction, host: str = "127.0.0.1",
              browse: bool = False) -> None:
    """Build (with the build function given), serve and watch until Ctrl-C; the last good site stays served through
    failed builds. With browse, the browser opens on the site once the first build is done."""
    state = State()
    builder = Builder(project, state, build)
    load_config(project)  # a broken settings file is reported before anything starts
    server = make_server(host, port, builder, state)
    stop = threading.Event()
    watchers: list[threading.Thread] = []
    try:
        builder.build()
        threading.Thread(target=builder.warm_up, daemon=True).start()
        watchers = start_watchers(builder, stop)
        server.start()
        url = server.url
        print(f"Serving {builder.output()} at {url} (rebuilds on every edit; Ctrl-C stops)", flush=True)
        if browse:
            threading.Thread(target=open_browser, args=(url,), daemon=True).start()
        while any(w.is_alive() for w in watchers):
            watchers[0].join(0.5)
    except KeyboardInterrupt:
        print("\nStopped.", flush=True)
    finally:
        signal.signal(signal.SIGINT, stop_now)  # stopping takes a few seconds at most; a second Ctrl-C cuts it short
        stop.set()
        with state.changed:
            state.stopping = True
            state.changed.notify_all()
        builder.stop()  # before the requests end: one waiting for a download is let go
        server.stop()
        for watcher in watchers:
            watcher.join(2)
        finish_removals(builder.session.removals)  # the last rebuild's old site: no leftover beside build/


def stop_now(signum: int, frame: FrameType | None) -> None:
    """A second Ctrl-C while stopping: exit at once (a staging folder left behind is removed by the next build)."""
    os._exit(130)
