"""`sitegen serve`'s first look at a data edit: the pages open in a browser are planned and made alone, exactly as
the whole build makes them, and every other file is carried over for the follow-up build."""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, ROOT, copy_project

from sitegen.build.options import BuildOptions
from sitegen.build.pipeline import build, read_project
from sitegen.build.reuse.canon import Canon
from sitegen.build.reuse.record import planned_digest
from sitegen.build.session import Session
from sitegen.config import load_config
from sitegen.data.model import Site
from sitegen.errors import ProblemsFound
from sitegen.serve.server import watched_page
from sitegen.site import compare, plan
from sitegen.site.page import PageSpec
from sitegen.site.plan import DataPlan, plan_data

PAGE = "councils/cambridgeshire/index.html"


def digests(plan: DataPlan, canon: Canon) -> dict[str, str]:
    """Each planned page's digest, as the page record compares them, by path; what a page makes when it is rendered
    (a measure's rankings and maps) made and hashed with the rest."""
    def one(spec: PageSpec) -> str:
        return planned_digest(canon, spec.path, spec.templates, spec.title, spec.description, spec.whole_context(),
                              spec.charts)
    return {spec.path: one(spec) for spec in (*plan.before, *plan.after)}


@pytest.mark.parametrize("project", [MINI, ROOT], ids=["mini", "real"])
def test_the_pages_planned_alone_are_those_the_whole_plan_holds(project: Path) -> None:
    """Every page of the mini project, and on the real one a council with monthly figures, an abolished council and
    a council that succeeded one, a measure and one of its periods, the home page and the 404 page: each planned
    alone is planned as the whole site plans it (its context's digest, positions and medians among them)."""
    with tempfile.TemporaryDirectory(prefix="open-") as copy:
        site = read_project(load_config(copy_project(project, Path(copy))), Session())[0]
    canon = Canon()
    whole = digests(plan_data(site), canon)
    if project == MINI:
        asked = [{path} for path in whole] + [set(whole)]
    else:
        former = next(p for p in site.predecessors if p.figures)
        successor = next(c for c in site.councils if any(p.figures for p in c.predecessors))  # compares its former
        monthly = next(m for m in site.measures if m.id.startswith("dtoc-"))
        period = next(p for p in whole if p.startswith(f"measures/{monthly.id}/") and p.count("/") == 3)
        asked = [{PAGE}, {f"councils/{former.slug}/index.html"}, {f"councils/{successor.slug}/index.html"},
                 {f"measures/{monthly.id}/index.html", period}, {"index.html", "404.html"}]
    for wanted in asked:
        alone = digests(plan_data(site, frozenset(wanted)), canon)
        assert set(alone) == wanted
        assert {path: alone[path] for path in wanted} == {path: whole[path] for path in wanted}, wanted


def test_rates_and_medians_taken_over_from_the_last_model_are_those_worked_out_afresh(tmp_path: Path) -> None:
    """`sitegen serve` keeps each period's rates and medians from model to model, by what they are worked out from.
    After a monthly figure's value changes, in the same place of its month (its period's rates and medians are
    worked out again all the same), then after a population is revised (every period that council is in): every
    page of the real site is planned as with nothing kept, and the other periods were taken over."""
    project = copy_project(ROOT, tmp_path / "project")
    derived: dict[str, Any] = {}
    plan_data(read_project(load_config(project), Session())[0], None, derived)

    monthly = project / "datapackages/delayed-transfers/figures.csv"
    lines = monthly.read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines[1:]))
    months: dict[tuple[str, str], list[int]] = {}
    for cells in rows:
        months.setdefault((cells[6], cells[11]), []).append(int(cells[7]))
    # one more day in a month where no council is next above it: the order stays, the rate and medians change
    row = next(cells for cells in rows if cells[0].startswith("cambridgeshire-delayed-days-both-")
               and all(v > int(cells[7]) + 1 or v <= int(cells[7]) for v in months[cells[6], cells[11]])
               and max(months[cells[6], cells[11]]) > int(cells[7]))
    at = next(i for i, line in enumerate(lines) if line.startswith(row[0] + ","))
    value, shown = row[7], str(int(row[7]) + 1)  # and as published: a rule checks one against the other
    lines[at] = lines[at].replace(f",{value},count,", f",{shown},count,").replace(f",1,{value},days,",
                                                                                  f",1,{shown},days,")
    monthly.write_text("\n".join(lines) + "\n", encoding="utf-8")
    site = read_project(load_config(project), Session())[0]
    assert site.by_id[row[0]].value == int(shown)
    assert assert_taken_over_as_fresh(site, derived) == 1  # the edited month alone

    populations = project / "datapackages/reference/populations.csv"
    lines = populations.read_text(encoding="utf-8").splitlines()
    norfolk = next(i for i, line in enumerate(lines) if line.startswith("E10000020,2012,"))
    lines[norfolk] = re.sub(r"^(E10000020,2012,)(\d+)", lambda m: f"{m[1]}{int(m[2]) * 3}", lines[norfolk])
    populations.write_text("\n".join(lines) + "\n", encoding="utf-8")
    site = read_project(load_config(project), Session())[0]
    every = sum(len(periods) for periods in compare.all_periods(site.measures, site.councils).values())
    assert 1 < assert_taken_over_as_fresh(site, derived) < every  # the periods that rank Norfolk per head


