"""The command line as its peers' (issue 23 part 4): -q/-v on every command, build --config/--output, one message
and exit 2 for a missing project folder, NO_COLOR means no escape byte. Each through the real command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI, copy_project, run_here

from sitegen.cli import cli

COMMANDS = [c for c in cli.commands if c != "new"]  # `new` makes the folder: it has no --project to miss


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the mini project (sharing the warm chart cache)."""
    return copy_project(MINI, tmp_path / "p")


def test_every_command_has_quiet_verbose_and_project() -> None:
    assert {"validate", "build", "import", "diff", "serve"} <= set(COMMANDS)
    for name, command in cli.commands.items():
        flags = {flag for param in command.params for flag in param.opts}
        assert {"-q", "--quiet", "-v", "--verbose"} <= flags, name
        if name != "new":
            assert "--project" in flags, name


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_project_folder_is_one_message_and_exit_2(tmp_path: Path, command: str) -> None:
    args = [command, "x.csv"] if command == "import" else [command]
    done = run_here(tmp_path, *args, "--project", "no-such-folder")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "Error: Invalid value for '--project': Directory 'no-such-folder' does not exist." in done.stderr
    assert done.stdout == "" and list(tmp_path.iterdir()) == []  # nothing made, nothing written


def test_a_file_as_the_project_folder_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a project\n", encoding="utf-8")
    done = run_here(tmp_path, "build", "--project", "notes.txt")
    assert done.returncode == 2 and "Directory 'notes.txt' is a file." in done.stderr


def test_quiet_and_verbose_together_is_a_usage_error(tmp_path: Path) -> None:
    done = run_here(tmp_path, "validate", "-q", "-v")
    assert done.returncode == 2 and "-q/--quiet and -v/--verbose cannot be used together" in done.stderr


