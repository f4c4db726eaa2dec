"""The whole site model, built from validated packages before anything is rendered."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sitegen.data import fmt
from sitegen.data.disputes import Dispute, disputes_of, make_dispute
from sitegen.data.periods import is_month
from sitegen.data.population import Populations, link_populations

if TYPE_CHECKING:
    from sitegen.config import Config
    from sitegen.data.rows import Packages, Row
    from sitegen.errors import Problem

ENGLAND = "E92000001"
MONTHLY_SERIES = 12  # a measure of single months with at least this many is a series, charted rather than listed
FIGURES = "figures"  # a package with a resource of this name is a figures package


class Counted:
    """A model object with figures of its own."""

    figures: list[Figure]

    @property
    def figure_count(self) -> int:
        """How many figures it has: what a page showing the number reads (a read of `figures` makes the page depend
        on every field of every one of them, and so be made again whenever any of them changes)."""
        return len(self.figures)

    @cached_property  # asked again by each build's page record: the model is complete before any page reads it
    def disputes(self) -> list[Dispute]:
        """The disputes its figures belong to."""
        return disputes_of(self.figures)


@dataclass(eq=False)
class Source(Counted):
    """A cited source."""

    id: str
    title: str
    publisher: str
    published: date | None
    url: str
    kind: str
    confidence: str
    figures: list[Figure] = field(default_factory=list)

    @property
    def date_text(self) -> str:
        """`2 July 2024` or `date unknown`."""
        return fmt.long_date(self.published) if self.published else "date unknown"


@dataclass(eq=False)
class Topic:
    """A group of measures, with its heading; topics come from the data, in their own order."""

    id: str
    label: str
    order: int


@dataclass(eq=False)
class Measure(Counted):
    """A measure of the vocabulary."""

    id: str
    label: str
    unit: str
    definition: str
    topic: Topic
    allows_negative: bool
    package: str
    figures: list[Figure] = field(default_factory=list)
    how_to_find: str = ""  # where a reader finds their own council's figure (data, not code); blank: not written

    @cached_property  # asked of every figure of every page: worked out once
    def monthly(self) -> bool:
        """A monthly series: every figure is for one calendar month, and there are at least MONTHLY_SERIES months."""
        periods = {(f.period_start, f.period_end) for f in self.figures}  # each told once: 48,000 figures, 100 months
        return len(periods) >= MONTHLY_SERIES and all(is_month(*period) for period in periods)


@dataclass(eq=False)
class Area(Counted):
    """Anywhere figures are reported for: a council, or the nation as a whole."""

    code: str
    name: str
    short_name: str
    slug: str
    type: str = "Nation"
    figures: list[Figure] = field(default_factory=list)
    populations: Populations | None = None  # by mid-year; None: the reference data has none


@dataclass(eq=False)
class Council(Area):
    """A council with adult social care duties."""

    region: str = ""
    latitude: float | None = None
    longitude: float | None = None
    icbs: list[tuple[Icb, float]] = field(default_factory=list)
    predecessors: list[Predecessor] = field(default_factory=list)  # abolished councils whose area it took over
    neighbours: list[tuple[Council, str]] = field(default_factory=list)  # DfE statistical neighbours, closest first


@dataclass(eq=False)
class Predecessor(Council):
    """A council abolished in 2019-2023: its figures keep its code, never summed into or split between successors."""

    end_date: date | None = None
    successors: list[Council] = field(default_factory=list)
    parts: dict[str, str] = field(default_factory=dict)  # successor code -> the former districts it took, if split


@dataclass(eq=False)
class Icb(Counted):
    """An Integrated Care Board."""

    code: str
    ods_code: str
    name: str
    short_name: str
    slug: str
    councils: list[tuple[Council, float]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    former_ccgs: list[tuple[str, bool]] = field(default_factory=list)  # CCGs it took over: (name, whole area?)
    ccg_figures: list[Figure] = field(default_factory=list)  # figures naming one of those CCGs

    @cached_property  # asked again by each build's page record: the model is complete before any page reads it
    def disputes(self) -> list[Dispute]:
        """The disputes its figures, or its former CCGs', belong to."""
        return disputes_of(self.figures + self.ccg_figures)