def test_a_page_planned_alone_works_out_only_the_months_it_compares(tmp_path: Path) -> None:
    """A council's page planned alone (serve's preview of a data edit) works out, of each delayed-transfer measure,
    only the latest month (the one month its page compares), and keeps those months' rates and medians beside the
    ones a whole plan kept; the next whole plan, taking them over, is the whole plan made with nothing kept, and
    keeps one entry a month again."""
    project = copy_project(ROOT, tmp_path / "project")
    site = read_project(load_config(project), Session())[0]
    derived: dict[str, Any] = {}
    plan_data(site, None, derived)
    months = {m.id: len(derived[m.id]) for m in site.measures if m.id.startswith("delayed-days-")}
    # one kept entry a month of the data (every council reports every month), recounted from the CSV
    rows = list(csv.DictReader((project / "datapackages/delayed-transfers/figures.csv").open(encoding="utf-8")))
    assert months == {m: len({r["period_label"] for r in rows if r["measure"] == m}) for m in months}
    assert all(n > 1 for n in months.values())
    worked: list[dict[str, int]] = []

    def counted(measures: list[Any], councils: list[Any], only: Any = None) -> dict[str, list[compare.Period]]:
        found = compare.all_periods(measures, councils, only)
        worked.append({key: len(periods) for key, periods in found.items()})
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plan, "all_periods", counted)
        site = read_project(load_config(project), Session())[0]  # a new model, as after an edit
        plan_data(site, frozenset({PAGE}), derived)
    assert {key: worked[0][key] for key in months} == dict.fromkeys(months, 1)
    assert {m: len(derived[m]) for m in months} == months  # the same months' content: nothing added
    canon = Canon()
    assert digests(plan_data(site, None, derived), canon) == digests(plan_data(site), canon)
    assert {m: len(derived[m]) for m in months} == months


def assert_taken_over_as_fresh(site: Site, derived: dict[str, Any]) -> int:
    """Every page planned with what derived keeps is planned as with nothing kept; how many periods were not taken
    over."""
    taken: list[int] = []

    def counted(periods: dict[str, list[compare.Period]], before: compare.Derived) -> int:
        taken.append(compare.take_over(periods, before))
        return taken[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plan, "take_over", counted)
        canon = Canon()
        assert digests(plan_data(site, None, derived), canon) == digests(plan_data(site), canon)
    every = sum(len(periods) for periods in compare.all_periods(site.measures, [*site.councils, *site.predecessors])
                .values())
    return every - taken[0]


def test_a_data_edit_makes_the_open_page_as_the_whole_build_does_and_carries_the_rest(tmp_path: Path) -> None:
    """After a figure's value changes, the preview of the open council page shows it, byte for byte as the whole
    build then makes that page; every other file is the last build's, listed as carried (so a request for it waits
    for the follow-up build), but for the files the page loads; the next build is not skipped."""
    project = copy_project(MINI, tmp_path / "project")
    config, session = load_config(project), Session()
    build(config, BuildOptions(background=True), session)
    before = {p.relative_to(project / "build").as_posix(): p.read_bytes()
              for p in (project / "build").rglob("*") if p.is_file() and not p.name.startswith(".")}
    figures = project / "datapackages/nhs-debts/figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",13000000,", ",13000007,"), encoding="utf-8")

    carried: list[frozenset[str]] = []
    complete = build(config, BuildOptions(background=True, preview=True, only=frozenset({PAGE}),
                                          swapped=carried.append), session)
    shown = (project / "build" / PAGE).read_bytes()
    assert complete is False and "£13,000,007".encode() in shown
    assert len(carried) == 1 and PAGE not in carried[0]
    made = set(before) - carried[0]  # the page, its charts, and the style sheets and scripts every page loads
    assert {path for path in before if path.startswith("static/")} | {PAGE} <= made
    assert all(path.startswith(("static/", "charts/council-cambridgeshire-")) for path in made - {PAGE}), made
    assert any(path.startswith("charts/council-cambridgeshire-") for path in made)
    measure = "measures/nhs-overdue-asc-debt/index.html"
    assert (project / "build" / measure).read_bytes() == before[measure]  # the last build's, until the follow-up

    assert build(config, BuildOptions(background=True), session) is True  # not skipped: the site is not complete
    assert (project / "build" / PAGE).read_bytes() == shown
    assert "£13,000,007".encode() in (project / "build" / measure).read_bytes()


