"""`sitegen serve` as a developer meets it (a port in use, a deleted build/, Ctrl-C, --host, --open, problems in the
terminal) and as an attacker or a rude client does (a foreign Host, bookkeeping and dotfiles, folders, a NUL, early
disconnects, a flood); every request bounded."""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import io
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from served import Served

TIMEOUT = 30  # seconds for any one request: a rebuild of the mini project fits easily


@pytest.fixture()
def project(mini_site: Path, tmp_path: Path) -> Path:
    """A copy of the built mini project, caches warm."""
    shutil.copytree(mini_site.parent, tmp_path / "project")
    return tmp_path / "project"


def get(url: str) -> tuple[int, str]:
    """Status and body of a GET."""
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        return response.status, response.read().decode("utf-8")


def test_port_in_use_is_a_clear_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = Served(project, port)
        assert server.proc.wait(TIMEOUT) == 1
    line = server.wait_for("already in use", 5).string
    assert f"port {port} is already in use on 127.0.0.1" in line and "--port" in line
    assert "Traceback" not in server.text()


def test_deleted_build_is_rebuilt_and_ctrl_c_stops_cleanly(project: Path) -> None:
    server = Served(project)
    try:
        base = server.url()
        status, html = get(base + "about/")
        assert status == 200 and '<script src="/__sitegen/reload.js" defer></script>' in html
        assert "__sitegen" not in (project / "build" / "about" / "index.html").read_text(encoding="utf-8")
        shutil.rmtree(project / "build")
        status, html = get(base + "about/")
        assert status == 200 and "<h1" in html
        assert (project / "build" / "about" / "index.html").is_file()
        assert server.proc.poll() is None
    finally:
        code = server.interrupt()
    text = server.text()
    assert code == 0 and "Stopped." in text and "Traceback" not in text, text


def listening(port: int) -> set[str]:
    """Local addresses with a socket listening on port, read from the kernel's table (no traffic sent)."""
    found = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        for row in table.read_text().splitlines()[1:] if table.exists() else []:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_listens_on_loopback_only(project: Path) -> None:
    server = Served(project)
    try:
        port = int(server.url().rsplit(":", 1)[1].strip("/"))
        assert listening(port) == {"0100007F"}  # 127.0.0.1, and nothing else
    finally:
        server.interrupt()


def test_a_project_that_never_built_shows_its_problems(mini_site: Path, tmp_path: Path) -> None:
    project = tmp_path / "broken"
    shutil.copytree(mini_site.parent, project, ignore=shutil.ignore_patterns("build"))
    figures = project / "datapackages" / "nhs-debts" / "figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",13000000,", ",lots,"), encoding="utf-8")
    server = Served(project)
    try:
        base = server.url()
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(base)
        assert refused.value.code == 503
        assert b'<script src="/__sitegen/reload.js" defer></script>' in refused.value.read()
        with urllib.request.urlopen(base + "__sitegen/events", timeout=TIMEOUT) as events:
            state = json.loads(events.readline().decode().removeprefix("data: "))
        [found] = state["problems"]
        assert (found["file"], found["field"], found["value"]) == ("datapackages/nhs-debts/figures.csv", "value",
                                                                     "lots")
        assert found["line"] > 1 and state["version"] == 0
        said = server.text()  # the terminal lists the problem as the overlay does, not only that the data is invalid
        assert "datapackages/nhs-debts/figures.csv" in said, said
        assert f"line {found['line']}, field value, value 'lots': " in said, said
    finally:
        assert server.interrupt() == 0


def test_edits_are_previewed_then_completed_and_a_newer_edit_stops_the_follow_up(project: Path) -> None:
    """Each edit is shown by a preview build; the follow-up build then makes the downloads and search index,
    unless a newer edit arrives first. Once settled, build/ is what `sitegen build` makes, and no staging is left."""
    figures = project / "datapackages/nhs-debts/figures.csv"
    good = figures.read_text(encoding="utf-8")
    server = Served(project)
    try:
        base = server.url()
        for value in ("13000001", "13000002"):  # the second lands while the first's follow-up runs
            figures.write_text(good.replace(",13000000,", f",{value},"), encoding="utf-8")
            server.wait_for(r"^Previewed \d+ pages", TIMEOUT)
        server.wait_for(r"^Downloads and search index up to date", 60)
        status, _ = get(base + "about/")
        assert status == 200
    finally:
        assert server.interrupt() == 0
    assert "Traceback" not in server.text()
    assert not [p.name for p in project.iterdir() if p.name.startswith(".build-")]  # no staging left behind
    with zipfile.ZipFile(project / "build/data/nhs-debts/nhs-debts.zip") as bundle:
        csv_text = bundle.read(next(n for n in bundle.namelist() if n.endswith("figures.csv"))).decode("utf-8")
    assert ",13000002," in csv_text and ",13000000," not in csv_text
    said = subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=project, capture_output=True, text=True,
                          timeout=120)
    assert said.returncode == 0 and said.stdout.startswith("Up to date"), said.stdout + said.stderr


