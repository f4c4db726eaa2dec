"""The preview's HTTP side: the last good build to requests addressed to it, with live reload."""

from __future__ import annotations

import contextlib
import errno
import http.server
import ipaddress
import os
import shutil
import socket
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.errors import SitegenError, say
from sitegen.serve.guard import BadPath, Hosts, bracketed, site_file, site_path

if TYPE_CHECKING:

    from sitegen.serve.run import Builder, State

PREFIX = "/__sitegen/"  # the live-reload endpoints; never a path of the site
CLIENT = Path(__file__).resolve().parent / "live"  # reload.js and overlay.css
TAGS = (f'<link rel="stylesheet" href="{PREFIX}overlay.css"><script src="{PREFIX}reload.js" defer></script>')
NOT_BUILT = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head>'
             b'<body><h1>The site has not been built yet</h1><p>Fix the problems listed and this page reloads.</p>'
             b'</body></html>')
HEARTBEAT = 10.0  # seconds between keep-alive comments on the event stream
STALE_WAIT = 30.0  # seconds a request for a download waits for the follow-up build to make it afresh
IDLE = 60.0  # seconds a connection may say nothing before it is closed (a client that never asks holds a thread)
STOP_WAIT = 5.0  # seconds Ctrl-C waits for requests in progress to end once their connections are closed
NOT_FOUND = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>'
             b'<body><h1>Not found</h1><p>No page of the site is at this address.</p></body></html>')


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
        for name in ("/".join(parts), "/".join([*parts, "index.html"])):  # a file, or a folder's page, being made
            self.builder.pending.wait(name, STALE_WAIT)
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
        page = watched_page(self.path)
        if page:
            state.opened(page)
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
        finally:
            if page:
                state.opened(page, -1)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # every response changes with the next build
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the terminal shows builds, not every request."""


def watched_page(target: str) -> str:
    """The site's page a browser watches for builds (reload.js's `?page=`, its address's path): `councils/x/index.html`;
    "" when it names none."""
    asked = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query).get("page", [""])[0]
    if not asked:
        return ""
    try:
        parts = site_path(asked)
    except BadPath:
        return ""
    if parts is None:
        return ""
    return "/".join(parts if parts and parts[-1].endswith(".html") else [*parts, "index.html"])


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
