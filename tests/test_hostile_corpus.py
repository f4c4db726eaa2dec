"""The hostile corpus: one folder per attack (tests/hostile_corpus/<case>/), each refused with a located
message or built correctly; never a traceback, a request, a hang, a leak or a file written outside build/.

Each case folder holds a README (one line: what it attacks, what must happen) and case.json:
  steps     edits applied to a built copy of the mini project (see STEPS below)
  expect    "refused" or "built"
  command   "build" (default) or "validate"
  output    strings the output must contain (file, line, field, value) when refused
  pages     {page: {"contains": [...], "absent": [...]}} checked when built
  limits    true: run under a 30 s timeout and a 2 GB memory cap (the pathological cases)
Strings may name {outside} (a folder beside the project, holding a canary) and {listener} (a loopback
HTTP listener that counts connections; every case must leave it untouched).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, build, copy_project, run_here
from hostile import set_value

CORPUS = Path(__file__).parent / "hostile_corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.json").is_file())
CANARY = "CANARY-7f3a9c-must-never-be-published"
MEMORY = 2 * 1024**3
SECONDS = 30


class Listener:
    """A loopback TCP listener that counts every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.connections = 0
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        """Accept, count and close, until the socket is closed."""
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    """One listener for the whole corpus."""
    found = Listener()
    yield found
    found.sock.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project, built once (build/ and the chart cache), copied by every case."""
    project = copy_project(MINI, tmp_path_factory.mktemp("corpus") / "project")
    build(project)
    return project


def text_of(value: Any, outside: Path, listener: Listener) -> Any:
    """A step argument with placeholders filled in; {"py": expr} builds long or strange text."""
    if isinstance(value, dict) and "py" in value:
        value = eval(value["py"], {"__builtins__": {"range": range, "chr": chr, "str": str, "len": len}})  # noqa: S307
    if isinstance(value, str):
        return value.replace("{outside}", str(outside)).replace("{listener}", listener.url)
    if isinstance(value, list):
        return [text_of(v, outside, listener) for v in value]
    if isinstance(value, dict):
        return {k: text_of(v, outside, listener) for k, v in value.items()}
    return value


def set_json(path: Path, keys: list[Any], value: Any) -> None:
    """Set (or, with value None, delete) one property of a JSON file, by its path of keys and indexes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    target = data
    for key in keys[:-1]:
        target = target[key]
    if value is None:
        del target[keys[-1]]
    elif isinstance(target, list) and keys[-1] == len(target):
        target.append(value)
    else:
        target[keys[-1]] = value
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def apply(step: list[Any], project: Path) -> None:
    """One edit of the project."""
    op, *args = step
    path = project / args[0]
    if op == "cell":
        set_value(path, args[1], args[2], args[3])
    elif op == "json":
        set_json(path, args[1], args[2])
    elif op == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(args[1].encode("utf-8"))
    elif op == "append":
        path.write_bytes(path.read_bytes() + args[1].encode("utf-8"))
    elif op == "replace":
        text = path.read_text(encoding="utf-8")
        assert args[1] in text, step
        path.write_text(text.replace(args[1], args[2], 1), encoding="utf-8")
    elif op == "symlink":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        path.symlink_to(args[1])
    elif op == "sparse":  # a file of args[1] bytes that takes no disk space
        with path.open("wb") as file:
            file.truncate(int(args[1]))
    elif op == "folder":  # a folder where a file belongs
        path.unlink(missing_ok=True)
        path.mkdir()
    elif op == "fifo":
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    elif op == "copytree":
        shutil.copytree(path, project / args[1])
    elif op == "setting":
        settings = project / "sitegen.toml"
        lines = [x for x in settings.read_text(encoding="utf-8").splitlines() if not x.startswith(f"{args[0]} =")]
        settings.write_text("\n".join(lines) + f"\n{args[0]} = {json.dumps(args[1])}\n", encoding="utf-8")
    else:
        raise AssertionError(f"unknown step {op}")


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry below folder: a hash of each regular file, the target of each link, the kind of the rest."""
    found = {}
    for base, dirs, names in os.walk(folder):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(base, d))]:
            path = os.path.join(base, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                found[os.path.relpath(path, folder)] = "-> " + os.readlink(path)
            elif stat.S_ISREG(mode) and os.path.getsize(path) > 100_000_000:  # a sparse giant: by size and time
                status = os.stat(path)
                found[os.path.relpath(path, folder)] = f"{status.st_size} bytes, {status.st_mtime_ns}"
            elif stat.S_ISREG(mode):
                with open(path, "rb") as file:
                    found[os.path.relpath(path, folder)] = hashlib.sha256(file.read()).hexdigest()
            else:
                found[os.path.relpath(path, folder)] = f"mode {stat.S_IFMT(mode)}"
    return found


def limit_memory() -> None:
    """Runs in the child: the address space is capped at 2 GB."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_sitegen(project: Path, case: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it: in this process (a fresh one would spend a second importing),
    pathological cases in a process of their own under a time and memory cap."""
    # no --force: the cache finds charts and downloads by their content, so whatever an attack changed is made
    # anew, and the copy's output folder is new to the cache, so every page is rendered; only vl-convert's
    # redrawing of the unchanged charts (most of a case's time) is spared
    command, env = case.get("command", "build"), {"SITEGEN_CANARY": CANARY, "NO_COLOR": "1"}
    if not case.get("limits", False):
        return run_here(project, command, env=env)
    return subprocess.run([sys.executable, "-m", "sitegen", command], cwd=project, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env={**os.environ, **env}, timeout=SECONDS,
                          check=False, preexec_fn=limit_memory)  # noqa: PLW1509


def prepare(tmp_path: Path, built: Path, name: str, listener: Listener) -> tuple[Path, dict[str, Any]]:
    """A copy of the built project with the case's edits, and the case."""
    case = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
    project, outside = tmp_path / "project", tmp_path / "outside"
    shutil.copytree(built, project, symlinks=True)
    outside.mkdir()
    (outside / "secret.md").write_text(f"---\ntitle: {CANARY}\n---\n{CANARY}\n", encoding="utf-8")
    shutil.copy(project / "datapackages/nhs-debts/figures.csv", outside / "figures.csv")
    with (outside / "figures.csv").open("a", encoding="utf-8") as extra:
        extra.write(f"{CANARY.lower()},E10000003,,,,false,client-debt-overdue,1,GBP,2024-03-31,2024-03-31,"
                    "31 March 2024,exact,reported,,src-c363f583,,\n")
    for step in case["steps"]:
        apply(text_of(step, outside, listener), project)
    return project, case


