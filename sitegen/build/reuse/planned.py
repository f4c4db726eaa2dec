"""What a session keeps of its last model and plan (`sitegen serve`): while the data and settings are unchanged, an
edit of a written page or a template neither models the data again nor, while the history is unchanged too, plans
its pages again; and the values those pages are planned with are hashed once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from sitegen.build.reuse.canon import Canon
    from sitegen.data.model import Site
    from sitegen.site.plan import DataPlan


@dataclass
class PlanMemo:
    """The model of the data last validated, and the pages last planned from it with the canonical values of both."""

    data_key: str = ""  # the data and settings the model below was made from (pipeline.validated)
    site: Site | None = None
    updated: date | None = None  # the model's own date, before a build sets it from the history
    rendered: dict[tuple[str, str], Any] = field(default_factory=dict)  # written pages' HTML, by (key, text)
    plan_key: tuple[Any, ...] = ()  # the history and written pages the plan below was made with
    data: DataPlan | None = None
    canon: Canon | None = None  # filled by the first build of this plan; each next one forks it
    views_key: str = ""  # what the views below were made with of the model (publish.extras.views_key)
    views: dict[tuple[str, str], Any] = field(default_factory=dict)  # releases as pages show them, by (commit, area)
    kept: dict[str, Any] = field(default_factory=dict)  # other things made from the plan alone, by name (see keep)

    def model(self, key: str, make: Callable[[], Site]) -> Site:
        """The model of the data and settings `key`: the one kept, its date as made, or a new one from make()."""
        if key == self.data_key and self.site is not None and self.updated is not None:
            self.site.updated = self.updated  # as made: this build sets it from its own history
            return self.site
        site = make()
        self.data_key, self.site, self.updated = key, site, site.updated
        self.plan_key, self.data = (), None  # from another model: of no use now
        self.rendered, self.kept = {}, {}
        return site

    def holds(self, key: tuple[Any, ...]) -> bool:
        """Whether the pages for the history and written pages `key` are planned already (see planned)."""
        return key == self.plan_key and self.data is not None

    def planned(self, key: tuple[Any, ...], plan: Callable[[], DataPlan]) -> tuple[DataPlan, Canon]:
        """The data's pages for the history and written pages `key` (kept, or plan()), and a canon for this build:
        the first build's own, then a fork of it, so what each build hashes of its own is dropped with it."""
        from sitegen.build.reuse.canon import Canon  # here: a build with nothing to do makes a session, no plan

        if key != self.plan_key or self.data is None or self.canon is None:
            self.plan_key, self.data, self.canon, self.kept = key, plan(), Canon(), {}
            return self.data, self.canon
        return self.data, self.canon.fork()

    def views_for(self, key: str) -> dict[tuple[str, str], Any]:
        """The releases' views made with what `key` names of the model: kept across models (a data edit changes
        no commit, and seldom a name), each commit's made once."""
        if key != self.views_key:
            self.views_key, self.views = key, {}
        return self.views

    def keep(self, name: str, key: Any, make: Callable[[], Any]) -> Any:
        """What make() returns, kept while the model, the plan and key are unchanged (the packages' metadata, the
        drawn charts, the model's objects by key, each figure's digest)."""
        found = self.kept.get(name)
        if found is None or found[0] != key:
            found = self.kept[name] = (key, make())
        return found[1]
