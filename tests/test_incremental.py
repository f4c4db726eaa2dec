"""Incremental builds: after each edit, only what depends on it is made again, and the site equals a cold build."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, copy_project, run_here

from sitegen.build.manifest import STAMP, state_file
from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import build as build_site
from sitegen.build.reuse.record import RECORD, SEP
from sitegen.build.session import Session
from sitegen.cache import ENTRY
from sitegen.config import load_config
from sitegen.data.model import ENGLAND

Edit = Callable[[Path], None]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_csv(path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> None:
    """Rewrite a CSV through `change`, keeping its header and quoting as csv writes them."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(change(rows))
    path.write_text(out.getvalue(), encoding="utf-8")


def figures(project: Path) -> Path:
    """The news figures file of a project."""
    return project / "datapackages/nhs-debts/figures.csv"


def change_value(project: Path) -> None:
    """One figure's value, a tenth up."""
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[0]["value"] = str(int(float(rows[0]["value"]) * 1.1))
        return rows
    edit_csv(figures(project), change)


def change_quoted_value(project: Path) -> None:
    """The value of a figure a written page quotes (a shortcode): the page's text must show the new one."""
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        for row in rows:
            if row["id"] == "cambridgeshire-client-debt-overdue-31-march-2024":
                row["value"] = str(int(float(row["value"]) * 2))
        return rows
    edit_csv(figures(project), change)


def name_counterparty_and_dispute(project: Path) -> None:
    """A figure with neither an NHS body nor a dispute given both: its pages, the ICB's and the dispute's change."""
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        row = next(r for r in rows if not r["counterparty_code"] and not r["dispute"])
        row["counterparty_code"], row["counterparty_name"] = "E54000022", "NHS Norfolk and Waveney ICB"
        row["dispute"] = "cambridgeshire-overdue-nhs-debt"
        return rows
    edit_csv(figures(project), change)


def retitle_source(project: Path) -> None:
    """A source's title."""
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[0]["title"] = rows[0]["title"] + " (updated)"
        return rows
    edit_csv(project / "datapackages/nhs-debts/sources.csv", change)


def remove_figure(project: Path) -> None:
    """The last figure of the file."""
    edit_csv(figures(project), lambda rows: rows[:-1])


def copy_figure(project: Path) -> None:
    """A figure added: a copy of the first, for a later period."""
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        added = dict(rows[0], id=rows[0]["id"] + "-later", period_start="2031-04-01", period_end="2032-03-31",
                     period_label="2031-32")
        return [*rows, added]
    edit_csv(figures(project), change)


def relabel_measure(project: Path) -> None:
    """A measure's label, shown on every page that names it."""
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[0]["label"] = rows[0]["label"] + " (revised)"
        return rows
    edit_csv(project / "datapackages/nhs-debts/measures.csv", change)


def edit_page(project: Path) -> None:
    """A Markdown page."""
    page = project / "content/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence, added.\n", encoding="utf-8")


def override_template(project: Path) -> None:
    """A project template over a built-in one."""
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates/council.html").write_text(
        '{% extends "default:council.html" %}{% block main %}<p>Overridden</p>{{ super() }}{% endblock %}',
        encoding="utf-8")


def one_council_template(project: Path) -> None:
    """A template for one council's page only (tried before council.html), where there was none."""
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates/council-cambridgeshire.html").write_text(
        '{% extends "council.html" %}{% block main %}<p>Cambridgeshire alone</p>{{ super() }}{% endblock %}',
        encoding="utf-8")


def override_partial(project: Path) -> None:
    """A project template over a built-in partial, which some pages include."""
    (project / "templates/partials").mkdir(parents=True, exist_ok=True)
    (project / "templates/partials/council_places.html").write_text(
        '<dt>Places</dt><dd>Overridden</dd>', encoding="utf-8")


def retitle_site(project: Path) -> None:
    """The site's title, in sitegen.toml (on every page)."""
    settings = project / "sitegen.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('title = "', 'title = "Edited: ', 1), encoding="utf-8")


EDITS: list[Edit] = [change_value, edit_page, change_quoted_value, name_counterparty_and_dispute, retitle_source,
                     remove_figure, copy_figure, relabel_measure, edit_page, override_template, one_council_template,
                     override_partial, retitle_site]