@pytest.mark.parametrize("name", CASES)
def test_hostile_case(name: str, tmp_path: Path, built: Path, listener: Listener) -> None:
    readme = (CORPUS / name / "README").read_text(encoding="utf-8").strip()
    assert readme and "\n" not in readme, "README is one line: what the case attacks, what must happen"
    project, case = prepare(tmp_path, built, name, listener)
    before, site, requests = snapshot(tmp_path), snapshot(project / "build"), listener.connections
    result = run_sitegen(project, case)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert CANARY not in output and CANARY.lower() not in output and "root:x:0" not in output, output
    assert listener.connections == requests, "a request reached the network"
    after = snapshot(tmp_path)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert all(k.startswith(("project/build/", "project/.cache/")) for k in changed), sorted(changed)[:5]
    if case["expect"] == "refused":
        assert result.returncode == 1, output
        for needle in case["output"]:
            assert text_of(needle, tmp_path / "outside", listener) in output, (needle, output)
        assert snapshot(project / "build") == site, "a refused build changed build/"
    else:
        assert result.returncode == 0, output
        for page, checks in case.get("pages", {}).items():
            html = (project / "build" / page).read_text(encoding="utf-8")
            assert all(text in html for text in checks.get("contains", [])), (page, checks)
            assert not any(text in html for text in checks.get("absent", [])), (page, checks)
        assert not any(CANARY in p.read_text(errors="replace") for p in (project / "build").rglob("*.html"))


def test_every_case_is_a_folder_with_a_readme() -> None:
    folders = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    assert folders == CASES and len(CASES) >= 40
    assert all((CORPUS / name / "README").is_file() for name in CASES)