@dataclass(eq=False)
class Figure:
    """One reported figure with everything needed to show and cite it."""

    id: str
    area: Area
    measure: Measure
    value: float
    unit: str
    period_start: date
    period_end: date
    period_label: str
    qualifier: str
    status: str
    claimant: str
    source: Source
    note: str
    counterparty_name: str
    counterparty_inferred: bool
    counterparty: Icb | None
    package: str
    counterparty_code: str = ""
    said_by: str = ""  # who said it (reported) or whose plan it is (planned)
    published_value: str = ""  # the value and unit exactly as an official file gives them
    published_unit: str = ""
    source_item: str = ""  # where in the official file the value sits
    flag: str = ""  # `suspect`: published as published, the reason in the note
    precision: float | None = None  # how finely the source gave the value, in its unit; None: not recorded
    dispute: Dispute | None = None  # the dispute it is one side's figure in, or part of the story of

    @property
    def shown_precision(self) -> float | None:
        """How finely the value is shown: its precision, never finer than what the source truly gave."""
        return fmt.shown_precision(self.precision, self.published_value, self.published_unit)

    @property
    def value_text(self) -> str:
        """The value with its qualifier, as precisely as its source gave it: `about £13m`."""
        return fmt.qualified(fmt.value(self.value, self.unit, self.shown_precision), self.qualifier)

    @property
    def speaker(self) -> str:
        """Whose figure it is: the claimant of a claim, else who said it or whose plan it is."""
        return self.claimant if self.status == "claim" else self.said_by

    @property
    def status_text(self) -> str:
        """`Reported`, `Reported, said by X`, `Claim by X`, `Planned by X`."""
        return fmt.status_text(self.status, self.speaker)

    @property
    def source_line(self) -> str:
        """`15,233 GBP thousands, item 8328110`: where a reader finds the value in the official file."""
        shown = " ".join(part for part in (self.published_value, self.published_unit) if part)
        return ", ".join(part for part in (shown, self.source_item) if part)

    sort_key = property(attrgetter("measure.label", "period_end", "period_start", "id"),
                        doc="Measure, then period, then id: a stable order everywhere (a tuple made in C).")


@dataclass
class Site:
    """Everything the pages show."""

    config: Config
    packages: Packages
    councils: list[Council]
    england: Area
    icbs: list[Icb]
    topics: list[Topic]
    measures: list[Measure]
    sources: list[Source]
    figures: list[Figure]
    updated: date  # when the data last changed (the build sets it from the history where there is one)
    predecessors: list[Predecessor] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # what validation found worth a second look
    disputes: list[Dispute] = field(default_factory=list)  # by title
    content_pages: tuple[str, ...] = ()  # the written pages there are (about, methodology): only those are linked

    @property
    def has_disputes(self) -> bool:
        """Whether there is a dispute to link: what every page's menu asks, not the disputes' figures."""
        return bool(self.disputes)

    @cached_property  # shortcodes and their checks look figures up: a dict of 48,000 made once a model
    def by_id(self) -> dict[str, Figure]:
        """Every figure by id."""
        return {f.id: f for f in self.figures}


@dataclass
class Lookups:
    """Everything a figure row refers to, by code or id."""

    areas: dict[str, Area]
    icbs: dict[str, Icb]
    topics: dict[str, Topic] = field(default_factory=dict)
    measures: dict[str, Measure] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    disputes: dict[str, Dispute] = field(default_factory=dict)


def figure_packages(packages: Packages) -> list[str]:
    """Names of the packages holding figures, found by their `figures` resource."""
    return sorted(name for name, p in packages.packages.items() if FIGURES in p.resources)


