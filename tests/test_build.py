"""`sitegen build`: golden pages, links, determinism, atomicity, narrative numbers, real data."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from conftest import MINI, build, copy_project

from sitegen.build.staging import Writer
from sitegen.config import load_config
from sitegen.errors import SitegenError

GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_PAGES = {
    "home.html": "index.html",
    "council-with-figures.html": "councils/cambridgeshire/index.html",
    "council-without-figures.html": "councils/hartlepool/index.html",
    "measure.html": "measures/nhs-overdue-asc-debt/index.html",
    "dataset.html": "data/nhs-debts/index.html",
    "resource.html": "data/nhs-debts/figures/index.html",
}


class Links(HTMLParser):
    """Collects href/src values and element ids."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "data-spec") and value:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parse(path: Path) -> Links:
    """Links and ids of an HTML file."""
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def tree(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("golden", "page"), sorted(GOLDEN_PAGES.items()))
def test_golden_pages(mini_site: Path, golden: str, page: str) -> None:
    """Representative pages match the expected files (SITEGEN_UPDATE_GOLDEN=1 rewrites them)."""
    actual = (mini_site / page).read_text(encoding="utf-8")
    expected = GOLDEN / golden
    if os.environ.get("SITEGEN_UPDATE_GOLDEN") == "1":
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8"), f"{page} differs from tests/golden/{golden}"


def broken_links(site: Path) -> list[str]:
    """Internal links or anchors in any page that lead nowhere."""
    broken: list[str] = []
    pages = sorted(site.rglob("*.html"))
    parsed = {p: parse(p) for p in pages}
    ids = {p.resolve(): parsed[p].ids for p in pages}
    base = urlparse(load_config(site.parent).base_url).path
    for page, links in parsed.items():
        for link in links.links:
            if urlparse(link).scheme in ("http", "https", "mailto"):
                continue
            target, anchor = urldefrag(link)
            if page.name == "404.html" and target:  # served at any depth, so its links are absolute below the base path
                assert target.startswith(base), f"404.html -> {link}"
                target = "./" + target.removeprefix(base)
            path = (page.parent / target).resolve() if target else page.resolve()
            if not path.is_file() or (anchor and anchor not in ids.get(path, set())):
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def test_every_internal_link_and_asset_resolves(real_site: Path) -> None:
    assert broken_links(real_site) == []


def test_external_links_are_http(real_site: Path) -> None:
    for page in real_site.rglob("*.html"):
        for link in parse(page).links:
            scheme = urlparse(link).scheme
            assert scheme in ("", "http", "https"), f"{page}: {link}"


def test_two_builds_are_byte_identical(mini_site: Path, tmp_path: Path) -> None:
    first = tree(mini_site)  # built cold, in another folder: vl-convert draws both
    second = tree(build(copy_project(MINI, tmp_path / "b", warm=False)))
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_failed_validation_leaves_build_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(MINI, tmp_path / "p")
    before = tree(build(project))
    figures = project / "datapackages/nhs-debts/figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",GBP,", ",GBX,", 1), encoding="utf-8")
    with pytest.raises(SitegenError, match="not valid: nothing was published") as raised:
        build(project)
    out = raised.value.format_message()
    assert "datapackages/nhs-debts/figures.csv" in out and "line 2, field unit, value 'GBX'" in out
    assert tree(project / "build") == before
    assert not list(project.glob(".build-*"))


def test_unknown_shortcode_fails_naming_file_and_line(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "p")
    before = tree(build(project))
    page = project / "content/councils/cambridgeshire.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee {{ figure:no-such-figure }}.\n", encoding="utf-8")
    with pytest.raises(SitegenError) as info:
        build(project)
    problem = info.value.problems[0]  # type: ignore[attr-defined]
    assert (problem.path.endswith("content/councils/cambridgeshire.md"), problem.value) == (True, "no-such-figure")
    assert problem.line == len(page.read_text(encoding="utf-8").splitlines())
    assert tree(project / "build") == before