def test_started_on_an_up_to_date_site_it_reads_the_site_for_editing_and_leaves_build_as_it_was(
        project: Path) -> None:
    """`sitegen build`, then `sitegen serve`: the first build finds nothing to do, so serve builds once more in the
    background, reusing every page, to hold what the first edit needs (on the real site, that edit took 7 s
    rather than 1 s). build/ is byte for byte as before, and an edit after it is previewed as ever."""
    said = subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=project, capture_output=True, text=True,
                          timeout=120)
    assert said.returncode == 0, said.stdout + said.stderr
    before = {p.relative_to(project).as_posix(): p.read_bytes() for p in (project / "build").rglob("*")
              if p.is_file()}
    server = Served(project)
    try:
        base = server.url()
        assert server.text().startswith("Up to date: "), server.text()
        server.wait_for(r"^Checked \d+ pages \((\d+) of them unchanged, copied\).*\(ready for edits\)$", 60)
        after = {p.relative_to(project).as_posix(): p.read_bytes() for p in (project / "build").rglob("*")
                 if p.is_file()}
        assert after == before
        page = project / "content" / "about.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nA sentence added while serving.\n", encoding="utf-8")
        server.wait_for(r"^Previewed \d+ pages", TIMEOUT)
        assert "A sentence added while serving." in get(base + "about/")[1]
        server.wait_for(r"^Downloads and search index up to date", 60)
    finally:
        code = server.interrupt()
    assert code == 0 and "Traceback" not in server.text() and "failed" not in server.text(), server.text()


def test_a_download_asked_for_after_a_preview_waits_for_the_follow_up_build(project: Path) -> None:
    """A preview carries the last build's downloads over: one asked for before the follow-up build has made it
    afresh is sent once it has, never with older data than the page linking it."""
    figures = project / "datapackages/nhs-debts/figures.csv"
    server = Served(project)
    try:
        base = server.url()
        figures.write_text(figures.read_text(encoding="utf-8").replace(",13000000,", ",13000007,"), encoding="utf-8")
        server.wait_for(r"^Previewed \d+ pages", TIMEOUT)
        status, page = get(base + "councils/cambridgeshire/")
        assert status == 200 and "£13,000,007" in page
        status, csv_text = get(base + "councils/cambridgeshire/figures.csv")
        assert status == 200 and ",13000007," in csv_text and ",13000000," not in csv_text
        with urllib.request.urlopen(base + "data/nhs-debts/nhs-debts.zip", timeout=TIMEOUT) as response:
            zipped = response.read()
        with zipfile.ZipFile(io.BytesIO(zipped)) as bundle:
            inside = bundle.read(next(n for n in bundle.namelist() if n.endswith("figures.csv"))).decode("utf-8")
        assert ",13000007," in inside
        server.wait_for(r"^Downloads and search index up to date", TIMEOUT)  # what the requests waited for
    finally:
        assert server.interrupt() == 0


@contextlib.contextmanager
def watching(base: str, page: str) -> Iterator[None]:
    """A page open in a browser, as the server knows it: reload.js's event stream, naming the page, held open."""
    host, port = base.removeprefix("http://").strip("/").rsplit(":", 1)
    connection = http.client.HTTPConnection(host.strip("[]"), int(port), timeout=TIMEOUT)
    try:
        connection.request("GET", "/__sitegen/events?page=" + urllib.parse.quote(page, safe=""))
        stream = connection.getresponse()
        assert stream.status == 200 and stream.readline().startswith(b"data: ")  # the server counts it from here
        yield
    finally:
        connection.close()