def build_model(packages: Packages, config: Config, warnings: list[Problem] | None = None) -> Site:
    """Join the packages into linked objects, sorted for deterministic output; validation's warnings kept."""
    icbs = {r["code"]: make_icb(r) for r in packages.rows("reference", "icbs")}
    councils = {r["code"]: make_council(r) for r in packages.rows("reference", "councils")}
    england = make_nation(packages)
    link_overlaps(packages, councils, icbs)
    predecessors = link_predecessors(packages, councils)
    link_populations(packages, councils, predecessors)
    link_neighbours(packages, councils)
    look = Lookups(dict(councils) | predecessors | {england.code: england}, icbs)
    look.disputes = {r["id"]: make_dispute(r) for name in sorted(packages.packages)
                     for r in packages.rows(name, "disputes")}
    figures = [f for name in figure_packages(packages) for f in read_figures(packages, name, look)]
    for key in ("id", "period_start", "period_end", "measure.label"):  # sort_key's order by stable passes, the last
        figures.sort(key=attrgetter(key))  # field first: half the time of its tuple's (48,000 figures, every model)
    link_figures(figures)
    link_former_ccgs(packages, icbs, figures)
    return Site(config, packages, sorted(councils.values(), key=lambda c: c.short_name), england,
                sorted(icbs.values(), key=lambda i: i.short_name),
                sorted(look.topics.values(), key=lambda t: (t.order, t.id)),
                sorted(look.measures.values(), key=lambda m: m.label),
                sorted(look.sources.values(), key=lambda s: (s.publisher, s.title, s.id)), figures,
                updated_date(look.sources.values()), sorted(predecessors.values(), key=lambda p: p.name),
                list(warnings or []), sorted(look.disputes.values(), key=lambda d: (d.title, d.id)))


def read_figures(packages: Packages, package: str, look: Lookups) -> list[Figure]:
    """One package's topics, measures and sources into the lookups; its figures linked to them."""
    for r in packages.rows(package, "topics"):  # a topic shared by packages is one topic (the rules make them equal)
        look.topics.setdefault(r["id"], Topic(r["id"], r["label"], r["order"]))
    look.measures |= {r["id"]: make_measure(r, package, look.topics) for r in packages.rows(package, "measures")}
    look.sources |= {r["id"]: make_source(r) for r in packages.rows(package, "sources")}
    return [make_figure(r, package, look) for r in packages.rows(package, FIGURES)]


def link_figures(figures: list[Figure]) -> None:
    """Each area, measure, source and ICB learns its figures, in figure order."""
    for f in figures:
        f.area.figures.append(f)
        f.measure.figures.append(f)
        f.source.figures.append(f)
        if f.counterparty:
            f.counterparty.figures.append(f)
        if f.dispute:
            f.dispute.figures.append(f)


def make_nation(packages: Packages) -> Area:
    """England, from the reference package's nations (or its well-known code)."""
    rows = packages.rows("reference", "nations") or [{"code": ENGLAND, "name": "England", "slug": "england"}]
    return Area(rows[0]["code"], rows[0]["name"], rows[0]["name"], rows[0]["slug"])


def make_icb(r: Row) -> Icb:
    """An ICB from its reference row."""
    return Icb(r["code"], r["ods_code"], r["name"], r["short_name"], r["slug"])


def make_council(r: Row) -> Council:
    """A council from its reference row."""
    return Council(r["code"], r["name"], r["short_name"], r["slug"], r["type"], region=r["region"],
                   latitude=r.get("latitude"), longitude=r.get("longitude"))


