"""Hostile data and content: rejected with a clear error, or shown as text; never run, never written outside."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build
from hostile import ACCEPTED, ATTRIBUTE, LONG, REJECTED, SCRIPT, WORLD, hostile_project, set_value

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")


def files(folder: Path) -> dict[str, bytes]:
    """Every file below folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def sitegen(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it, from the project folder."""
    return subprocess.run([sys.executable, "-m", "sitegen", *args], cwd=project, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, check=False)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile project, built once; build() raises if the build fails."""
    return build(hostile_project(tmp_path_factory.mktemp("hostile") / "project"))


def test_hostile_text_is_accepted_by_the_validator(tmp_path: Path) -> None:
    project = hostile_project(tmp_path / "p")
    result = sitegen(project, "validate")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("file", "row_id", "field", "value", "code"), REJECTED,
                         ids=[f"{r[2]}={r[3][:12]}" for r in REJECTED])
def test_what_must_be_rejected_is_rejected_and_build_is_untouched(
        hostile_site: Path, tmp_path: Path, file: str, row_id: str, field: str, value: str, code: str) -> None:
    project = shutil.copytree(hostile_site.parent, tmp_path / "p", symlinks=True)  # built: build/ is the old site
    before = files(project / "build")
    line = set_value(project / "datapackages" / file, row_id, field, value)
    outside = files(tmp_path)
    result = sitegen(project, "build")
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert f"datapackages/{file}" in result.stderr
    assert f"line {line}, field {field}, value {value!r}" in result.stderr
    assert "nothing was published, build/ is unchanged" in result.stderr
    assert files(project / "build") == before
    assert files(tmp_path) == outside, "the failed build wrote or changed a file"
    assert not list(tmp_path.rglob("etc")) and not list(project.glob(".build-*"))


class Attributes(HTMLParser):
    """Collects event-handler attributes (on…) of every element, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]


def handlers(html: str) -> list[str]:
    """Every event-handler attribute in a page."""
    parser = Attributes()
    parser.feed(html)
    return parser.found


def test_accepted_markup_is_escaped_in_every_page(hostile_site: Path) -> None:
    pages = {p.relative_to(hostile_site).as_posix(): p.read_text(encoding="utf-8")
             for p in hostile_site.rglob("*.html")}
    for path, html in pages.items():
        assert "<script>alert" not in html and "<iframe" not in html, path
        assert not re.search(r"<img\b(?![^>]*\bsrc=\"(\.\./)*charts/)", html), path
        assert "javascript:" not in html and "onclick" not in html, path
        assert handlers(html) == [], path  # onerror= only ever appears as escaped text
    council = pages["councils/cambridgeshire/index.html"]
    assert "Cambridgeshire &lt;script&gt;alert(1)&lt;/script&gt; County Council" in council
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in council or "&quot;&gt;&lt;img src=x" in council
    assert "x" * 10_000 in pages["measures/client-debt-overdue/index.html"]
    assert WORLD in council


def test_markdown_html_is_sanitised_not_dropped_silently(hostile_site: Path) -> None:
    html = (hostile_site / "councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert "a javascript link" in html and "a div with handlers" in html
    assert 'href="javascript' not in html and "<div onclick" not in html and 'style="color:red"' not in html
    assert re.search(r'<a class="figref" href="[^"]+#figure-cambridgeshire-nhs-overdue-asc-debt-31-march-2024">', html)


def test_huge_and_zero_values_are_formatted_not_hidden(hostile_site: Path) -> None:
    html = (hostile_site / "councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert "£1,000,000,000,000,000" in html  # shown as precisely as given (main 8920fc7), never hidden
    assert "to £0 at 31 March 2024" in html  # a reported zero is a real figure, shown as such


def test_every_page_has_a_same_origin_csp_and_no_inline_script(hostile_site: Path) -> None:
    for page in hostile_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert csp, page
        policy = dict(d.strip().split(" ", 1) for d in csp.group(1).split(";"))
        # the search page alone lets Pagefind compile its WebAssembly; no page allows inline or eval'd script
        search = page.relative_to(hostile_site).as_posix() == "search/index.html"
        assert policy["script-src"] == ("'self' 'wasm-unsafe-eval'" if search else "'self'"), page
        assert policy["default-src"] == "'self'", page
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'", page
        for tag in re.findall(r"<script\b[^>]*>", html):
            # a JSON-LD data block is never executed; every other script is a file of the site itself
            assert 'type="application/ld+json"' in tag or re.search(r'src="(?!https?:|//)[^"]+"', tag), (page, tag)


def csv_cells(text: str) -> list[str]:
    """Every cell of a CSV text."""
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_strings(book: Path) -> list[str]:
    """Every text cell of a workbook: in the shared strings table (sitegen's writer), or inline in a sheet."""
    with zipfile.ZipFile(book) as z:
        sheets = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
        shared = z.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in z.namelist() else ""
    assert "<f>" not in sheets
    return [unescape(t) for t in re.findall(r"<t(?: [^>]*)?>(.*?)</t>", shared + sheets, re.DOTALL)]


def test_downloads_have_no_formula_cells(hostile_site: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in hostile_site.rglob("*.csv")]
    for archive in hostile_site.rglob("*.zip"):
        with zipfile.ZipFile(archive) as z:
            texts += [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".csv")]
    cells = [c for text in texts for c in csv_cells(text)]
    for book in hostile_site.rglob("*.xlsx"):
        cells += xlsx_strings(book)
    assert cells and SCRIPT in cells
    assert [c for c in cells if c.startswith(FORMULA_START) and not NUMBER.match(c)] == []


def test_long_values_in_errors_are_shortened(tmp_path: Path) -> None:
    project = hostile_project(tmp_path / "p")
    set_value(project / "datapackages/nhs-debts/figures.csv", "cambridgeshire-client-debt-overdue-31-march-2023",
              "unit", LONG)
    result = sitegen(project, "validate")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) < 400


def test_nothing_is_written_outside_the_output_and_cache(tmp_path: Path) -> None:
    project = hostile_project(tmp_path / "p")
    before = files(tmp_path)
    result = sitegen(project, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    changed = {k for k in set(files(tmp_path)) ^ set(before)} | {k for k, v in before.items()
                                                                if files(tmp_path).get(k) != v}
    assert changed and all(k.startswith(("p/build/", "p/.cache/")) for k in changed), sorted(changed)[:5]


def test_accepted_values_cover_every_kind_the_issue_names() -> None:
    values = " ".join(v for *_, v in ACCEPTED)
    for needle in (SCRIPT, ATTRIBUTE, "x" * 10_000, "\u202e", "🏥", "\u0301", "1000000000000000"):
        assert needle in values
    assert {r[3] for r in REJECTED} >= {"javascript:alert(1)", "../../etc"}


def test_a_negative_number_stays_a_number_while_formula_text_is_defused() -> None:
    from sitegen.publish.downloads import to_csv

    assert to_csv(["value", "note"], [[-5000, "-x"], [2.5, "=1+1"]]) == "value,note\n-5000,'-x\n2.5,'=1+1\n"