def test_a_data_edit_shows_the_open_page_first_and_other_pages_wait_for_the_rest(project: Path) -> None:
    """After a data edit, the page open in a browser is made first (its preview plans that page alone); a page
    asked for before the follow-up build has made it is sent once it has, never with the older value."""
    figures = project / "datapackages/nhs-debts/figures.csv"
    server = Served(project)
    try:
        base = server.url()
        with watching(base, "/councils/cambridgeshire/"):
            figures.write_text(figures.read_text(encoding="utf-8").replace(",13000000,", ",13000007,"),
                               encoding="utf-8")
            server.wait_for(r"^Previewed 1 open page in ", TIMEOUT)
            status, page = get(base + "councils/cambridgeshire/")
            assert status == 200 and "£13,000,007" in page
            status, other = get(base + "measures/nhs-overdue-asc-debt/")  # carried over: it waits
            assert status == 200 and "£13,000,007" in other and "£13m" not in other
            server.wait_for(r"^Downloads and search index up to date", TIMEOUT)
    finally:
        assert server.interrupt() == 0
    assert "Traceback" not in server.text()


def test_host_other_than_loopback_warns_that_others_can_reach_it(project: Path) -> None:
    server = Served(project, 0, "--host", "0.0.0.0")
    try:
        url, port = server.url(), server.port()
        assert url == f"http://127.0.0.1:{port}/"  # where this machine's browser finds it
        assert listening(port) == {"00000000"}
        said = server.text()
        assert "warning: serving on 0.0.0.0" in said and "reachable by other computers" in said, said
        assert raw(port, "/", f"192.0.2.7:{port}")[0] == 200  # another machine asks by this one's address
        assert raw(port, "/", f"evil.example:{port}")[0] == 403  # a name is still refused: DNS rebinding
    finally:
        assert server.interrupt() == 0