def test_bad_front_matter_names_file_and_line(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "p")
    (project / "content/about.md").write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    with pytest.raises(SitegenError) as info:
        build(project)
    problem = info.value.problems[0]  # type: ignore[attr-defined]
    assert problem.path.endswith("content/about.md") and problem.code == "front-matter" and problem.line >= 2


def test_project_template_overrides_the_built_in(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "p")
    (project / "templates").mkdir()
    (project / "templates/council-hartlepool.html").write_text(
        '{% extends "default:council.html" %}{% block main %}<h1>Custom {{ council.short_name }}</h1>{% endblock %}',
        encoding="utf-8")
    site = build(project)
    assert "<h1>Custom Hartlepool</h1>" in (site / "councils/hartlepool/index.html").read_text()
    assert "<h1>Cambridgeshire County Council</h1>" in (site / "councils/cambridgeshire/index.html").read_text()


def test_writer_refuses_paths_outside_and_twice(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "build")
    writer.write("a/index.html", "x")
    for bad in ("../../etc/passwd", "/etc/passwd", "a/../../x"):
        with pytest.raises(SitegenError, match="outside the output folder"):
            writer.write(bad, "x")
    with pytest.raises(SitegenError, match="twice"):
        writer.write("a/index.html", "y")
    writer.abort()
    assert not (tmp_path / "build").exists() and not list(tmp_path.iterdir())


