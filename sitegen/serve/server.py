"""`sitegen serve`: build, serve build/ on 127.0.0.1, rebuild on every edit and reload open pages."""

from __future__ import annotations

import contextlib
import errno
import http.server
import ipaddress
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.build.options import BuildOptions
from sitegen.build.session import Session
from sitegen.build.swap import finish_removals
from sitegen.config import CONFIG_NAME, Config, load_config
from sitegen.errors import Problem, ProblemsFound, SitegenError, render_problems, say
from sitegen.serve.guard import BadPath, Hosts, bracketed, site_file, site_path
from sitegen.verbosity import report

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType

    BuildFunction = Callable[[Config, BuildOptions, Session], bool]  # sitegen.build.pipeline.build

PREFIX = "/__sitegen/"  # the live-reload endpoints; never a path of the site
CLIENT = Path(__file__).resolve().parent / "live"  # reload.js and overlay.css
TAGS = (f'<link rel="stylesheet" href="{PREFIX}overlay.css"><script src="{PREFIX}reload.js" defer></script>')
NOT_BUILT = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head>'
             b'<body><h1>The site has not been built yet</h1><p>Fix the problems listed and this page reloads.</p>'
             b'</body></html>')
HEARTBEAT = 10.0  # seconds between keep-alive comments on the event stream
QUIET = 1.0  # seconds without an edit before the follow-up build starts (it would only slow the next preview)
STALE_WAIT = 30.0  # seconds a request for a download waits for the follow-up build to make it afresh
IDLE = 60.0  # seconds a connection may say nothing before it is closed (a client that never asks holds a thread)
STOP_WAIT = 5.0  # seconds Ctrl-C waits for requests in progress to end once their connections are closed
NOT_FOUND = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
             b'<body><h1>Not found</h1><p>No page of the site is at this address.</p></body></html>')