def test_open_opens_the_served_url_once_built(project: Path, tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf %s "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    server = Served(project, 0, "--open", env={"BROWSER": str(browser)})
    try:
        url = server.url()
        deadline = time.monotonic() + TIMEOUT
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text(encoding="utf-8") == url
        assert "warning" not in server.text()  # 127.0.0.1, the default, is nobody else's
    finally:
        assert server.interrupt() == 0


def raw(port: int, target: str, host: str | None = None, *, method: str = "GET") -> tuple[int, bytes]:
    """Status and body of a request written by hand (Host as given: None sends none); status 0 when no answer."""
    head = f"{method} {target} HTTP/1.1\r\n"
    head += "" if host is None else f"Host: {host}\r\n"
    deadline = time.monotonic() + TIMEOUT
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as conn:
        conn.sendall(f"{head}Connection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while time.monotonic() < deadline:  # an event stream never ends: what came by the deadline
            conn.settimeout(max(0.01, min(1.0, deadline - time.monotonic())))
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                if b"\r\n\r\n" in data and b"text/event-stream" in data:
                    break
                continue
            if not chunk:
                break
            data += chunk
    if not data:
        return 0, b""
    top, _, body = data.partition(b"\r\n\r\n")
    return int(top.split(b" ", 2)[1]), body


def rude(port: int, target: str) -> None:
    """Ask for target and hang up at once, with a reset: the server's answer meets a closed connection."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    conn.close()


def live_reload(port: int) -> socket.socket:
    """An open live-reload connection, as every open page holds, once its first event has come."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    conn.sendall(f"GET /__sitegen/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    data = b""
    while b"data: " not in data:
        chunk = conn.recv(65536)
        assert chunk, data
        data += chunk
    return conn


def largest(site: Path) -> str:
    """The URL of the biggest file of the site: its answer outlasts the socket's buffers."""
    biggest = max((p for p in site.rglob("*") if p.is_file() and not p.name.startswith(".")),
                  key=lambda p: p.stat().st_size)
    return "/" + biggest.relative_to(site).as_posix()


@pytest.fixture(scope="module")
def served(mini_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    """One server of a copy of the mini project for the tests that only read (the rude ones included)."""
    project = tmp_path_factory.mktemp("served") / "project"
    shutil.copytree(mini_site.parent, project)
    server = Served(project)
    try:
        server.url()
        yield server, project
    finally:
        server.interrupt()


FOREIGN = ["evil.example:{port}", "evil.example", "127.0.0.1.nip.io:{port}", "localhost.evil.example:{port}",
           "localhost:{other}", "127.0.0.1", None]


@pytest.mark.parametrize("host", FOREIGN)
@pytest.mark.parametrize("target", ["/", "/__sitegen/events", "/data/nhs-debts/figures.csv"])
def test_a_foreign_host_is_refused(served: tuple[Served, Path], host: str | None, target: str) -> None:
    """DNS rebinding: a page of another site, its name pointed at 127.0.0.1, asks with its own name as Host."""
    server, _ = served
    port = server.port()
    status, body = raw(port, target, None if host is None else host.format(port=port, other=port + 1))
    assert status == 403
    text = body.decode("utf-8")
    assert "Host" in text and f"http://127.0.0.1:{port}/" in text, text


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"])
def test_the_addresses_it_listens_on_are_answered(served: tuple[Served, Path], host: str) -> None:
    server, _ = served
    port = server.port()
    status, body = raw(port, "/about/", host.format(port=port))
    assert status == 200 and b"<h1" in body


@pytest.mark.parametrize("target", ["/.sitegen-output", "/%2esitegen-output", "/static/.sitegen-output",
                                    "/.hidden", "/static/.hidden/file.txt", "/static/leak.txt",
                                    "/static/", "/static", "/static/css/", "/../sitegen.toml"])
def test_bookkeeping_dotfiles_outside_files_and_folders_are_not_served(served: tuple[Served, Path],
                                                                       target: str) -> None:
    server, project = served
    site = project / "build"
    secret = project.parent / "secret.txt"
    secret.write_text("an unpublished edit", encoding="utf-8")
    (site / ".hidden").write_text("tool state", encoding="utf-8")
    (site / "static/.hidden").mkdir(exist_ok=True)
    (site / "static/.hidden/file.txt").write_text("tool state", encoding="utf-8")
    if not (site / "static/leak.txt").is_symlink():
        (site / "static/leak.txt").symlink_to(secret)  # a link out of the output folder
    port = server.port()
    status, body = raw(port, target, f"127.0.0.1:{port}")
    assert status == 404, body[:300]
    assert b"an unpublished edit" not in body and b"tool state" not in body
    assert b"Directory listing" not in body and b"written by sitegen" not in body


@pytest.mark.parametrize("target", ["/%00", "/%00/", "/about/%00", "/a%00b.html", "/static/%00.css"])
def test_a_nul_in_the_path_is_a_bad_request(served: tuple[Served, Path], target: str) -> None:
    server, _ = served
    port = server.port()
    before = len(server.text())
    assert raw(port, target, f"127.0.0.1:{port}")[0] in (400, 404)
    assert raw(port, "/about/", f"127.0.0.1:{port}")[0] == 200
    time.sleep(0.2)
    assert "Traceback" not in server.text()[before:], server.text()[before:]


def test_clients_that_hang_up_early_print_nothing(served: tuple[Served, Path]) -> None:
    server, project = served
    port = server.port()
    before = len(server.text())
    big = largest(project / "build")
    for _ in range(100):
        rude(port, big)
        rude(port, "/about/")
    for _ in range(5):
        live_reload(port).close()
    assert raw(port, "/about/", f"127.0.0.1:{port}")[0] == 200
    time.sleep(1)
    said = server.text()[before:]
    assert "Traceback" not in said and "Error" not in said, said


def test_a_flood_of_requests_and_live_reload_connections_leaves_it_answering(served: tuple[Served, Path]) -> None:
    server, _ = served
    port = server.port()
    pages = [live_reload(port) for _ in range(50)]  # 50 open pages, each waiting for the next build
    try:
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(200) as pool:
            answers = list(pool.map(lambda i: raw(port, ["/", "/about/", "/methodology/"][i % 3],
                                                  f"127.0.0.1:{port}")[0], range(200)))
        assert answers == [200] * 200
        assert time.monotonic() - started < 60
        assert raw(port, "/about/", f"localhost:{port}")[0] == 200
        for page in pages:  # every page still connected, waiting for the next build (or its heartbeat)
            page.settimeout(0.01)
            with contextlib.suppress(TimeoutError):
                assert page.recv(65536) != b""
    finally:
        for page in pages:
            page.close()
    assert "Traceback" not in server.text()


def test_ctrl_c_after_rude_clients_stops_cleanly(project: Path) -> None:
    server = Served(project)
    port = server.port()
    pages = [live_reload(port) for _ in range(20)]
    idle = [socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) for _ in range(20)]  # say nothing
    big = largest(project / "build")
    for _ in range(100):
        rude(port, big)
    raw(port, "/%00", f"127.0.0.1:{port}")
    try:
        code = server.interrupt()
    finally:
        for conn in pages + idle:
            conn.close()
    said = server.text()
    assert code in (0, 130) and "Stopped." in said, said
    assert "Fatal Python error" not in said and "Traceback" not in said, said


def test_ctrl_c_during_the_first_build_stops_cleanly(project: Path) -> None:
    shutil.rmtree(project / "build")
    server = Served(project)
    server.wait_for("base_url", TIMEOUT)  # the build has started: its settings are read
    time.sleep(0.5)
    code = server.interrupt()
    said = server.text()
    assert code in (0, 130) and "Stopped." in said, said
    assert "Traceback" not in said and "Fatal Python error" not in said, said
    assert not [p.name for p in project.iterdir() if p.name.startswith(".build-")]  # no staging left behind


@pytest.mark.parametrize(("listening", "every", "header", "answered"), [
    ("127.0.0.1", False, "127.0.0.1:8000", True),
    ("127.0.0.1", False, "LOCALHOST:8000", True),
    ("127.0.0.1", False, "[::1]:8000", True),
    ("127.0.0.1", False, "127.0.0.1:8001", False),  # another port: another server's name
    ("127.0.0.1", False, "127.0.0.1", False),  # port 80 implied
    ("127.0.0.1", False, "localhost.:8000", False),
    ("127.0.0.1", False, "127.0.0.1:8000:8000", False),
    ("127.0.0.1", False, "127.0.0.1:+8000", False),
    ("127.0.0.1", False, "[::1]evil:8000", False),
    ("127.0.0.1", False, "192.0.2.7:8000", False),  # an address it does not listen on
    ("127.0.0.1", False, "", False),
    ("preview.test", False, "preview.test:8000", True),  # --host NAME: that name too
    ("::1", False, "[::1]:8000", True),
    ("0.0.0.0", True, "192.0.2.7:8000", True),  # every address: other machines ask by this one's address
    ("0.0.0.0", True, "[2001:db8::1]:8000", True),
    ("0.0.0.0", True, "evil.example:8000", False),  # a name never: that is what a rebinding page sends
])
def test_hosts_answered(listening: str, every: bool, header: str, answered: bool) -> None:
    from sitegen.serve.guard import Hosts

    assert Hosts(listening, 8000, every).allow(header) is answered


def test_only_regular_files_inside_the_site_are_found(tmp_path: Path) -> None:
    from sitegen.serve.guard import site_file

    site, outside = tmp_path / "build", tmp_path / "outside"
    (site / "page").mkdir(parents=True)
    (site / "linked").mkdir()
    (site / "bare").mkdir()
    outside.mkdir()
    (site / "index.html").write_text("home", encoding="utf-8")
    (site / "page/index.html").write_text("page", encoding="utf-8")
    (outside / "index.html").write_text("secret", encoding="utf-8")
    (site / "linked/index.html").symlink_to(outside / "index.html")  # an index that is a link out
    (site / "out").symlink_to(outside, target_is_directory=True)
    (site / "marker").symlink_to(site / "bare")
    (site / ".sitegen-output").write_text("bookkeeping", encoding="utf-8")
    (site / "manifest").symlink_to(site / ".sitegen-output")  # a link to a dotfile
    os.mkfifo(site / "pipe")
    assert site_file(site, [], True) == (site / "index.html").resolve()
    assert site_file(site, ["page"], True) == (site / "page/index.html").resolve()
    assert site_file(site, ["page"], False) == "redirect"
    for parts in (["linked"], ["out"], ["out", "index.html"], ["bare"], ["marker"], ["manifest"], ["pipe"],
                  ["missing"], ["page", "index.html", "x"]):
        assert site_file(site, parts, True) is None, parts


def test_ctrl_c_during_an_edits_build_stops_that_build_and_starts_no_other(project: Path) -> None:
    """Ctrl-C as an edit is being built: the build stops at its next step, no follow-up starts, nothing is said
    to have failed, and no staging folder is left."""
    figures = project / "datapackages/nhs-debts/figures.csv"
    server = Served(project)
    server.url()
    figures.write_text(figures.read_text(encoding="utf-8").replace(",13000000,", ",13000001,"), encoding="utf-8")
    server.wait_for(r"^Changed: figures\.csv", TIMEOUT)
    code = server.interrupt()
    said = server.text()
    assert code in (0, 130) and "Stopped." in said, said
    assert "Build failed" not in said and "Downloads and search index up to date" not in said, said
    assert "Traceback" not in said and "Fatal Python error" not in said, said
    assert not [p.name for p in project.iterdir() if p.name.startswith(".build-")]  # no staging left behind