@pytest.fixture(scope="module")
def session() -> Session:
    """One session for every build of the edited project, as `sitegen serve` keeps one: nothing it keeps may go
    stale."""
    return Session()


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory, session: Session) -> Path:
    """The mini project, built once, to be edited step by step (its own cache: the record is per project)."""
    project = copy_project(MINI, tmp_path_factory.mktemp("incremental"))
    build_site(load_config(project), session=session)
    return project


def test_every_edit_gives_the_cold_build(incremental: Path, session: Session, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """After each edit in turn, the incremental build (in one session) is byte for byte a cold build of the same
    inputs: a new project folder, whose every page is rendered (charts and downloads from the content-addressed
    cache), and after the last edit a forced build, which reads no cache at all."""
    capsys.readouterr()
    for n, edit in enumerate(EDITS):
        edit(incremental)
        build_site(load_config(incremental), session=session)
        said = capsys.readouterr().out
        assert said.startswith("Built "), said
        cold = tmp_path / f"cold-{n}"
        shutil.copytree(incremental, cold, ignore=shutil.ignore_patterns("build", ".cache"))
        build_site(load_config(cold), BuildOptions(force=n == len(EDITS) - 1))
        said = capsys.readouterr().out
        assert said.startswith("Built ") and "(0 of them unchanged" in said, said
        assert tree(incremental / "build") == tree(cold / "build"), f"after {edit.__name__}"


def pages_made(said: str) -> int:
    """Pages rendered again, from the build's summary `Built N pages (M of them unchanged, copied)`."""
    words = said.split()
    return int(words[1]) - int(words[3].lstrip("("))


def rebuild(project: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], dict[str, bytes]]:
    """Edit a built project and build it again: pages rendered again, pages whose HTML changed, the new site."""
    before = tree(project / "build")
    capsys.readouterr()
    edit(project)
    build_site(load_config(project))
    made = pages_made(capsys.readouterr().out)
    after = tree(project / "build")
    return made, sorted(p for p in after if p.endswith(".html") and after[p] != before.get(p)), after


def council_slugs(project: Path) -> dict[str, str]:
    """Council code -> slug, from the project's reference data."""
    with (project / "datapackages/reference/councils.csv").open(encoding="utf-8") as handle:
        return {c["code"]: c["slug"] for c in csv.DictReader(handle)}


