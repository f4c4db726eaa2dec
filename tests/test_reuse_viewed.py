"""Releases as pages show them, kept from build to build: by the diff each words (its commit and the data commit
before it) and the names it links, for the code that wrote them, and only this history's
(sitegen.build.reuse.viewed). A site built after each edit, in a git project, equals a cold build:
test_incremental.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build.reuse.viewed import SUFFIX, Viewed
from sitegen.cache import Cache
from sitegen.config import load_config
from sitegen.data.model import Site, build_model
from sitegen.data.validate import validate_packages
from sitegen.history.diff import DataDiff, FigureChange
from sitegen.history.releases import History, Release
from sitegen.publish.extras import release_view, views_key
from sitegen.publish.released import Views

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
OLD, MID, NEW = "a" * 40, "b" * 40, "c" * 40


@pytest.fixture(scope="module")
def site() -> Site:
    """The mini fixture's model."""
    packages, problems = validate_packages(MINI / "datapackages")
    assert not problems
    return build_model(packages, load_config(MINI))


def release(site: Site, sha: str, day: int, value: str) -> Release:
    """A release that changed the first council's first figure to `value`."""
    figure = next(f for f in site.figures if f.area is site.councils[0])
    change = FigureChange("added", figure.package, figure.area.code, figure.area.name, figure.id, figure.measure.id,
                          figure.period_label, value, figure.unit, source_id=figure.source.id,
                          period_start=figure.period_start.isoformat(), period_end=figure.period_end.isoformat())
    return Release(sha, datetime(2026, 1, day, tzinfo=UTC), DataDiff([change]))


def history(site: Site, *shas: str) -> History:
    """Releases of the given commits, newest first."""
    return History([release(site, sha, len(shas) - i, f"{i + 1}000") for i, sha in enumerate(shas)])


def build_views(folder: Path, site: Site, past: History, code: str = "code", read: bool = True,
                names: str = "") -> tuple[Views, Viewed]:
    """What a build does: fill a session's empty views from the last build's, word every release (the Changes page)
    and the first council's (its page), then save."""
    viewed = Viewed(Cache(folder, "views", code, read=read), names or views_key(site), past)
    views: Views = {}
    viewed.fill(views)
    for r in past.releases:
        release_view(r, site, "", views)
        release_view(r, site, site.councils[0].code, views)
    viewed.save(views)
    return views, viewed


def kept(folder: Path, site: Site, code: str = "code") -> dict[str, list[object]]:
    """The views the last build saved, as JSON."""
    viewed = Viewed(Cache(folder, "views", code), views_key(site), History())
    return json.loads(viewed.cache.get(viewed.key, SUFFIX) or "{}")


def plant(folder: Path, site: Site, text: str = "As kept.") -> None:
    """Every kept view's headline replaced: what gives the views is told from wording them again."""
    planted = {name: [view[0], view[1], text, *view[3:]] for name, view in kept(folder, site).items()}
    viewed = Viewed(Cache(folder, "views", "code"), views_key(site), History())
    viewed.cache.put(viewed.key, SUFFIX, json.dumps(planted))


def test_views_are_kept_by_commit_and_council_and_equal_those_worded_again(tmp_path: Path, site: Site) -> None:
    past = history(site, NEW, OLD)
    first, _ = build_views(tmp_path, site, past)
    assert sorted(kept(tmp_path, site)) == sorted(
        f"{before} {sha} {area}" for before, sha in ((OLD, NEW), ("", OLD)) for area in ("", site.councils[0].code))
    again, viewed = build_views(tmp_path, site, past)
    assert viewed.loaded == again == first
    assert first[NEW, ""].headline == "1 figure added"


def test_the_next_build_shows_the_kept_views(tmp_path: Path, site: Site) -> None:
    past = history(site, NEW, OLD)
    build_views(tmp_path, site, past)
    plant(tmp_path, site)
    views, _ = build_views(tmp_path, site, past)
    assert {view.headline for view in views.values()} == {"As kept."}


def test_a_commit_diffed_against_another_is_worded_again(tmp_path: Path, site: Site) -> None:
    """A data commit inserted before OLD (a shallow clone deepened, a rebase): OLD's diff is not the one kept."""
    build_views(tmp_path, site, history(site, NEW, OLD))
    plant(tmp_path, site)
    views, _ = build_views(tmp_path, site, history(site, NEW, OLD, MID))
    assert views[NEW, ""].headline == "As kept."
    assert views[OLD, ""].headline == "1 figure added"


def test_other_names_other_code_or_a_forced_build_use_nothing_kept(tmp_path: Path, site: Site) -> None:
    past = history(site, NEW, OLD)
    build_views(tmp_path, site, past)
    plant(tmp_path, site)
    for other in ({"code": "other"}, {"read": False}, {"names": views_key(site) + " renamed"}):
        views, _ = build_views(tmp_path, site, past, **other)  # type: ignore[arg-type]
        assert "As kept." not in {view.headline for view in views.values()}, other


def test_what_a_build_saves_is_this_historys(tmp_path: Path, site: Site) -> None:
    """A commit no longer in the history is forgotten: the entry does not grow with every rewrite."""
    build_views(tmp_path, site, history(site, NEW, OLD))
    build_views(tmp_path, site, history(site, MID))
    assert sorted(kept(tmp_path, site)) == [f" {MID} ", f" {MID} {site.councils[0].code}"]


@pytest.mark.parametrize("body", ["[]", '{"x": 1}', '{" ' + NEW + ' ": [1, 2, 3, 4, []]}',
                                  '{" ' + NEW + ' ": ["a", "2026-13-01", "h", "s", []]}',
                                  '{" ' + NEW + ' ": ["a", "2026-01-01", "h", "s", [["too few"]]]}',
                                  '{" ' + NEW + ' ": ["a", "2026-01-01", "h", "s", ["sixchr"]]}',
                                  "[" * 100_000 + "]" * 100_000])
def test_a_kept_entry_of_any_other_shape_is_worded_again(tmp_path: Path, site: Site, body: str) -> None:
    past = history(site, NEW)
    viewed = Viewed(Cache(tmp_path, "views", "code"), views_key(site), past)
    viewed.cache.put(viewed.key, SUFFIX, body)
    views, _ = build_views(tmp_path, site, past)
    assert views[NEW, ""].headline == "1 figure added"
    assert sorted(kept(tmp_path, site)) == [f" {NEW} ", f" {NEW} {site.councils[0].code}"]
