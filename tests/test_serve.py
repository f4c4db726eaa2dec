"""`sitegen serve` as a developer meets it: a port in use, a deleted build/, Ctrl-C; every request bounded."""

from __future__ import annotations

import io
import json
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
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