def test_narrative_words_claims_as_claims(mini_site: Path) -> None:
    """The numbers are recomputed in test_narrative.py; here, how a claim and a change are worded."""
    html = (mini_site / "councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert "according to Cambridgeshire County Council (a claim, not an agreed figure)." in html
    assert re.search(r"NHS overdue adult social care debt rose from £[\d.]+m at 31 March 2023 to £[\d.]+m at "
                     r"31 March 2024, an increase of £[\d.]+m \(\d+%\)\.", html)


def test_council_without_figures_says_so_and_shows_no_zero(mini_site: Path) -> None:
    html = (mini_site / "councils/hartlepool/index.html").read_text(encoding="utf-8")
    assert "No figures yet" in html and "not a zero" in html
    assert "£0" not in html
    assert 'href="../../coverage/index.html"' in html


def test_real_build_cambridgeshire_figures_with_sources_and_chart(real_site: Path) -> None:
    html = (real_site / "councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert "£13m" in html and "£1.4m" in html and "£13.0m" not in html  # as precisely as the source gave it
    assert 'href="https://www.localgov.co.uk/NHS-debt-to-council-climbs-by-11m-in-a-year/60695"' in html
    assert "LocalGov, 2 July 2024" in html
    assert '<figcaption>NHS debt: Cambridgeshire</figcaption>' in html
    svg = real_site / "charts/council-cambridgeshire-nhs-debt-gbp.svg"
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    assert "Data for: NHS debt: Cambridgeshire" in html
    assert (real_site / "councils/cambridgeshire/figures.csv").read_text().count("\n") >= 10


def test_every_council_has_a_page_reachable_from_home(real_site: Path) -> None:
    home = parse(real_site / "index.html").links
    pages = [p.parent.name for p in (real_site / "councils").glob("*/index.html") if p.parent.name != "england"]
    reference = Path(__file__).resolve().parent.parent / "datapackages" / "reference"
    with (reference / "predecessors.csv").open(encoding="utf-8") as handle:
        former = {row["slug"] for row in csv.DictReader(handle)}  # abolished councils: reached from successors
    councils = [slug for slug in pages if slug not in former]
    assert len(councils) == 153 and len(pages) == 153 + len(former) == 161
    assert all(f"councils/{slug}/index.html" in home for slug in councils)
    successor = real_site / "councils/bournemouth-christchurch-and-poole/index.html"
    bcp = [link.split("#")[0] for link in parse(successor).links]
    for slug in ("borough-of-poole", "bournemouth-borough-council"):
        assert any(link.endswith(f"councils/{slug}/index.html") for link in bcp), slug


def test_downloads_exist_with_digest(real_site: Path) -> None:
    page = (real_site / "data/nhs-debts/figures/index.html").read_text(encoding="utf-8")
    digest = hashlib.sha256((real_site / "data/nhs-debts/figures.csv").read_bytes()).hexdigest()
    assert digest in page
    for name in ("nhs-debts.zip", "nhs-debts.xlsx", "datapackage.json"):
        assert (real_site / "data/nhs-debts" / name).stat().st_size > 0
    assert '"@type": "Dataset"' in (real_site / "data/nhs-debts/index.html").read_text(encoding="utf-8")


def test_metadata_files(real_site: Path) -> None:
    sitemap = (real_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "councils/cambridgeshire/</loc>" in sitemap
    assert "Sitemap:" in (real_site / "robots.txt").read_text(encoding="utf-8")
    html = (real_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html and 'rel="canonical"' in html and 'property="og:title"' in html
    assert "script-src 'self'" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html)


def test_build_leaves_no_staging_behind(mini_site: Path) -> None:
    assert not list(mini_site.parent.glob(".build-*"))


def cli_build(project: Path) -> subprocess.CompletedProcess[str]:
    """`sitegen build` as a user runs it, in the project folder."""
    return subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=project, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, check=False)


@pytest.mark.parametrize(("template", "line", "says"), [
    ('{% extends "default:home.html" %}\n{% block main %}\n{{ nosuch.attr }}\n{% endblock %}\n', 3,
     "UndefinedError: 'nosuch' is undefined"),
    ('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n', 3, "TemplateSyntaxError"),
    ('{% extends "nosuch.html" %}\n', 1, "value 'nosuch.html': no template named nosuch.html"),
])
def test_template_errors_name_file_and_line_without_traceback(tmp_path: Path, template: str, line: int,
                                                              says: str) -> None:
    project = copy_project(MINI, tmp_path / "p")
    before = tree(build(project))
    (project / "templates").mkdir()
    (project / "templates/home.html").write_text(template, encoding="utf-8")
    result = cli_build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"templates/home.html\n  line {line}" in result.stderr and says in result.stderr
    assert tree(project / "build") == before


def test_content_errors_are_printed_with_file_and_line(tmp_path: Path) -> None:
    project = copy_project(MINI, tmp_path / "p")
    (project / "content/about.md").write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
    (project / "content/councils/atlantis.md").write_text("About a council that does not exist.\n", encoding="utf-8")
    (project / "content/draft.md").write_text("A page with no place on the site.\n", encoding="utf-8")
    result = cli_build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/about.md\n  line 2: front matter is not valid YAML" in result.stderr
    (project / "content/about.md").write_text("---\ntitle: About\n---\nSee {{ figure:nope }}.\n", encoding="utf-8")
    result = cli_build(project)
    assert "content/about.md\n  line 4, field figure, value 'nope': no figure has this id" in result.stderr
    assert "content/councils/atlantis.md" in result.stderr and "no council has this slug" in result.stderr
    assert ("content/draft.md\n  line 1, field file name, value 'draft': only about, home, methodology and "
            "councils/<slug> are published") in result.stderr


def test_an_unchanged_project_is_not_rebuilt_but_a_changed_one_is(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(MINI, tmp_path / "p")
    first = tree(build(project))
    capsys.readouterr()
    build(project)
    assert capsys.readouterr().out.startswith("Up to date: ")
    (project / "build/index.html").write_text("tampered", encoding="utf-8")
    build(project)
    assert capsys.readouterr().out.startswith("Built ") and tree(project / "build") == first
    about = project / "content/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    build(project)
    assert capsys.readouterr().out.startswith("Built ")
    assert "A new sentence." in (project / "build/about/index.html").read_text(encoding="utf-8")


def test_chart_description_of_an_unchanged_series_says_so_once() -> None:
    from sitegen.site.charts.model import Chart, Point

    points = tuple(Point(label, label, "Improved BCF grant", 10_700_000, "GBP",
                         period=(date(year, 4, 1), date(year + 1, 3, 31)))
                   for label, year in (("2023-24", 2023), ("2024-25", 2024)))
    assert Chart("c", "iBCF", "time", points).description() == (
        "Improved BCF grant was £10.7m both in 2023-24 and in 2024-25.")


def test_every_chart_spec_is_valid_vega_lite(real_site: Path, mini_site: Path) -> None:
    """Builds skip Altair's schema validation for speed, so the published specs are validated here instead: one of
    each shape, where charts of a shape differ only in their data (rows, the order and colours of their
    categories, their height: asserted here), and the schema's cost is in the rest."""
    import altair as alt
    import jsonschema

    schema = alt.vegalite.v6.schema.core.load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)  # compiled once, not once a spec
    specs = sorted((real_site / "charts").glob("*.vl.json")) + sorted((mini_site / "charts").glob("*.vl.json"))
    assert len(specs) > 20
    def shape(value: object) -> object:
        """The spec without its data: its rows, the order and colours of its categories, its height."""
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items() if k not in DATA_KEYS}
        return [shape(v) for v in value] if isinstance(value, list) else value

    distinct: dict[str, tuple[str, object]] = {}
    for path in specs:
        spec = json.loads(path.read_text(encoding="utf-8"))
        data = [items for key, items in walk(spec) if key in DATA_KEYS]
        assert spec["data"]["values"] in data, path.name
        assert all(isinstance(item, dict | str) for items in data for item in items), path.name
        assert isinstance(spec["height"], int) and spec["height"] > 0, path.name
        distinct.setdefault(json.dumps(shape(spec), sort_keys=True), (path.name, spec))
    assert len(distinct) < len(specs) / 10
    invalid = {name: next(validator.iter_errors(spec), None) for name, spec in distinct.values()}
    assert {name: error.message[:200] for name, error in invalid.items() if error is not None} == {}


DATA_KEYS = ("values", "sort", "domain", "height")  # what a chart's data sets in its spec


def walk(value: object) -> Iterator[tuple[str, list[object]]]:
    """Every list in a spec, with the key it is under."""
    for key, item in value.items() if isinstance(value, dict) else []:
        if isinstance(item, list):
            yield key, item
        yield from walk(item)


def test_coverage_lists_every_warning_and_successors_say_whose_figures(real_site: Path) -> None:
    """Each tenfold jump the validator warns about is on the coverage page; a successor shows its former
    councils' figures and does not claim to have none at all."""
    from sitegen.config import load_config as settings
    from sitegen.data.model import build_model
    from sitegen.data.validate import validate_packages
    from sitegen.data.warnings import apply_warnings

    packages, _ = validate_packages(real_site.parent / "datapackages", settings(real_site.parent))
    page = (real_site / "coverage/index.html").read_text(encoding="utf-8")
    section = page[page.index('id="data-quality"'):]
    section = section[:section.index("</section>")]
    assert section.count("<li>") == len(apply_warnings(packages)) > 0
    assert "North Tyneside: Adult social care income from the Better Care Fund, 2016-17" in section
    assert "(flagged as a suspect value)" in section
    site = build_model(packages, settings(real_site.parent))
    # Dorset Council has figures of its own since the delayed transfers of May 2019: Cumberland has none yet
    cumberland = next(c for c in site.councils if c.slug == "cumberland")
    html = (real_site / "councils/cumberland/index.html").read_text(encoding="utf-8")
    assert not cumberland.figures and any(p.figures for p in cumberland.predecessors)  # the case this checks
    assert "No figures of its own yet" in html and "No figures yet" not in html
    assert "Figures for the former Cumbria County Council" in html
