"""`sitegen import` behind the build's fences (issue 25 part 1): it writes only into the project's packages, reads
only regular files within limits, and reads every value as `validate` does; each refusal located, nothing written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "official-returns"
BCF = ("Code,LA_name,Bed based intermediate Care Services,Reablement in a persons own home,LA_code.x,population\n"
       "{rows}")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A project (in tmp/a/b/p, so that ../../ is still inside tmp) with the real packages."""
    where = tmp_path / "a" / "b" / "p"
    shutil.copytree(ROOT / "datapackages", where / "datapackages")
    shutil.copy(ROOT / "sitegen.toml", where / "sitegen.toml")
    return where


def tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under folder, by relative path (links by their target, unread), but the build lock sitegen
    keeps in a cache."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if ".cache" in path.relative_to(folder).parts:  # sitegen's own: the import holds the build lock there
            continue
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = b"link " + os.readlink(path).encode()
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def run(project: Path, file: Path, *extra: str) -> tuple[int, str]:
    """`sitegen import FILE` in a project: exit code and everything printed (never an exception)."""
    result = CliRunner().invoke(cli, ["import", str(file), "--project", str(project), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def refused(project: Path, file: Path, *extra: str) -> str:
    """Import, expecting a refusal that changes nothing anywhere under the test's folder: the message."""
    everything = project.parent.parent.parent
    before = tree(everything)
    code, out = run(project, file, *extra)
    assert code == 1, out
    assert tree(everything) == before
    return out


def bcf(where: Path, cell: str = "100") -> Path:
    """A one-board BCF extract whose first planned-spending cell is `cell`."""
    path = where / "BCF.csv"
    path.write_text(BCF.format(rows=f"E06000009,Blackpool,{cell},NA,x,1\n"), encoding="utf-8")
    return path


def test_into_a_path_outside_the_project_is_refused(project: Path) -> None:
    victim = project.parent.parent / "victim"  # ../../victim from datapackages/
    shutil.copytree(ROOT / "datapackages" / PACKAGE, victim)
    out = refused(project, bcf(project.parent), "--into", "../../victim")
    assert "--into names a package folder of datapackages/ by its plain name" in out
    assert "field --into, value '../../victim'" in out


def test_into_a_package_that_is_a_link_out_is_refused(project: Path) -> None:
    victim = project.parent.parent / "victim"
    shutil.copytree(ROOT / "datapackages" / PACKAGE, victim)
    (project / "datapackages" / "linked").symlink_to(victim)
    out = refused(project, bcf(project.parent), "--into", "linked")
    assert "(not a path, nor a link)" in out


def test_a_resource_path_leading_out_of_the_package_is_refused(project: Path) -> None:
    outside = project.parent.parent.parent / "outside-sources.csv"
    outside.write_text("id\nkeep-me\n", encoding="utf-8")
    descriptor = project / "datapackages" / PACKAGE / "datapackage.json"
    descriptor.write_text(descriptor.read_text(encoding="utf-8").replace(
        '"path": "sources.csv"', '"path": "../../../outside-sources.csv"'), encoding="utf-8")
    out = refused(project, bcf(project.parent))
    assert "a resource path must be relative and stay inside the package folder" in out
    assert "value '../../../outside-sources.csv'" in out


def test_a_package_csv_that_is_a_link_out_of_the_project_is_not_read(project: Path) -> None:
    outside = project.parent.parent.parent / "secret.csv"
    shutil.copy(project / "datapackages" / PACKAGE / "figures.csv", outside)
    figures = project / "datapackages" / PACKAGE / "figures.csv"
    figures.unlink()
    figures.symlink_to(outside)
    out = refused(project, bcf(project.parent))
    assert "figures.csv" in out and "the file is a link to a file outside the project" in out


def sitegen(project: Path, *args: str) -> tuple[int, str, float]:
    """`sitegen …` in its own process (a hang must not hang the tests): exit code, output, seconds taken."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "sitegen", *args, "--project", str(project)], cwd=project,
                          capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, done.stdout + done.stderr, time.monotonic() - start


def test_a_link_to_a_device_is_refused_not_read(project: Path) -> None:
    link = project.parent / "zero.csv"
    link.symlink_to("/dev/zero")
    code, out, _ = sitegen(project, "import", str(link))
    assert code == 1 and "Traceback" not in out and "MemoryError" not in out
    assert "zero.csv" in out and "the file is a link to a file outside the project" in out  # never says where


def test_a_fifo_is_refused_at_once(project: Path) -> None:
    fifo = project.parent / "pipe.csv"
    os.mkfifo(fifo)
    code, out, seconds = sitegen(project, "import", str(fifo))
    assert code == 1 and "pipe.csv" in out and "not a regular file" in out
    assert seconds < 20  # never waits for a writer


def test_a_file_over_the_size_limit_is_refused(project: Path) -> None:
    settings = project / "sitegen.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[site]\n", "[site]\nmax_file_bytes = "
                                                                     "13000000\n"), encoding="utf-8")
    big = bcf(project.parent)
    big.write_text(big.read_text(encoding="utf-8") + "x" * 13_000_000 + "\n", encoding="utf-8")
    out = refused(project, big)
    assert "BCF.csv" in out and "over the limit of 13,000,000 bytes" in out


def test_an_xlsx_workbook_given_as_csv_is_one_located_message(project: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Code", "LA_name"])
    path = project.parent / "BCF.csv"
    book.save(path)
    out = refused(project, path)
    assert "BCF.csv" in out and "an Excel 2007 or later (.xlsx) workbook" in out
    assert "UnicodeDecodeError" not in out


def test_a_binary_file_is_refused_naming_the_byte(project: Path) -> None:
    path = project.parent / "BCF.csv"
    path.write_bytes(b"Code,LA_name\n\x81\x8d\x00\x01binary")
    out = refused(project, path)
    assert "BCF.csv" in out and "line 2" in out and "not a text file: byte 0x81 at offset 13" in out


@pytest.mark.parametrize(("cell", "why"), [
    ("NaN", "not a plain decimal number"), ("Infinity", "not a plain decimal number"),
    ("sNaN", "not a plain decimal number"), ("-Infinity", "not a plain decimal number"),
    ("1e5000", "not a plain decimal number"), ("1e999999999", "not a plain decimal number"),
    ("1e999", "too large to be a finite number"), ("1e300", "too many digits"),
    ("1_000_000", "not a plain decimal number"), ("١٢٣", "not a plain decimal number"),
    ("1,2,3", "not a plain decimal number"), ("x" * 100_000, "not a plain decimal number"),
], ids=["nan", "infinity", "snan", "minus-infinity", "1e5000", "1e999999999", "1e999", "1e300", "underscores",
        "arabic-indic", "bad-grouping", "100000-characters"])
def test_a_value_validate_refuses_is_refused_naming_file_line_column_and_value(project: Path, cell: str,
                                                                               why: str) -> None:
    out = refused(project, bcf(project.parent, f'"{cell}"' if "," in cell else cell))
    shown = cell if len(cell) <= 80 else cell[:77] + "..."
    assert f"BCF.csv\n  line 2, field value, value {shown!r}" in out
    assert why in out and "column 3 (Bed based intermediate Care Services)" in out


def test_a_200000_character_cell_is_refused_with_its_line(project: Path) -> None:
    out = refused(project, bcf(project.parent, "9" * 200_000))
    assert "BCF.csv\n  line 2" in out and "_csv.Error" not in out


def test_grouped_thousands_are_still_read(project: Path) -> None:
    code, out = run(project, bcf(project.parent, '"4,563,258"'))
    assert code == 0, out
    figures = (project / "datapackages" / PACKAGE / "figures.csv").read_text(encoding="utf-8")
    assert ",4563258,GBP," in figures and list(project.glob(".sitegen-import-*")) == []


@pytest.mark.parametrize(("body", "said"), [
    ("[" * 100_000 + "]" * 100_000, "the JSON is nested more than 32 levels deep"),
    ('{"resources": [], "n": ' + "9" * 5000 + "}", "a value cannot be read"),
    ('{"resources": [', "Expecting value at line 1, column 16")])
def test_a_package_descriptor_that_cannot_be_read_is_refused_as_validate_refuses_it(project: Path, body: str,
                                                                                   said: str) -> None:
    (project / "datapackages" / PACKAGE / "datapackage.json").write_text(body, encoding="utf-8")
    out = refused(project, bcf(project.parent))
    assert "datapackage.json" in out and said in out, out
