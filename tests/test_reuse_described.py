"""Chart descriptions kept from build to build: by all a chart is, for the code that wrote them, and only those the
last build used (sitegen.build.reuse.described). A site built after each edit equals a cold build:
test_incremental.py."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

from sitegen.build.reuse.canon import Canon
from sitegen.build.reuse.described import KEY, SUFFIX, Described
from sitegen.cache import Cache
from sitegen.site.charts.model import Chart, Point

POINTS = (Point("2019-20", "2019", "", 5_000_000.0, "GBP", period=(date(2019, 4, 1), date(2020, 3, 31))),
          Point("2020-21", "2020", "", 6_000_000.0, "GBP", period=(date(2020, 4, 1), date(2021, 3, 31))))
CHART = Chart("c", "SYNTHETIC income", "time", POINTS)


def described(folder: Path, code: str = "code", read: bool = True) -> Described:
    """A build's descriptions, with a fresh canon (as a new process has)."""
    return Described(Cache(folder, "descriptions", code, read=read), Canon())


def kept(folder: Path, code: str = "code") -> dict[str, str]:
    """The descriptions the last build saved."""
    return json.loads(Cache(folder, "descriptions", code).get(KEY, SUFFIX) or "{}")


def test_a_chart_is_described_in_words_of_its_data_and_kept_for_the_next_build(tmp_path: Path) -> None:
    first = described(tmp_path)
    text = first(CHART)
    assert text == "SYNTHETIC income rose from £5m in 2019-20 to £6m in 2020-21, an increase of £1m (20%)."
    first.save()
    assert list(kept(tmp_path).values()) == [text]
    assert described(tmp_path).known == kept(tmp_path)


def plant(folder: Path) -> None:
    """CHART described by a build, then its kept words replaced: what gives them is told from describing again."""
    first = described(folder)
    first(CHART)
    first.save()
    (key,) = kept(folder)
    Cache(folder, "descriptions", "code").put(KEY, SUFFIX, json.dumps({key: "As kept."}))


def test_the_next_build_takes_the_kept_words_for_a_chart_that_is_all_the_same(tmp_path: Path) -> None:
    plant(tmp_path)
    assert described(tmp_path)(dataclasses.replace(CHART, points=tuple(POINTS))) == "As kept."


def test_a_chart_that_differs_in_any_field_is_described_again(tmp_path: Path) -> None:
    plant(tmp_path)
    changed = [dataclasses.replace(CHART, note="A note."), dataclasses.replace(CHART, title="Other"),
               dataclasses.replace(CHART, points=(POINTS[0], dataclasses.replace(POINTS[1], value=7_000_000.0))),
               dataclasses.replace(CHART, points=(POINTS[0], dataclasses.replace(POINTS[1], qualifier="approximate"))),
               dataclasses.replace(CHART, points=(POINTS[0], dataclasses.replace(POINTS[1], flag="suspect")))]
    later = described(tmp_path)
    assert [later(chart) for chart in changed] == [chart.description() for chart in changed]
    assert "As kept." not in [chart.description() for chart in changed]


def test_other_code_or_a_forced_build_uses_nothing_kept(tmp_path: Path) -> None:
    first = described(tmp_path)
    first(CHART)
    first.save()
    assert described(tmp_path, code="other").known == {}
    assert described(tmp_path, read=False).known == {}


def test_what_a_build_saves_is_what_it_used(tmp_path: Path) -> None:
    """A chart no longer on the site is forgotten: the entry does not grow with every edit."""
    first = described(tmp_path)
    first(CHART)
    other = dataclasses.replace(CHART, id="d", title="SYNTHETIC spending")
    first(other)
    first.save()
    later = described(tmp_path)
    later(other)
    later.save()
    assert list(kept(tmp_path).values()) == [other.description()]


def test_a_damaged_entry_only_costs_time(tmp_path: Path) -> None:
    first = described(tmp_path)
    first(CHART)
    first.save()
    (entry,) = (tmp_path / "descriptions").glob(f"*{SUFFIX}")
    entry.write_bytes(entry.read_bytes()[:-5])
    assert described(tmp_path).known == {}
    Cache(tmp_path, "descriptions", "code").put(KEY, SUFFIX, "[not a mapping]")
    assert described(tmp_path)(CHART) == CHART.description()