@dataclass
class State:
    """What the browser is told: a version that grows with each good build, and the problems of a bad one."""

    run: int = field(default_factory=time.time_ns)  # tells a page the server was restarted
    version: int = 0
    problems: list[dict[str, object]] = field(default_factory=list)
    message: str = ""
    changed: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False

    def publish(self, problems: list[dict[str, object]], message: str = "") -> None:
        """A build finished: bump the version when it succeeded, and wake every open page."""
        with self.changed:
            if not problems and not message:
                self.version += 1
            self.problems, self.message = problems, message
            self.changed.notify_all()

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
        self.lock = threading.Lock()  # one build at a time, so the session's memos are never filled at once
        self.config: Config | None = None
        self.cancel = threading.Event()  # set: the follow-up build in progress stops at its next step
        self.edits = 0  # a follow-up build is for the latest edit only
        self.following: threading.Thread | None = None
        self.pending = Pending()

    def output(self) -> Path:
        """The folder being served (the last good build)."""
        config = self.config or Config()
        return (self.project / config.output_dir).resolve()

    def build(self) -> bool:
        """Rebuild what changed (the caches redraw only that); True when the site shows the edit."""
        self.cancel.set()
        with self.lock:
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
            options = BuildOptions(background=True, preview=True, cancel=self.cancel, swapped=reload)
            complete = self.run_build(self.config, options, self.session)
        except ProblemsFound as exc:
            self.failed(exc.problems, exc.message)
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
        from sitegen.errors import Superseded

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
        report(f"Downloads and search index up to date in {time.perf_counter() - started:.2f} s")

    def warm_up(self) -> None:
        """Start the chart engine while the first build's site is being looked at (not during a build)."""
        from sitegen.site.charts.draw import warm_up

        # only a head start: a build that draws reports its own errors
        with self.lock, contextlib.suppress(Exception):
            warm_up()

    def stop(self) -> None:
        """Stop a follow-up build in progress (its staging folder is thrown away) and wait for it."""
        self.cancel.set()
        self.pending.set(frozenset())
        if self.following is not None:
            self.following.join(60)

    def failed(self, problems: list[Problem], message: str) -> None:
        """Report a failed build on the terminal and in every open page, each problem with its file, line, field
        and value."""
        listed = f"\n{render_problems(sorted(problems))}" if problems else "\n"
        print(f"Build failed: {message or f'{len(problems)} problem(s)'}; still serving the last good site{listed}",
              end="", file=sys.stderr, flush=True)
        self.pending.set(frozenset())  # no follow-up build comes until an edit builds: serve what there is
        self.state.publish(problem_rows(problems), message or "the data is not valid")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the last good build to requests addressed to this server by name; injects the reload script into
    HTML; streams build events."""

    builder: Builder
    state: State
    hosts: Hosts
    url: str  # where this machine's browser finds the server
    timeout = IDLE
    head_only = False

    def parse_request(self) -> bool:
        """Refuse a request addressed to any other name (DNS rebinding: a page elsewhere reading the preview)."""
        if not super().parse_request():
            return False
        self.head_only = self.command == "HEAD"
        if self.hosts.allow(self.headers.get("Host")):
            return True
        asked = (self.headers.get("Host") or "(none)")[:100]
        body = (f"403 Forbidden: sitegen serve answers only requests addressed to it, such as {self.url} (or "
                f"localhost, [::1] with the same port); this one named Host {asked!r}. If you typed this address, "
                f"open {self.url} instead, or serve with --host NAME to be reached by that name.\n")
        self.send_bytes(body.encode("utf-8", "replace"), "text/plain; charset=utf-8", 403)
        return False

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path.startswith(PREFIX):
            self.live()
            return
        self.answer()

    def do_HEAD(self) -> None:  # noqa: N802 - the http.server API
        self.answer()

    def answer(self) -> None:
        """A file of the last good build, a page with the reload tags, or why not."""
        if not self.builder.output().is_dir():  # build/ deleted under us: make it again, then serve
            self.builder.build()
        site = self.builder.output()
        if not site.is_dir():  # no good build yet: a page that can carry the overlay
            self.send_bytes(inject(NOT_BUILT), "text/html; charset=utf-8", 503)
            return
        try:
            parts = site_path(self.path)
        except BadPath:
            self.send_error(400, "Bad request: the path holds a control character")
            return
        if parts is None:  # a dotfile: sitegen's bookkeeping, never the site
            self.not_found(site)
            return
        self.builder.pending.wait("/".join(parts), STALE_WAIT)  # a download being made
        found = site_file(site, parts, self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"))
        if found == "redirect":  # made from the parts: `//host/` would send the browser elsewhere
            self.send_response(301)
            folder = "/".join(urllib.parse.quote(part, errors="surrogateescape") for part in parts)
            self.send_header("Location", f"/{folder}/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif not isinstance(found, Path):
            self.not_found(site)
        elif found.suffix == ".html":
            self.send_bytes(inject(found.read_bytes()), "text/html; charset=utf-8")
        else:
            self.send_file(found)

    def not_found(self, site: Path) -> None:
        """404, with the site's own 404 page where it has one (as a host would send it)."""
        page = site_file(site, ["404.html"], False)
        body = page.read_bytes() if isinstance(page, Path) else NOT_FOUND
        self.send_bytes(inject(body), "text/html; charset=utf-8", 404)

    def send_file(self, path: Path) -> None:
        """A file as it is, streamed."""
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Length", str(size))
            self.end_headers()
            if not self.head_only:
                shutil.copyfileobj(file, self.wfile)

    def live(self) -> None:
        """The reload script, its stylesheet, or the event stream."""
        name = self.path.removeprefix(PREFIX).split("?", 1)[0]
        if name == "events":
            self.events()
        elif name in ("reload.js", "overlay.css"):
            kind = "text/javascript" if name.endswith(".js") else "text/css"
            self.send_bytes((CLIENT / name).read_bytes(), f"{kind}; charset=utf-8")
        else:
            self.send_error(404)

    def send_bytes(self, body: bytes, kind: str, status: int = 200) -> None:
        """A response of bytes made here (a page with the reload tags, a live-reload file, a refusal)."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self.head_only:
            self.wfile.write(body)

    def events(self) -> None:
        """Server-sent events: the state now, then again after every build, until the page or server goes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state, sent = self.state, ""
        try:
            while not state.stopping:
                with state.changed:
                    now = state.snapshot()
                    if now == sent:
                        state.changed.wait(HEARTBEAT)
                        now = state.snapshot()
                message = f"data: {now}\n\n" if now != sent else ": still here\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                sent = now
        except OSError:
            return  # the page went away

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # every response changes with the next build
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the terminal shows builds, not every request."""


class Server(http.server.ThreadingHTTPServer):
    """A thread per connection; clients that hang up are no error; Ctrl-C closes every connection and waits for
    the requests in progress, so no thread is still writing when Python exits."""

    url = ""  # where this machine's browser finds it
    request_queue_size = 512  # a burst of connections waits to be accepted rather than being refused

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily,
                 handler: type[Handler]) -> None:
        self.address_family = family
        self.lock = threading.Lock()
        self.connections: dict[socket.socket, threading.Thread] = {}
        self.serving = self.stopping = False
        super().__init__(address, handler)

    def server_bind(self) -> None:
        """Bind, without the reverse DNS look-up http.server makes for the name (nothing is fetched)."""
        if self.address_family == socket.AF_INET6:
            with contextlib.suppress(OSError):  # `::` answers IPv4 too, as 0.0.0.0 would
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super(http.server.HTTPServer, self).server_bind()
        self.server_port = int(self.server_address[1])

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        """Answer a connection in a thread of its own, kept until it ends (daemon: a stuck one never holds exit)."""
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        with self.lock:
            self.connections[request] = thread
        thread.start()

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        """A connection ended: forget it."""
        with self.lock:
            self.connections.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early, or a connection closed by Ctrl-C, is no error; anything else is one line."""
        error = sys.exc_info()[1]
        if self.stopping or isinstance(error, ConnectionError | TimeoutError):
            return
        say(f"a request failed: {type(error).__name__}: {error}")

    def start(self) -> None:
        """Answer requests, in a thread of its own."""
        self.serving = True
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop accepting, close every connection (open pages, idle clients) and wait for their threads."""
        self.stopping = True
        if self.serving:  # else shutdown() would wait for ever for a loop that never ran (Ctrl-C in the first build)
            self.shutdown()
        with self.lock:
            open_now = list(self.connections.items())
        for conn, _ in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + STOP_WAIT
        for _, thread in open_now:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.server_close()


def inject(html: bytes) -> bytes:
    """The page with the live-reload tags before </head> (only ever in a response, never in build/)."""
    at = html.rfind(b"</head>")
    return html if at < 0 else html[:at] + TAGS.encode() + b"\n" + html[at:]


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


def make_server(host: str, port: int, builder: Builder, state: State) -> Server:
    """An HTTP server on host (127.0.0.1 unless told); a port in use or an address not this machine's is a clear
    error."""
    shown = f"{bracketed(host)}:{port}"
    try:
        found = socket.getaddrinfo(host.removeprefix("[").removesuffix("]"), port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise SitegenError(f"cannot listen on {host}: no such address ({exc})") from None
    family, _, _, _, address = min(found, key=lambda info: info[0] != socket.AF_INET)  # IPv4 first, as browsers
    handler: type[Handler] = type("LiveHandler", (Handler,), {"builder": builder, "state": state})
    try:
        server = Server((str(address[0]), int(address[1])), family, handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise SitegenError(f"port {port} is already in use on {host}: stop what uses it, or choose "
                               "another with --port N (--port 0 picks a free one)") from None
        raise SitegenError(f"cannot listen on {shown}: {exc.strerror}") from None
    bound = ipaddress.ip_address(str(server.server_address[0]))
    local = "[::1]" if bound.version == 6 else "127.0.0.1"
    name = local if bound.is_unspecified else bracketed(host)
    server.url = handler.url = f"http://{name}:{server.server_port}/"
    handler.hosts = Hosts(host.removeprefix("[").removesuffix("]"), server.server_port, bound.is_unspecified)
    if not bound.is_loopback:
        say(f"warning: serving on {bracketed(host)}: the preview, unpublished edits included, is reachable by other "
            f"computers that can reach this one on port {server.server_port}; --host 127.0.0.1 (the default) keeps it "
            "yours", quiet_too=True)  # -q hides notes, never this
    return server


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
