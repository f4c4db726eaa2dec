"""The changelog from git, and its Atom feeds: dates from commits, a council's feed holds exactly its changes."""

from __future__ import annotations

import calendar
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from gitrepo import ADDED_ROW, append, commit, edit, make_repo, set_value

from sitegen.cache import Cache
from sitegen.config import load_config
from sitegen.data.model import Site, build_model
from sitegen.data.validate import validate_packages
from sitegen.history.changelog import Names, by_package, headline, release_lines
from sitegen.history.diff import DataDiff, FieldChange, FigureChange, TableChange
from sitegen.history.git import NO_REPOSITORY, SHALLOW
from sitegen.history.memo import HistoryMemo
from sitegen.history.releases import History, Release, load_history
from sitegen.history.stored import SUFFIX, diff_key
from sitegen.publish.feeds import FeedSpec, plan_feeds, render_feed

A = "{http://www.w3.org/2005/Atom}"
NORFOLK, HARTLEPOOL = "E10000020", "E06000001"
CHANGED = "cambridgeshire-nhs-overdue-asc-debt-31-march-2024"
# a commit message is for developers: none of it may reach a reader
SILLY = "Merge branch 'xyzzy-plugh' into main\n\nSplit frobnitz.py along its seams"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three data commits: the seed, a changed Cambridgeshire value, an added Norfolk figure; then a docs commit."""
    repo = make_repo(tmp_path_factory.mktemp("history") / "repo")
    edit(repo, set_value(CHANGED, "13500000"))
    commit(repo, SILLY, 1767312000)  # 2 January 2026
    edit(repo, append(ADDED_ROW))
    commit(repo, "Norfolk: overdue NHS debt", 1767398400)  # 3 January 2026
    (repo / "README.md").write_text("not data\n")
    commit(repo, "Docs only", 1767484800)
    return repo


def site_of(project: Path) -> Site:
    """The site model of a project."""
    config = load_config(project)
    packages, problems = validate_packages(project / config.datapackages_dir)
    assert not problems
    return build_model(packages, config)


def feed_for(site: Site, history: History, path: str) -> ET.Element:
    """A planned feed, rendered and parsed."""
    [spec] = [s for s in plan_feeds(site) if s.path == path]
    return ET.fromstring(render_feed(site, history, spec))


def assert_atom(feed: ET.Element) -> None:
    """RFC 4287's requirements, checked structurally (no network to reach a validator)."""
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{A}{name}")) == 1, name
    assert RFC3339.match(feed.findtext(f"{A}updated") or "")
    assert feed.find(f"{A}author/{A}name") is not None  # so no entry needs its own author
    assert [link.get("href") for link in feed.findall(f"{A}link") if link.get("rel") == "self"]
    ids = []
    for entry in feed.findall(f"{A}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert RFC3339.match(entry.findtext(f"{A}updated") or "")
        assert re.match(r"https?://", entry.findtext(f"{A}id") or "")
        assert entry.find(f"{A}content") is not None or entry.find(f"{A}link[@rel='alternate']") is not None
        ids.append(entry.findtext(f"{A}id"))
    assert len(ids) == len(set(ids))


def test_a_session_reads_the_history_once_and_each_new_commit_alone(tmp_path: Path) -> None:
    """`sitegen serve` keeps the history: read once while no data commit comes; then only the new commit is read."""
    repo, memo = make_repo(tmp_path / "repo"), HistoryMemo()
    first = load_history(load_config(repo), memo)
    assert load_history(load_config(repo), memo) is first
    kept = dict(memo.revisions)
    edit(repo, set_value(CHANGED, "13500000"))
    commit(repo, "Cambridgeshire: corrected NHS debt", 1767312000)
    second = load_history(load_config(repo), memo)
    assert [r.day.isoformat() for r in second.releases] == ["2026-01-02", "2026-01-01"]
    assert kept and all(memo.revisions[name] is data for name, data in kept.items())
    assert len(memo.revisions) == 2


def test_a_fresh_process_reads_each_releases_diff_back_from_the_cache(project: Path, tmp_path: Path) -> None:
    """A build in a new process (a new memo) exports and compares no commit the cache has a diff for; an entry
    that is not a diff is made again; `--force` (a cache not read) makes every diff again."""
    config = load_config(project)
    cache = Cache(tmp_path / "cache", "releases", "code")
    exports = project / config.cache_dir / "exports"
    made = load_history(config, HistoryMemo(), cache)
    assert made == load_history(config)  # as made without a cache
    shutil.rmtree(exports)
    again = load_history(config, HistoryMemo(), cache)
    assert again == made
    assert not exports.exists()  # no commit's data was exported to be read
    [oldest, middle, _] = [r.sha for r in reversed(made.releases)]
    cache.put(diff_key(repr(config), oldest, middle), SUFFIX, '{"figures": [["changed"]], "sources": []}')
    assert load_history(config, HistoryMemo(), cache) == made
    assert exports.exists()  # that one diff was made again, from the two commits' data
    shutil.rmtree(exports)
    forced = Cache(tmp_path / "cache", "releases", "code", read=False)
    assert load_history(config, HistoryMemo(), forced) == made
    assert exports.exists()


def test_a_session_that_reads_the_history_once_keeps_its_diffs_in_the_cache(project: Path, tmp_path: Path) -> None:
    """`sitegen serve` reads the diffs once; its later builds, which read none, do not let the cache drop them."""
    config, memo = load_config(project), HistoryMemo()
    for _ in range(3):  # builds of one session, each pruning the cache as a complete build does
        cache = Cache(tmp_path / "cache", "releases", "code")
        load_history(config, memo, cache)
        cache.prune("build", builds=1)
    exports = project / config.cache_dir / "exports"
    shutil.rmtree(exports, ignore_errors=True)
    load_history(config, HistoryMemo(), Cache(tmp_path / "cache", "releases", "code"))
    assert not exports.exists()  # every diff read back from the cache


def test_history_lists_data_commits_newest_first_with_commit_dates(project: Path) -> None:
    history = load_history(load_config(project))
    assert [r.day.isoformat() for r in history.releases] == ["2026-01-03", "2026-01-02", "2026-01-01"]
    assert [r.when for r in history.releases][:2] == [datetime(2026, 1, 3, tzinfo=UTC),
                                                     datetime(2026, 1, 2, tzinfo=UTC)]
    assert {f.area_code for f in history.releases[0].changed} == {NORFOLK}
    assert history.releases[0] in history.for_area(NORFOLK)
    assert history.last_changed is not None and history.last_changed.isoformat() == "2026-01-03"


def titles(feed: ET.Element) -> list[str]:
    """The titles of a feed's entries."""
    return [e.findtext(f"{A}title") or "" for e in feed.findall(f"{A}entry")]


def test_feeds_validate_and_a_council_feed_holds_exactly_its_changes(project: Path) -> None:
    site, history = site_of(project), load_history(load_config(project))
    cambs = feed_for(site, history, "councils/cambridgeshire/feed.xml")
    assert_atom(cambs)
    entries = cambs.findall(f"{A}entry")
    assert titles(cambs)[0] == "2 January 2026: 1 figure changed"
    assert re.fullmatch(r"1 January 2026: \d+ figures added", titles(cambs)[1])
    content = entries[0].findtext(f"{A}content") or ""
    assert content.count("Cambridgeshire County Council:") == 1
    assert "NHS overdue adult social care debt, 31 March 2024: changed from £13m to £13.5m." in content
    assert "Norfolk" not in content and "Peterborough" not in (entries[1].findtext(f"{A}content") or "")
    assert cambs.findtext(f"{A}updated") == "2026-01-02T00:00:00+00:00"
    norfolk = feed_for(site, history, "councils/norfolk/feed.xml")
    assert titles(norfolk)[0] == "3 January 2026: 1 figure added" and len(titles(norfolk)) == 2
    assert "31 March 2024: £3.1m added." in (norfolk.findtext(f"{A}entry/{A}content") or "")


def test_no_feed_tells_a_commit_message(project: Path) -> None:
    """Each entry says what the commit did to the data, in the data's words: never its subject or body."""
    site, history = site_of(project), load_history(load_config(project))
    for spec in plan_feeds(site):
        text = render_feed(site, history, spec).decode()
        assert "xyzzy" not in text and "frobnitz" not in text and "Merge" not in text, spec.path
        assert "Seed the mini data" not in text and "Norfolk: overdue NHS debt" not in text, spec.path


def test_site_and_measure_feeds(project: Path) -> None:
    site, history = site_of(project), load_history(load_config(project))
    whole = feed_for(site, history, "feed.xml")
    assert_atom(whole)
    assert len(whole.findall(f"{A}entry")) == 3
    measure = feed_for(site, history, "measures/nhs-overdue-asc-debt/feed.xml")
    assert_atom(measure)
    assert len(measure.findall(f"{A}entry")) == 3
    quiet = feed_for(site, history, "measures/client-debt-overdue/feed.xml")
    assert [title[:15] for title in titles(quiet)] == ["1 January 2026:"]


def test_a_council_without_changes_has_a_valid_empty_feed(project: Path) -> None:
    site, history = site_of(project), load_history(load_config(project))
    quiet = [c for c in site.councils if c.code == HARTLEPOOL][0]
    feed = feed_for(site, history, f"councils/{quiet.slug}/feed.xml")
    assert_atom(feed)
    assert feed.findall(f"{A}entry") == []


def test_feeds_are_byte_identical_whatever_the_clock(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, history = site_of(project), load_history(load_config(project))
    spec = FeedSpec("feed.xml", "t", "changes/")
    first = render_feed(site, history, spec)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1900000000")
    assert render_feed(site_of(project), load_history(load_config(project)), spec) == first


def test_no_history_in_a_tarball_or_a_shallow_clone(project: Path, tmp_path: Path) -> None:
    tarball = tmp_path / "tarball"
    subprocess.run(["cp", "-r", str(project), str(tarball)], check=True, timeout=30)
    subprocess.run(["rm", "-rf", str(tarball / ".git")], check=True, timeout=30)
    assert load_history(load_config(tarball)).missing == NO_REPOSITORY
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{project}", str(shallow)], check=True, timeout=30,
                   capture_output=True)
    history = load_history(load_config(shallow))
    assert (history.missing, history.releases) == (SHALLOW, [])


def figure_change(kind: str, n: int, month: int = 4, **kw: object) -> FigureChange:
    """A figure change of the kind a delayed-transfers import makes: council n's delayed days in a month of 2011."""
    fields: dict[str, Any] = {
        "package": "delayed-transfers", "area_code": f"E0600{n:04d}", "area_name": f"Council {n}",
        "id": f"c{n}-{month}", "measure": "delayed-days", "period": f"{calendar.month_name[month]} 2011",
        "value": "146", "unit": "count", "source_id": f"src-{month}",
        "source_title": f"Delayed Transfer of Care, NHS Organisations, England: {calendar.month_name[month]} 2011",
        "period_start": f"2011-{month:02d}-01", "period_end": f"2011-{month:02d}-28", "precision": "1"} | kw
    return FigureChange(kind, **fields)


def told(figures: list[FigureChange]) -> list[str]:
    """A release of these figure changes, in words."""
    release = Release("0" * 40, datetime(2026, 1, 2, tzinfo=UTC), DataDiff(figures))
    names = Names({"delayed-days": "Delayed days"}, {"delayed-transfers": "Delayed transfers"})
    return [headline(release), by_package(release, names), *(line.text for line in release_lines(release, names))]


def test_an_import_is_one_line_per_series_never_cut_short() -> None:
    """Many additions are counted, all of them, in one line per source (the editions of one series together)."""
    added = [figure_change("added", n, month) for month in (4, 5) for n in range(20)]
    lines = told(added)
    assert lines[:2] == ["40 figures added", "Delayed transfers: 40 figures added (20 councils)."]
    assert lines[2:] == ["40 figures added from Delayed Transfer of Care, NHS Organisations, England (2 editions), "
                         "April 2011 to May 2011, for 20 councils."]
    assert not [line for line in lines if "more" in line]


def test_a_changed_value_leads_and_detail_is_counted_last() -> None:
    """Old and new values as the site shows them; a precision recorded is a detail, told in words, after."""
    detail = [figure_change("changed", n, changes=(FieldChange("precision", "", "1"),)) for n in range(3)]
    value = figure_change("changed", 9, value="150", changes=(FieldChange("value", "146", "150"),))
    money = figure_change("changed", 8, measure="debt", unit="GBP", value="13500000", precision="100000",
                          changes=(FieldChange("value", "13000000", "13500000"),))
    lines = told([*detail, value, money])
    assert lines[0] == "5 figures changed"
    assert lines[2:] == ["Council 9: Delayed days, April 2011: changed from 146 to 150.",
                         "Council 8: debt, April 2011: changed from £13.0m to £13.5m.",
                         "Details recorded or corrected, no value changed by them: how finely the source gave the "
                         "value (3 figures)."]
    assert not [line for line in lines if "(blank)" in line or "→" in line]


def test_a_release_of_reference_data_says_which_tables_changed() -> None:
    tables = [TableChange("reference", "populations", "Population by mid-year", 1989, 0, 0),
              TableChange("reference", "neighbours", "Statistical neighbours", 0, 1, 0)]
    release = Release("0" * 40, datetime(2026, 1, 2, tzinfo=UTC), DataDiff(tables=tables))
    names = Names({}, {"reference": "Reference"})
    assert headline(release) == "No figure changed: 2 tables revised"
    assert [line.text for line in release_lines(release, names)] == [
        "Reference: Population by mid-year: 1,989 rows added; Statistical neighbours: 1 row changed."]


def test_the_home_page_tells_the_latest_changes_in_the_data_words(project: Path, tmp_path: Path) -> None:
    """The home page's latest changes are the newest releases, as the Changes page tells them; no commit subject."""
    import shutil

    from conftest import build

    copy = tmp_path / "repo"
    shutil.copytree(project, copy)
    home = (build(copy) / "index.html").read_text(encoding="utf-8")
    latest = home[home.index("<h2>Latest changes to the data</h2>"):home.index("<h2>Councils A to Z</h2>")]
    headings = re.findall(r"<h3 [^>]*><time [^>]*>([^<]+)</time>: ([^<]+)</h3>", latest)
    assert headings[:2] == [("3 January 2026", "1 figure added"), ("2 January 2026", "1 figure changed")]
    assert "NHS overdue adult social care debt</a>, 31 March 2024: changed from £13m to £13.5m." in latest
    assert "xyzzy" not in latest and "Merge" not in latest and "Norfolk: overdue NHS debt" not in latest