def few_pages_again(tmp_path: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> tuple[Path, list[str]]:
    """Build the mini site, edit it, build again: fewer than half the pages are rendered again, and every page
    whose HTML changed is one of them (the others were linked, unread). The project and the changed pages."""
    project = copy_project(MINI, tmp_path / "project")
    build_site(load_config(project))
    made, changed, after = rebuild(project, edit, capsys)
    assert 0 < made < len([p for p in after if p.endswith(".html")]) / 2
    assert len(changed) <= made
    return project, changed


def test_a_changed_value_redraws_only_the_pages_that_show_it(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A value: its council, its measure and the pages listing every figure; not the other councils."""
    project, changed = few_pages_again(tmp_path, change_value, capsys)
    row = next(csv.DictReader(figures(project).open(encoding="utf-8")))
    assert f"councils/{council_slugs(project)[row['area_code']]}/index.html" in changed
    assert f"measures/{row['measure']}/index.html" in changed


def change_disputed_value(project: Path) -> None:
    """The first figure that belongs to a dispute, a tenth up."""
    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        row = next(r for r in rows if r["dispute"])
        row["value"] = str(int(float(row["value"]) * 1.1))
        return rows
    edit_csv(figures(project), change)


def test_a_disputed_value_renders_again_only_the_pages_that_show_it(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Every page's menu links the disputes: a disputed figure's value must not make every page render again,
    and its dispute's page shows it."""
    project, changed = few_pages_again(tmp_path, change_disputed_value, capsys)
    row = next(r for r in csv.DictReader(figures(project).open(encoding="utf-8")) if r["dispute"])
    assert f"disputes/{row['dispute']}/index.html" in changed


def test_a_template_edit_renders_again_only_the_pages_that_load_it(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Each page records the templates it loads (and those it looked for and found missing): a template added or
    edited renders again the pages that load it, or would now, and no other."""
    project = copy_project(MINI, tmp_path / "project")
    build_site(load_config(project))
    made, changed, after = rebuild(project, one_council_template, capsys)
    assert made == 1 and changed == ["councils/cambridgeshire/index.html"]
    assert b"Cambridgeshire alone" in after["councils/cambridgeshire/index.html"]
    # council.html: every council's page loads it (Cambridgeshire's through its own), and no other page
    made, changed, after = rebuild(project, override_template, capsys)
    assert changed == sorted(f"councils/{slug}/index.html" for slug in council_slugs(project).values())
    assert made == len(changed) and all(b"Overridden" in after[p] for p in changed)


def test_an_unchanged_page_is_linked_not_written(tmp_path: Path) -> None:
    """A page nothing changed for is the same file as before (a hard link), so no bytes were written."""
    project = copy_project(MINI, tmp_path / "project")
    build_site(load_config(project))
    before = os.stat(project / "build/about/index.html").st_ino
    change_value(project)
    build_site(load_config(project))
    assert os.stat(project / "build/about/index.html").st_ino == before


COUNTING = ["index.html", "coverage/index.html", "measures/index.html", "councils/index.html", "icbs/index.html"]


def test_pages_that_show_how_many_figures_there_are_depend_on_the_counts_not_the_figures(tmp_path: Path) -> None:
    """The home, coverage, measures, councils and ICBs pages show how many figures each council, measure or ICB
    has, never their values: their record names no council's figure (a changed value leaves them unread; the home
    page shows the national figures), and a figure added renders them again with the new count."""
    project = copy_project(MINI, tmp_path / "project")
    build_site(load_config(project))
    body = json.loads(state_file(load_config(project), RECORD).read_text(encoding="utf-8"))
    rows = list(csv.DictReader(figures(project).open(encoding="utf-8")))
    national = {row["id"] for path in sorted((project / "datapackages").glob("*/figures.csv"))
                for row in csv.DictReader(path.open(encoding="utf-8")) if row["area_code"] == ENGLAND}
    for page in COUNTING:
        named = [body["objects"][int(n)].split(SEP) for n in body["pages"][page]["objects"].split(",") if n]
        assert [key for kind, key in named if kind == "figure" and key not in national] == [], page

    def count(measure: str) -> int:
        shown = (project / "build/measures/index.html").read_text(encoding="utf-8")
        found = re.search(rf'measures/{measure}/index.html">[^<]+</a> \((\d+)\)', shown)
        assert found is not None, shown
        return int(found.group(1))

    measure = rows[0]["measure"]
    counted = count(measure)
    copy_figure(project)
    build_site(load_config(project))
    assert count(measure) == counted + 1


def test_a_page_edited_in_build_is_written_again(tmp_path: Path) -> None:
    """Someone edits a file in build/: the next build does not trust it, and writes it whole."""
    project = copy_project(MINI, tmp_path / "project")
    build_site(load_config(project))
    page = project / "build/about/index.html"
    good = page.read_bytes()
    with page.open("r+b") as handle:  # in place, as an editor might
        handle.write(b"<!-- edited -->")
    change_value(project)
    build_site(load_config(project))
    assert (project / "build/about/index.html").read_bytes() == good


def cold_tree(project: Path, cold: Path) -> dict[str, bytes]:
    """What a forced build of the project's sources alone (no build, no cache), copied to cold, makes."""
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns("build", ".cache"))
    build_site(load_config(cold), BuildOptions(force=True))
    return tree(cold / "build")


def test_the_spare_site_is_not_trusted(tmp_path: Path) -> None:
    """What lies in the kept spare site (a planted file, a link out, a page since removed) never reaches build/."""
    project = copy_project(MINI, tmp_path / "project")
    build_site(load_config(project))
    change_value(project)
    build_site(load_config(project))  # the first site is now the spare
    spare = state_file(load_config(project), "spare", "")
    assert (spare / "index.html").is_file()
    (spare / "planted.html").write_text("<p>planted</p>", encoding="utf-8")
    (spare / "councils/planted").mkdir()
    (spare / "councils/planted/index.html").write_text("<p>planted</p>", encoding="utf-8")
    os.symlink(tmp_path, spare / "about/outside")
    (spare / "methodology/index.html").unlink()
    (spare / "methodology/index.html").symlink_to(tmp_path / "elsewhere.html")
    (spare / "about/index.html").unlink()  # a folder where a page goes, and a file where a folder goes
    (spare / "about/index.html").mkdir()
    (spare / "about/index.html/planted.html").write_text("<p>planted</p>", encoding="utf-8")
    shutil.rmtree(spare / "coverage")
    (spare / "coverage").write_text("<p>planted</p>", encoding="utf-8")
    os.mkfifo(spare / "fifo")
    remove_figure(project)
    build_site(load_config(project))
    assert tree(project / "build") == cold_tree(project, tmp_path / "cold")
    assert not [p for p in (project / "build").rglob("*") if p.is_symlink()]
    assert not (tmp_path / "elsewhere.html").exists()


def test_a_topic_shared_by_packages_is_one_topic(real_site: Path) -> None:
    """The real packages share topic `bcf`: the coverage page lists it once (one section, one page of its own)."""
    page = (real_site / "coverage/index.html").read_text(encoding="utf-8")
    assert page.count('id="topic-bcf"') == page.count('href="../coverage/bcf/index.html"') == 1
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_a_damaged_record_only_costs_time(tmp_path: Path) -> None:
    """A record torn or garbled in the cache makes the next build render every page, never fail or go stale."""
    project = copy_project(MINI, tmp_path / "project")
    build_site(load_config(project))
    record = state_file(load_config(project), RECORD)
    body = json.loads(record.read_text(encoding="utf-8"))
    body["reads"] = ["no separator here"] * len(body["reads"])
    body["objects"] = ["no separator here"] * len(body["objects"])
    record.write_text(json.dumps(body), encoding="utf-8")
    change_value(project)
    build_site(load_config(project))
    record.write_text('{"format": 4, "pages": ', encoding="utf-8")
    change_value(project)
    build_site(load_config(project))
    assert tree(project / "build") == cold_tree(project, tmp_path / "cold")


def test_build_state_nested_too_deep_to_read_only_costs_time(tmp_path: Path) -> None:
    """Every JSON file the build keeps beside its cache entries (stamp, manifest, record, the entries' used-by lists)
    nested past what json reads: the next build and `validate` read none of it, and make the cold build."""
    project = copy_project(MINI, tmp_path / "project", warm=False)
    build_site(load_config(project))
    kept = [path for path in (project / ".cache").rglob("*.json") if not ENTRY.fullmatch(path.name)]
    assert {STAMP, "used-by"} <= {path.name if path.name == STAMP else path.name[:7] for path in kept}
    for path in kept:
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert run_here(project, "validate", "-q").returncode == 0
    change_value(project)
    build_site(load_config(project))
    assert tree(project / "build") == cold_tree(project, tmp_path / "cold")


def test_a_preview_shows_an_edit_and_the_follow_up_build_completes_it(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`sitegen serve` previews an edit (pages and charts made; downloads and search index carried from the last
    build), then completes it: the complete site is byte for byte a cold build."""
    project, session = copy_project(MINI, tmp_path / "project"), Session()  # serve's
    build_site(load_config(project), session=session)
    before = tree(project / "build")
    capsys.readouterr()

    def change(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows[0]["value"] = "12345678"  # a value no other test makes, so no download for it is in the shared cache
        return rows
    edit_csv(figures(project), change)
    assert build_site(load_config(project), BuildOptions(preview=True), session) is False
    assert capsys.readouterr().out.startswith("Previewed ")
    preview = tree(project / "build")
    row = next(csv.DictReader(figures(project).open(encoding="utf-8")))
    page = f"measures/{row['measure']}/index.html"
    assert preview[page] != before[page]
    carried = [p for p in before if p.startswith("pagefind/") or p.endswith((".zip", ".xlsx"))]
    assert carried and all(preview[p] == before[p] for p in carried)

    assert build_site(load_config(project), BuildOptions(), session) is True
    assert capsys.readouterr().out.startswith("Built ")  # a preview is never taken for an up-to-date site
    after = tree(project / "build")
    assert after["data/nhs-debts/nhs-debts.zip"] != before["data/nhs-debts/nhs-debts.zip"]
    assert after == cold_tree(project, tmp_path / "cold")


def test_a_process_after_a_preview_alone_still_makes_the_cold_build(tmp_path: Path) -> None:
    """`sitegen serve` stopped after a preview, before its follow-up build: the preview's page record was kept by
    the session alone, and the next process, reading the older one, still makes exactly the cold build."""
    project, session = copy_project(MINI, tmp_path / "project"), Session()
    build_site(load_config(project), session=session)
    record = state_file(load_config(project), RECORD)
    written = record.read_bytes()
    change_value(project)
    assert build_site(load_config(project), BuildOptions(preview=True), session) is False
    assert record.read_bytes() == written
    build_site(load_config(project))  # a new process, with a session of its own
    assert tree(project / "build") == cold_tree(project, tmp_path / "cold")


def test_previews_in_a_row_each_show_the_cold_builds_pages(tmp_path: Path) -> None:
    """`sitegen serve` previews edit after edit with no follow-up build between them: each preview's page record
    is kept by the session alone, numbered on from the last one's. Every preview's pages are the cold build's,
    and the build that follows makes the cold build whole."""
    project, session = copy_project(MINI, tmp_path / "project"), Session()
    build_site(load_config(project), session=session)
    cold = tmp_path / "cold"
    for n, edit in enumerate(EDITS):
        edit(project)
        assert build_site(load_config(project), BuildOptions(preview=True), session) is False, edit.__name__
        cold = tmp_path / f"cold-{n}"
        shutil.copytree(project, cold, ignore=shutil.ignore_patterns("build", ".cache"))
        build_site(load_config(cold))
        previewed, wanted = tree(project / "build"), tree(cold / "build")
        pages = sorted(p for p in wanted if p.endswith(".html"))
        assert [previewed.get(p) for p in pages] == [wanted[p] for p in pages], f"after {edit.__name__}"
    assert build_site(load_config(project), BuildOptions(), session) is True
    assert tree(project / "build") == tree(cold / "build")


def test_value_objects_hashed_by_their_repr_hold_only_plain_values() -> None:
    """The build hashes a value object by its repr only when it holds plain values: a model object inside one
    would escape the record, and a hand-written repr may leave fields out."""
    import dataclasses

    from sitegen.build.reuse.canon import plain_type
    from sitegen.publish.extras import Publishing
    from sitegen.site.charts.model import Chart, Point
    from sitegen.site.compare import Period, Spread

    known: dict[type, bool] = {}
    assert all(plain_type(cls, known) for cls in (Point, Spread, Publishing))
    assert not plain_type(Period, known)  # holds the measure and figures: walked, each read traced
    assert not plain_type(Chart, known)  # hashed by the parts it lists, never by its repr

    @dataclasses.dataclass(frozen=True)
    class Labelled:
        name: str

        def __repr__(self) -> str:
            return "Labelled"  # leaves the name out: two different values would hash alike

    @dataclasses.dataclass
    class Mutable:
        name: str

    assert not plain_type(Labelled, known) and not plain_type(Mutable, known)


def test_a_map_in_a_planned_value_is_hashed_by_every_hex() -> None:
    """A value object holding others (a map and its hexes, on a measure's period page) is hashed by every field of
    each (HexMap.canonical_parts): any field of the map or of a hex changed changes the page's hash."""
    import dataclasses

    from sitegen.build.reuse.canon import Canon
    from sitegen.site.maps import Cell, HexMap

    @dataclasses.dataclass(frozen=True)
    class Shown:
        ranked: list[int]
        hexmap: HexMap | None

    cell = Cell("E10000016", "Kent", "councils/kent/", "0,0 1,1", 2, "£13.0m")
    hexmap = HexMap("map-debt", "Debt", "One hex per council.", (cell,), ("low", "high"), "no figure", 10.0, 10.0)

    def hashed(shown: HexMap) -> object:
        return Canon().plain(Shown([1, 2], shown), 0, True)

    other: dict[type, Any] = {str: "other", int: 7, float: 11.5, tuple: ("other",)}
    changed = [dataclasses.replace(hexmap, cells=(dataclasses.replace(cell, **{f.name: other[type(getattr(cell,
               f.name))]}),)) for f in dataclasses.fields(Cell)]
    changed += [dataclasses.replace(hexmap, **{f.name: other[type(getattr(hexmap, f.name))]})
                for f in dataclasses.fields(HexMap) if f.name != "cells"]
    changed += [dataclasses.replace(hexmap, cells=(cell, cell)), dataclasses.replace(hexmap, cells=(
        dataclasses.replace(cell, band=None),))]
    assert hashed(hexmap) == hashed(dataclasses.replace(hexmap))
    assert len({hashed(hexmap), *map(hashed, changed)}) == len(changed) + 1  # each field of each hex counts


def test_a_session_keeps_what_an_edit_left_unchanged(tmp_path: Path) -> None:
    """`sitegen serve` builds in one session: after an edit to one CSV, no other CSV is parsed again, no other
    package checked again, and no template compiled again."""
    project, session = copy_project(MINI, tmp_path / "project"), Session()
    build_site(load_config(project), session=session)
    parsed, checked = dict(session.data.parsed.entries), dict(session.data.checked.entries)
    envs = dict(session.envs)
    change_value(project)
    build_site(load_config(project), session=session)
    edited = figures(project).resolve()
    assert edited in parsed and session.data.parsed.entries[edited] is not parsed[edited]
    assert [p for p, entry in parsed.items() if session.data.parsed.entries[p] is not entry] == [edited]
    assert [p.parent.name for p, entry in checked.items() if session.data.checked.entries[p] is not entry] == [
        "nhs-debts"]
    assert envs and session.envs == envs


def test_a_session_models_and_plans_the_data_once_while_only_pages_and_templates_change(tmp_path: Path) -> None:
    """`sitegen serve`: an edit of a council's written page or of a template shows on the page, with the data
    neither modelled nor planned again; an edit of the data does both again, and shows too."""
    project, session = copy_project(MINI, tmp_path / "project"), Session()
    build_site(load_config(project), session=session)
    site, planned = session.plan.site, session.plan.data
    page = project / "content/councils/cambridgeshire.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA sentence written after the first build.\n",
                    encoding="utf-8")
    build_site(load_config(project), session=session)
    shown = (project / "build/councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert "A sentence written after the first build." in shown
    assert session.plan.site is site and session.plan.data is planned
    override_template(project)
    build_site(load_config(project), session=session)
    assert "<p>Overridden</p>" in (project / "build/councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    assert session.plan.site is site and session.plan.data is planned
    one_council_template(project)  # looked for, and missing, on every build before: found now
    build_site(load_config(project), session=session)
    assert "<p>Cambridgeshire alone</p>" in (project / "build/councils/cambridgeshire/index.html").read_text(
        encoding="utf-8")
    assert "Cambridgeshire alone" not in (project / "build/councils/hartlepool/index.html").read_text(encoding="utf-8")
    change_value(project)
    build_site(load_config(project), session=session)
    assert session.plan.site is not site and session.plan.data is not planned
    assert "A sentence written after the first build." in (
        project / "build/councils/cambridgeshire/index.html").read_text(encoding="utf-8")


def test_properties_recorded_as_own_fields_read_nothing_else() -> None:
    """The properties the record counts as their object's own fields (record.OWN) show the same text when every
    text of every object the object links to changes: a page showing one is rendered again only when the object
    itself changes, and that is enough."""
    import dataclasses

    from sitegen.build.reuse.record import OWN
    from sitegen.data.model import Figure, build_model
    from sitegen.data.validate import validate_packages

    packages, problems = validate_packages(MINI / "datapackages")
    assert not problems
    site = build_model(packages, load_config(MINI))
    objects = [*site.figures, *site.sources]
    before = [[getattr(o, name) for name in sorted(OWN[type(o)])] for o in objects]
    linked_objects: list[Any] = [*site.councils, site.england, *site.icbs, *site.measures, *site.topics,
                                 *site.sources]
    for linked in linked_objects:
        for field in dataclasses.fields(linked):
            if isinstance(getattr(linked, field.name), str):
                setattr(linked, field.name, getattr(linked, field.name) + " (changed)")
    assert [[getattr(o, name) for name in sorted(OWN[type(o)])] for o in objects] == before
    figure = site.figures[0]
    assert isinstance(figure, Figure) and figure.value_text != dataclasses.replace(figure, value=figure.value * 3 + 1,
                                                                                   precision=None).value_text


def test_a_figure_is_valued_in_the_record_by_every_field_it_has() -> None:
    """The record values a figure by its published digest (sitegen.publish.fingerprint) and the fields that digest
    leaves out: a change to any one field of a figure changes its value, so every page that read it is rendered
    again. A field added to Figure and to neither side fails here."""
    import dataclasses
    from datetime import timedelta

    from sitegen.build.pipeline import read_project
    from sitegen.build.reuse.canon import Canon
    from sitegen.build.reuse.record import figure_value
    from sitegen.data.disputes import Dispute
    from sitegen.data.model import Figure
    from sitegen.publish.fingerprint import figure_digest

    site, _, _ = read_project(load_config(MINI), Session())
    base = next(f for f in site.figures if f.counterparty is not None and f.dispute is None)
    other_area = next(a for a in site.councils if a is not base.area)
    other_icb = next(i for i in site.icbs if i is not base.counterparty)
    changed: dict[str, Any] = {
        "area": other_area, "measure": next(m for m in site.measures if m is not base.measure),
        "source": next(s for s in site.sources if s is not base.source), "counterparty": other_icb,
        "value": base.value + 1, "period_start": base.period_start - timedelta(days=1),
        "period_end": base.period_end + timedelta(days=1), "counterparty_inferred": not base.counterparty_inferred,
        "precision": (base.precision or 1.0) * 10,
        "dispute": Dispute("d-1", "A dispute", ["A", "B"], None, "open", "")}
    strings = [f.name for f in dataclasses.fields(Figure) if f.name not in changed]
    changed |= {name: f"{getattr(base, name)}x" for name in strings}
    assert set(changed) == {f.name for f in dataclasses.fields(Figure)}

    def value(f: Figure) -> str:
        return figure_value(Canon(), f, figure_digest(f))

    before = value(base)
    assert value(dataclasses.replace(base)) == before
    for name, new in changed.items():
        assert value(dataclasses.replace(base, **{name: new})) != before, name


def test_a_position_is_known_in_the_record_by_every_field_it_has() -> None:
    """A council's position in a period is hashed by the parts it lists (Position.canonical_parts), not walked
    field by field: a change to any one field, or to a field of its spreads or rate per head, changes its hash,
    so the pages that show it are rendered again. A field added to any of them and left out fails here."""
    import dataclasses

    from sitegen.build.pipeline import read_project
    from sitegen.build.reuse.canon import Canon
    from sitegen.data.population import PerHead
    from sitegen.site.compare import Period, Position, Spread

    site, _, _ = read_project(load_config(MINI), Session())
    figure, other = site.figures[0], site.figures[1]
    period = Period(figure.measure, figure.period_label, (figure,), ())
    spread, head = Spread(3, 1.0, 0.5, 1.5), PerHead(1.0, 100, 2019, 2019, ("a",), "GBP")
    base = Position(figure, period, 1, 0, 3, head, spread, spread, spread, 3)

    def hashed(p: Position) -> Any:
        return Canon().shallow([p])

    assert hashed(dataclasses.replace(base)) == hashed(base)
    changed: dict[str, Any] = {
        "figure": other, "period": Period(figure.measure, "another", (figure,), ()), "rank": 2, "lower": 1, "of": 4,
        "per_head": None, "region": None, "same_type": Spread(4, 1.0, 0.5, 1.5), "neighbours": None,
        "neighbours_with_figure": 2}
    assert set(changed) == {f.name for f in dataclasses.fields(Position)}
    for name, value in changed.items():
        assert hashed(dataclasses.replace(base, **{name: value})) != hashed(base), name
    heads: dict[str, Any] = {"value": 2.0, "population": 101, "mid_year": 2018, "wanted": 2020, "made_of": ("b",),
                             "unit": "count"}
    assert set(heads) == {f.name for f in dataclasses.fields(PerHead)}
    for name, value in heads.items():
        moved = dataclasses.replace(base, per_head=dataclasses.replace(head, **{name: value}))
        assert hashed(moved) != hashed(base), name
    spreads: dict[str, Any] = {"count": 4, "median": 1.1, "lower_quartile": 0.6, "upper_quartile": 1.6}
    assert set(spreads) == {f.name for f in dataclasses.fields(Spread)}
    for which in ("region", "same_type", "neighbours"):
        for name, value in spreads.items():
            moved_spread: Any = dataclasses.replace(spread, **{name: value})
            moved = dataclasses.replace(base, **{which: moved_spread})
            assert hashed(moved) != hashed(base), (which, name)