def test_quiet_build_says_nothing_but_errors(project: Path) -> None:
    normal = run_here(project, "build")
    assert normal.returncode == 0 and normal.stdout.startswith("Built ")
    assert "Warning: base_url https://example.org/test/ is a placeholder" in normal.stderr  # the mini project's
    (project / "build" / "index.html").unlink()  # so the next build has work to do
    quiet = run_here(project, "build", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert (project / "build" / "index.html").is_file()
    again = run_here(project, "build", "--quiet")  # up to date: still nothing said
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    (project / "datapackages" / "reference" / "councils.csv").write_text("nonsense\n", encoding="utf-8")
    broken = run_here(project, "build", "-q")
    assert broken.returncode == 1 and "the data is not valid" in broken.stderr and "councils.csv" in broken.stderr


def test_a_build_run_inside_a_program_gives_it_back_its_garbage_collector(project: Path) -> None:
    # the build turns the collector off for its own speed; a program (or a test worker) running it in its own
    # process must get it back, or every cycle it makes afterwards is never freed
    import gc

    assert gc.isenabled()
    frozen = gc.get_freeze_count()  # an earlier build in this worker may have set some aside already
    try:
        built = run_here(project, "build", "--force", "-q")
        assert built.returncode == 0, built.stderr
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen  # this build's own objects, set aside from later collections
        gc.disable()
        off = run_here(project, "build", "--force", "-q")  # a program that had it off keeps it off
        assert off.returncode == 0 and not gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


def test_verbose_build_shows_each_step_with_its_time_off_a_terminal(project: Path) -> None:
    done = run_here(project, "build", "-v")
    assert done.returncode == 0, done.stderr
    steps = [line for line in done.stderr.splitlines() if " s  " in line]
    assert [line.split(" s  ", 1)[1].split(" ")[0] for line in steps][:3] == ["Validating", "Reading", "Rendering"]
    assert all(float(line.split(" s  ")[0]) >= 0 for line in steps)
    assert done.stdout.startswith("Built ")
    plain = run_here(project, "build", "--force")  # by default the steps show on a terminal only
    assert plain.returncode == 0 and not any(" s  Validating" in line for line in plain.stderr.splitlines())


def test_quiet_and_verbose_validate(project: Path) -> None:
    normal = run_here(project, "validate")
    assert normal.returncode == 0 and normal.stdout  # says the data is valid
    quiet = run_here(project, "validate", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    as_json = run_here(project, "validate", "-q", "--format", "json")  # asked for: still printed
    assert as_json.returncode == 0 and as_json.stdout.startswith("{")
    verbose = run_here(project, "validate", "-v")
    assert verbose.returncode == 0 and verbose.stdout == normal.stdout
    assert "s  Validating datapackages" in verbose.stderr and "s  Checked " in verbose.stderr
    councils = project / "datapackages" / "reference" / "councils.csv"
    councils.write_text(councils.read_text(encoding="utf-8") + "bad,row\n", encoding="utf-8")
    broken = run_here(project, "validate", "-q")
    assert broken.returncode == 1 and "councils.csv" in broken.stdout and "line " in broken.stdout


def test_diff_is_printed_when_quiet_and_timed_when_verbose(project: Path, tmp_path: Path) -> None:
    before = tmp_path / "before"
    copy_project(project, before)
    quiet = run_here(project, "diff", str(before / "datapackages"), "working tree", "-q")
    verbose = run_here(project, "diff", str(before / "datapackages"), "working tree", "-v")
    assert quiet.returncode == verbose.returncode == 0
    assert quiet.stdout and quiet.stdout == verbose.stdout and quiet.stderr == ""
    assert "s  Read folder " in verbose.stderr


def test_build_config_names_the_settings_and_its_folder_is_the_project(project: Path, tmp_path: Path) -> None:
    settings = project / "sitegen.toml"
    other = project / "preview.toml"
    other.write_text(settings.read_text(encoding="utf-8").replace('title = "', 'title = "Preview of ', 1),
                     encoding="utf-8")
    done = run_here(tmp_path, "build", "--config", "p/preview.toml")  # relative to the working directory
    assert done.returncode == 0, done.stderr
    assert "<title>Preview of " in (project / "build" / "index.html").read_text(encoding="utf-8")
    assert done.stdout.rstrip().endswith("-> p/build/")


def test_build_config_outside_the_named_project_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.toml").write_text("[site]\n", encoding="utf-8")
    done = run_here(tmp_path, "build", "--project", "p", "--config", "elsewhere.toml")
    assert done.returncode == 2 and "Invalid value for '--config': elsewhere.toml is outside the project" \
        in done.stderr
    missing = run_here(tmp_path, "build", "--config", "nope.toml")
    assert missing.returncode == 2 and "File 'nope.toml' does not exist." in missing.stderr
    assert not (project / "build").exists()


def test_build_output_is_relative_to_the_working_directory_and_may_lie_outside(project: Path,
                                                                                tmp_path: Path) -> None:
    done = run_here(project, "build", "--output", "../site")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").is_file() and not (project / "build").exists()
    assert done.stdout.rstrip().endswith(f"-> {tmp_path / 'site'}/")
    again = run_here(project, "build", "--output", "../site", "--force")  # a folder sitegen made: replaced
    assert again.returncode == 0, again.stderr


def test_build_output_never_replaces_what_sitegen_did_not_make(project: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work\n", encoding="utf-8")
    done = run_here(project, "build", "--output", str(mine))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"--output {mine}: mine/ exists but was not made by sitegen" in done.stderr
    assert [p.name for p in mine.iterdir()] == ["thesis.tex"]
    for target, why in [(".", "is the project folder or holds it"), ("..", "is the project folder or holds it"),
                        ("datapackages/site", "would replace or mix with datapackages/"),
                        ("content", "would replace or mix with content/"),
                        ("../no/such/parent", "does not exist; make it first")]:
        refused = run_here(project, "build", "--output", target)
        assert refused.returncode == 1 and why in refused.stderr, (target, refused.stderr)


def run_on_a_terminal(project: Path, env: dict[str, str]) -> bytes:
    """`sitegen build --force` with stdout and stderr on a pseudo-terminal, as a person sees it: every byte."""
    import pty  # POSIX only, as is the test

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--force"], cwd=project, env=env,
                            stdout=follower, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    assert proc.wait(timeout=300) == 0, out.decode(errors="replace")
    return out


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_no_color_means_no_escape_byte_on_a_terminal(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")} | {"TERM": "xterm"}
    coloured = run_on_a_terminal(project, env)
    assert b"\x1b[" in coloured and b"Validating the data packages" in coloured  # the test can fail
    plain = run_on_a_terminal(project, env | {"NO_COLOR": "1"})
    assert b"Validating the data packages" in plain and b"Built " in plain
    assert b"\x1b" not in plain


@pytest.mark.skipif(sys.platform == "win32", reason="stops the server with SIGINT, which Windows cannot send")
def test_quiet_serve_prints_its_address_and_nothing_else(project: Path) -> None:
    serve = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "-q", "--port", "0"], cwd=project,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    try:
        assert serve.stdout is not None
        first = serve.stdout.readline()  # the first build is done before the address is printed
        assert first.startswith("Serving ") and "at http://127.0.0.1:" in first, first
    finally:
        serve.send_signal(signal.SIGINT)
        rest, _ = serve.communicate(timeout=60)
    assert "Built " not in rest and "Warning" not in rest and "Traceback" not in rest


def test_new_takes_quiet_too(tmp_path: Path) -> None:
    normal = run_here(tmp_path, "new", "one")
    assert normal.returncode == 0 and normal.stdout.startswith("Wrote a new project in one/")
    quiet = run_here(tmp_path, "new", "two", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert (tmp_path / "two" / "sitegen.toml").is_file()