def link_predecessors(packages: Packages, councils: dict[str, Council]) -> dict[str, Predecessor]:
    """The abolished councils of the reference package, each linked both ways to its successors."""
    found = {r["code"]: Predecessor(r["code"], r["name"], r["short_name"], r["slug"], r["type"], region=r["region"],
                                    end_date=r["end_date"]) for r in packages.rows("reference", "predecessors")}
    for r in packages.rows("reference", "successions"):
        predecessor, successor = found.get(r["predecessor_code"]), councils.get(r["successor_code"])
        if predecessor and successor:
            predecessor.successors.append(successor)
            successor.predecessors.append(predecessor)
            if r.get("part"):
                predecessor.parts[successor.code] = str(r["part"])
    for predecessor in found.values():
        predecessor.successors.sort(key=lambda c: c.name)
    for council in councils.values():
        council.predecessors.sort(key=lambda p: p.name)
    return found


def link_neighbours(packages: Packages, councils: dict[str, Council]) -> None:
    """Each council its statistical neighbours (with DfE's closeness label), closest first."""
    for r in sorted(packages.rows("reference", "neighbours"), key=lambda r: (r["council_code"], r["rank"])):
        council, other = councils.get(r["council_code"]), councils.get(r["neighbour_code"])
        if council and other:
            council.neighbours.append((other, r["closeness"]))


def link_overlaps(packages: Packages, councils: dict[str, Council], icbs: dict[str, Icb]) -> None:
    """Council <-> ICB links with approximate shares, largest share first."""
    for r in packages.rows("reference", "council_icbs"):
        council, icb = councils.get(r["council_code"]), icbs.get(r["icb_code"])
        if council and icb:
            council.icbs.append((icb, float(r["approx_share"])))
            icb.councils.append((council, float(r["approx_share"])))
    for council in councils.values():
        council.icbs.sort(key=lambda pair: (-pair[1], pair[0].short_name))
    for icb in icbs.values():
        icb.councils.sort(key=lambda pair: pair[0].short_name)


def link_former_ccgs(packages: Packages, icbs: dict[str, Icb], figures: list[Figure]) -> None:
    """Each ICB learns the former CCGs it took over (all or most of the area), and the figures that name them."""
    successor = {}
    for r in sorted(packages.rows("reference", "former_ccgs"), key=lambda r: r["name"]):
        icb = icbs.get(r.get("main_icb_code") or r.get("icb_code") or "")
        if icb:
            successor[r["code"]] = icb
            icb.former_ccgs.append((r["name"], r.get("icb_code") == icb.code))
    for f in figures:
        if f.counterparty_code in successor:
            successor[f.counterparty_code].ccg_figures.append(f)


def make_measure(r: Row, package: str, topics: dict[str, Topic]) -> Measure:
    """A measure from its row, linked to its topic."""
    return Measure(r["id"], r["label"], r["unit"], r["definition"], topics[r["topic"]], bool(r["allows_negative"]),
                   package, how_to_find=r.get("how_to_find") or "")


def make_source(r: Row) -> Source:
    """A source from its row."""
    return Source(r["id"], r["title"], r["publisher"], r.get("published"), r["url"], r["kind"], r["confidence"])


def make_figure(r: Row, package: str, look: Lookups) -> Figure:
    """A figure linked to its area, measure, source and (where known) ICB."""
    counterparty = r.get("counterparty_code") or ""
    return Figure(
        r["id"], look.areas[r["area_code"]], look.measures[r["measure"]], r["value"], r["unit"], r["period_start"],
        r["period_end"], r["period_label"], r["qualifier"], r["status"], r.get("claimant") or "",
        look.sources[r["source_id"]], r.get("note") or "", r.get("counterparty_name") or "",
        bool(r.get("counterparty_inferred")), look.icbs.get(counterparty), package, counterparty,
        r.get("said_by") or "", str(r.get("published_value") or ""), r.get("published_unit") or "",
        r.get("source_item") or "", r.get("flag") or "", r.get("precision"), look.disputes.get(r.get("dispute") or ""),
    )


def updated_date(sources: Any) -> date:
    """SOURCE_DATE_EPOCH if set, else the newest source date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    dates = [s.published for s in sources if s.published]
    return max(dates) if dates else date(1970, 1, 1)
