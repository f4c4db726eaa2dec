"""Hostile workbooks and returns (issue 25 part 3): one folder per case in tests/hostile_workbooks/<case>/, each
refused by `sitegen import` with the file, sheet, cell and reason, within 30 s and 2 GB, with nothing written.

Each case folder holds a README (one line: what it attacks, what must happen) and case.json:
  make    the function below that makes the file (the corpus is made by code: no hostile file is checked in)
  file    the name the file is given (its extension need not say what it is)
  output  strings the output must contain
The file is made in a `returns` folder inside the project (a link case links it outside); the command runs in its
own process under the limits; every file of the project and of the folder beside it must be as it was.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "hostile_workbooks"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.json").is_file())
JULY = ROOT.parent / "shared" / "data" / "official" / "dtoc" / "July_15.xls"
MEMORY = 2 * 1024**3
SECONDS = 30
BCF = "Code,LA_name,Bed based intermediate Care Services,Reablement in a persons own home,LA_code.x,population\n"


def zip_bomb(path: Path) -> None:
    """An .xlsx-shaped zip whose one sheet inflates to 300 MB of the same byte."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        with bomb.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b"0" * 1_000_000
            for _ in range(300):
                sheet.write(block)


def xlsx_sparse(path: Path) -> None:
    """A real .xlsx workbook (openpyxl, a test dependency) with a cell at its last row and column."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "LA - by responsible org"
    sheet["A1"] = "Name"
    sheet["XFD1048576"] = 1
    book.save(path)


def png(path: Path) -> None:
    """The first bytes of a PNG image."""
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)


def real_month() -> bytes:
    """July 2015's real workbook."""
    if not JULY.is_file():
        pytest.skip("needs ../shared/data/official/dtoc")
    return JULY.read_bytes()


def truncated_xls(path: Path) -> None:
    """A real workbook cut short."""
    path.write_bytes(real_month()[:6000])


def sheet_renamed(path: Path) -> None:
    """A real month whose sheet has another name (the same length, so the workbook stays whole)."""
    path.write_bytes(real_month().replace(b"LA - by responsible org", b"LA - by responsible orX"))


def formula_name(path: Path) -> None:
    """A real month in which Hartlepool's name reads `=HYPERLINK` (the same length)."""
    data = real_month()
    assert data.count(b"Hartlepool") == 1
    path.write_bytes(data.replace(b"Hartlepool", b"=HYPERLINK"))


def link_outside(path: Path) -> None:
    """A link in the project to a real workbook beside it."""
    outside = path.parent.parent.parent / "outside" / path.name
    outside.write_bytes(real_month())
    path.symlink_to(outside)


def csv_big_cell(path: Path) -> None:
    """A 10 MB cell where a number belongs."""
    path.write_text(f"{BCF}E06000009,Blackpool,{'9' * 10_000_000}x,NA,x,1\n", encoding="utf-8")


def csv_million_rows(path: Path) -> None:
    """A million rows, none naming a council."""
    path.write_text(BCF + "E0,,1,,,\n" * 1_000_000, encoding="utf-8")


def csv_million_columns(path: Path) -> None:
    """A header of a million columns, and one row."""
    path.write_text(BCF.rstrip("\n") + ",x" * 1_000_000 + "\nE06000009,Blackpool,lots,NA,x,1\n", encoding="utf-8")


def csv_date(path: Path) -> None:
    """A date where a number belongs."""
    path.write_text(f"{BCF}E06000009,Blackpool,2019-04-01,NA,x,1\n", encoding="utf-8")


def csv_formula(path: Path) -> None:
    """A formula where a number belongs."""
    path.write_text(f"{BCF}E06000009,Blackpool,=1+2,NA,x,1\n", encoding="utf-8")


def csv_merged_header(path: Path) -> None:
    """A header split over two rows, as merged header cells export."""
    path.write_text("Code,LA_name,Bed based intermediate,Reablement in a,LA_code.x,population\n"
                    ",,Care Services,persons own home,,\nE06000009,Blackpool,1,NA,x,1\n", encoding="utf-8")


