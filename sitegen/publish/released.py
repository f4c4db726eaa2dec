"""A data release as a page shows it: what it did to the figures, linked to their councils' and measures' pages; and
its JSON form, in which builds keep it (sitegen.build.reuse.viewed)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from sitegen.data import fmt


@dataclass(frozen=True)
class ChangeItem:
    """One line of a release: a figure's change, with what to link (its council's and measure's pages where they
    exist), or a count of many (text alone)."""

    text: str
    area_name: str = ""
    area_slug: str = ""
    measure_id: str = ""
    measure_label: str = ""
    rest: str = ""  # the words after the measure's label: ", 31 March 2024: changed from £1m to £2m."


@dataclass(frozen=True)
class ReleaseView:
    """A data release as a page shows it: what it did to the figures, never the commit's own words."""

    anchor: str
    day: date
    headline: str  # `3 figures added, 1 changed`
    summary: str  # by package, with how many councils
    items: tuple[ChangeItem, ...]

    @property
    def date_text(self) -> str:
        """`25 November 2026`."""
        return fmt.long_date(self.day)


ITEMS = tuple(f.name for f in dataclasses.fields(ChangeItem))
Views = dict[tuple[str, str], ReleaseView]  # by (commit, council): "" for the whole site's


def view_json(view: ReleaseView) -> list[Any]:
    """A view as JSON: its fields in order, its date as ISO text, each item as its fields' texts."""
    return [view.anchor, view.day.isoformat(), view.headline, view.summary,
            [[getattr(item, name) for name in ITEMS] for item in view.items]]


def view_of_json(kept: list[Any]) -> ReleaseView:
    """A view from its JSON (view_json); TypeError or ValueError for anything else."""
    anchor, day, headline, summary, items = kept
    if type(items) is not list or any(type(item) is not list or len(item) != len(ITEMS) for item in items):
        raise TypeError("not a release's view")
    if not all(type(text) is str for text in [anchor, headline, summary, *(text for item in items for text in item)]):
        raise TypeError("not a release's view")
    return ReleaseView(anchor, date.fromisoformat(day), headline, summary, tuple(ChangeItem(*item) for item in items))
