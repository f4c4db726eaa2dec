"""Data releases from git at build time: every commit that touched the data, with its diff in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from sitegen.data.read import read_packages
from sitegen.data.rows import Packages
from sitegen.history import git as gitdata
from sitegen.history.diff import DataDiff, FigureChange, compare
from sitegen.history.exports import exported
from sitegen.history.git import why_no_history
from sitegen.history.memo import HistoryMemo
from sitegen.history.stored import SUFFIX, diff_key, store_diff, stored_diff

if TYPE_CHECKING:
    from sitegen.cache import Cache
    from sitegen.config import Config

NO_COMMITS = "No commit has changed the data yet."


@dataclass(frozen=True)
class Release:
    """One commit that changed the data: when, and what it did to the data (its message is for developers, and
    is not kept: the site tells a release by its diff alone)."""

    sha: str
    when: datetime  # the commit's committer time, in UTC: never the clock
    diff: DataDiff

    @property
    def day(self) -> date:
        """The release's date."""
        return self.when.date()

    @property
    def short(self) -> str:
        """The abbreviated commit hash shown to people."""
        return self.sha[:7]

    @cached_property
    def changed(self) -> tuple[FigureChange, ...]:
        """This release's figure changes, renames aside."""
        return tuple(f for f in self.diff.figures if f.kind != "renamed")

    @cached_property
    def by_key(self) -> dict[tuple[str, str], list[FigureChange]]:
        """The changed figures by (council, "") and ("", measure): asked of every council's and measure's page, and a
        release can hold tens of thousands (the delayed-transfer import)."""
        found: dict[tuple[str, str], list[FigureChange]] = {}
        for f in self.changed:
            found.setdefault((f.area_code, ""), []).append(f)
            found.setdefault(("", f.measure), []).append(f)
        return found

    def figures_for(self, area_code: str = "", measure: str = "") -> list[FigureChange]:
        """This release's figure changes for one council or one measure."""
        if area_code and measure:
            return [f for f in self.by_key.get((area_code, ""), []) if f.measure == measure]
        if area_code or measure:
            return list(self.by_key.get((area_code, measure), []))
        return list(self.changed)


@dataclass
class History:
    """The data releases, newest first, or why there are none."""

    releases: list[Release] = field(default_factory=list)
    missing: str = ""  # why there is no history ("" when there is one)

    @property
    def last_changed(self) -> date | None:
        """The date the data last changed, when the history knows it."""
        return self.releases[0].day if self.releases else None

    def for_area(self, code: str) -> list[Release]:
        """Releases that changed one council's figures."""
        return [r for r in self.releases if (code, "") in r.by_key]

    def for_measure(self, measure: str) -> list[Release]:
        """Releases that changed one measure's figures."""
        return [r for r in self.releases if ("", measure) in r.by_key]


def load_history(config: Config, memo: HistoryMemo | None = None, cache: Cache | None = None) -> History:
    """Every commit that touched the data, oldest diffed against nothing, newest first (each diff read back from
    the cache where an earlier build made it)."""
    missing = why_no_history(config)
    if missing:
        return History(missing=missing)
    commits = gitdata.data_commits(config.root, config.root / config.datapackages_dir)
    memo = HistoryMemo() if memo is None else memo
    key = (repr(config), tuple(c.sha for c in commits))
    if memo.history is None or memo.key != key:
        memo.key, memo.history = key, read_releases(config, commits, memo, cache)
    elif cache is not None:  # read before by this session: its diffs are still this history's
        for before, commit in diffed(commits):
            cache.mark(diff_key(key[0], before, commit.sha), SUFFIX)
    return memo.history


def diffed(commits: list[gitdata.Commit]) -> list[tuple[str, gitdata.Commit]]:
    """Each data commit, oldest first, with the data commit before it ("" for the first)."""
    oldest_first = list(reversed(commits))
    return list(zip(["", *(c.sha for c in oldest_first)], oldest_first, strict=False))


def read_releases(config: Config, commits: list[gitdata.Commit], memo: HistoryMemo,
                  cache: Cache | None = None) -> History:
    """The diff of each data commit against the one before it, newest first (diffs kept in the cache, and
    revisions read before, reused)."""
    settings, releases = repr(config), []
    before: Packages | None = Packages(config.root)
    revisions: dict[tuple[str, str], Packages | None] = {}
    after: Packages | None
    # first-parent order: the data at a commit's parent is the data at the previous data commit
    for before_sha, commit in diffed(commits):
        key = diff_key(settings, before_sha, commit.sha)
        diff = stored_diff(cache, key)
        if diff is None:
            if before is None:  # the diff before came from the cache: this commit's parent data is unread yet
                before = revision(config, before_sha, memo, revisions)
            after = revision(config, commit.sha, memo, revisions)
            diff = compare(before, after, tables=True)
            store_diff(cache, key, diff)
        else:
            after = revisions[(settings, commit.sha)] = memo.revisions.get((settings, commit.sha))
        releases.append(Release(commit.sha, datetime.fromtimestamp(commit.time, UTC), diff))
        before = after
    memo.revisions = {name: found for name, found in revisions.items() if found is not None}  # this history's
    return History(list(reversed(releases)), "" if releases else NO_COMMITS)


def revision(config: Config, sha: str, memo: HistoryMemo, revisions: dict[tuple[str, str], Packages | None]
             ) -> Packages:
    """The data at a commit: as the session read it before, else read now; kept for this history."""
    name = (repr(config), sha)
    found = memo.revisions.get(name)
    if found is None:
        found = read_revision(config, sha)
    revisions[name] = found
    return found


def read_revision(config: Config, sha: str) -> Packages:
    """Typed rows of the data at a commit (unvalidated: the changelog describes, it does not judge)."""
    with exported(config, sha) as folder:
        return read_packages(folder)[0]