def test_a_template_edit_makes_the_open_page_from_the_plan_held_and_leaves_the_others_to_follow(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With the session's plan held (the data unchanged), an edit of the council template makes the open council
    page alone, from that plan, byte for byte as the whole build does; the other councils' pages follow."""
    project = copy_project(MINI, tmp_path / "project")
    config, session = load_config(project), Session()
    build(config, BuildOptions(background=True), session)
    (project / "templates").mkdir(exist_ok=True)
    council = (ROOT / "templates/council.html").read_text(encoding="utf-8")
    assert "<h1>{{ council.name }}</h1>" in council
    (project / "templates/council.html").write_text(
        council.replace("<h1>{{ council.name }}</h1>", "<h1>{{ council.name }}</h1><p>A template edit.</p>", 1),
        encoding="utf-8")
    capsys.readouterr()
    build(config, BuildOptions(background=True, preview=True, only=frozenset({PAGE})), session)
    assert capsys.readouterr().out.startswith("Previewed 1 open page in ")
    shown = (project / "build" / PAGE).read_bytes()
    assert b"A template edit." in shown
    other = project / "build/councils/norfolk/index.html"
    assert b"A template edit." not in other.read_bytes()  # the last build's, until the follow-up
    build(config, BuildOptions(background=True), session)
    assert (project / "build" / PAGE).read_bytes() == shown and b"A template edit." in other.read_bytes()


def test_a_page_no_data_plan_holds_is_previewed_with_every_page(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """An open page the data's plan does not make (the changes page) leaves the preview as it was: every page."""
    project = copy_project(MINI, tmp_path / "project")
    config, session = load_config(project), Session()
    build(config, BuildOptions(background=True), session)
    figures = project / "datapackages/nhs-debts/figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",13000000,", ",13000007,"), encoding="utf-8")
    capsys.readouterr()
    build(config, BuildOptions(background=True, preview=True, only=frozenset({"changes/index.html"})), session)
    said = capsys.readouterr().out
    assert said.startswith("Previewed ") and "open page" not in said, said
    assert "£13,000,007" in (project / "build" / "measures/nhs-overdue-asc-debt/index.html").read_text("utf-8")


@pytest.mark.parametrize(("target", "page"), [
    ("/__sitegen/events?page=%2Fcouncils%2Fcambridgeshire%2F", PAGE),
    ("/__sitegen/events?page=%2F", "index.html"),
    ("/__sitegen/events?page=%2Fabout%2Findex.html", "about/index.html"),
    ("/__sitegen/events", ""),  # an older page's script: no page named
    ("/__sitegen/events?page=%2F.sitegen-output", ""),  # never a dotfile
    ("/__sitegen/events?page=%2Fa%00b", ""),  # nor a control character
])
def test_the_page_a_browser_watches_is_the_file_it_shows(target: str, page: str) -> None:
    assert watched_page(target) == page


def test_no_staging_is_left_when_the_preview_of_open_pages_fails(tmp_path: Path) -> None:
    """A template error on the open page: the build fails, naming it, and leaves no staging folder and build/ as
    it was."""
    project = copy_project(MINI, tmp_path / "project")
    config, session = load_config(project), Session()
    build(config, BuildOptions(background=True), session)
    shutil.copytree(project / "build", tmp_path / "before")
    (project / "templates").mkdir(exist_ok=True)
    (project / "templates" / "council-cambridgeshire.html").write_text("{{ nothing.here() }}", encoding="utf-8")
    figures = project / "datapackages/nhs-debts/figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(",13000000,", ",13000007,"), encoding="utf-8")
    with pytest.raises(ProblemsFound) as failed:
        build(config, BuildOptions(background=True, preview=True, only=frozenset({PAGE})), session)
    named = [Path(p.path).as_posix() for p in failed.value.problems]
    assert len(named) == 1 and named[0].endswith("/templates/council-cambridgeshire.html"), named
    assert not [p.name for p in tmp_path.joinpath("project").iterdir() if p.name.startswith(".build-")]
    assert (project / "build" / PAGE).read_bytes() == (tmp_path / "before" / PAGE).read_bytes()