MAKERS: dict[str, Callable[[Path], None]] = {f.__name__: f for f in (
    zip_bomb, xlsx_sparse, png, truncated_xls, sheet_renamed, formula_name, link_outside, csv_big_cell,
    csv_million_rows, csv_million_columns, csv_date, csv_formula, csv_merged_header)}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project (the real packages but the delayed transfers, which the import would make) and a folder beside it."""
    where = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "datapackages", where / "p" / "datapackages",
                    ignore=lambda folder, _: ["delayed-transfers"] if Path(folder) == ROOT / "datapackages" else [])
    shutil.copy(ROOT / "sitegen.toml", where / "p" / "sitegen.toml")
    (where / "outside").mkdir()
    (where / "outside" / "canary.csv").write_text("id\nkeep\n", encoding="utf-8")
    return where


def files(folder: Path) -> dict[str, bytes]:
    """Every file under folder (links by their target, unread), but the build lock sitegen keeps in a cache."""
    found = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if ".cache" in path.relative_to(folder).parts:  # sitegen's own: the import holds the build lock there
            continue
        if path.is_symlink():
            found[key] = b"link " + os.readlink(path).encode()
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


def limited() -> None:
    """In the child: at most 2 GB of memory."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def test_every_case_has_a_readme_and_a_maker() -> None:
    assert len(CASES) >= 14
    for case in CASES:
        spec = json.loads((CORPUS / case / "case.json").read_text(encoding="utf-8"))
        assert spec["make"] in MAKERS and (CORPUS / case / "README").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("case", CASES)
def test_hostile_return_is_refused_within_limits(base: Path, tmp_path: Path, case: str) -> None:
    spec = json.loads((CORPUS / case / "case.json").read_text(encoding="utf-8"))
    where = tmp_path / "w"
    shutil.copytree(base, where, symlinks=True)
    project = where / "p"
    (project / "returns").mkdir()
    target = project / "returns" / spec["file"]
    MAKERS[spec["make"]](target)
    before = {**files(project), **{f"outside/{k}": v for k, v in files(where / "outside").items()}}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "sitegen", "import", str(target)], cwd=project,
                          capture_output=True, text=True, timeout=SECONDS, check=False, preexec_fn=limited)
    took = time.monotonic() - start
    out = done.stdout + done.stderr
    assert done.returncode == 1, out[-3000:]
    assert "Traceback" not in out and "MemoryError" not in out
    for expected in spec["output"]:
        assert expected in out, f"{expected!r} not in:\n{out[:3000]}"
    assert took < SECONDS
    after = {**files(project), **{f"outside/{k}": v for k, v in files(where / "outside").items()}}
    assert after == before  # nothing written, in the project or beside it; no staging left


def test_a_date_cell_of_a_workbook_is_a_date_not_its_serial_number() -> None:
    import xlrd

    from sitegen.importers.workbook import text_of

    assert text_of(xlrd.XL_CELL_DATE, 43556.0) == "2019-04-01T00:00:00"  # refused where a number belongs
    assert text_of(xlrd.XL_CELL_NUMBER, 43556.0) == "43556"


def test_no_formula_from_a_workbook_reaches_a_download(tmp_path: Path) -> None:
    """The formula case again, in process: no CSV of the project holds the name after it is refused."""
    project = tmp_path / "p"
    shutil.copytree(ROOT / "datapackages", project / "datapackages",
                    ignore=lambda folder, _: ["delayed-transfers"] if Path(folder) == ROOT / "datapackages" else [])
    shutil.copy(ROOT / "sitegen.toml", project / "sitegen.toml")
    month = tmp_path / "July_15.xls"
    formula_name(month)
    done = subprocess.run([sys.executable, "-m", "sitegen", "import", str(month)], cwd=project,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert not any(b"=HYPERLINK" in p.read_bytes() for p in project.rglob("*.csv"))
    assert not (project / "datapackages" / "delayed-transfers").exists()
    assert "line 73, field name, value '=HYPERLINK UA'" in done.stderr
