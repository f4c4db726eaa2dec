"""The whole site model, built from validated packages before anything is rendered."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sitegen import fmt
from sitegen.config import Config
from sitegen.data import Packages

FIGURE_PACKAGES = ("nhs-debts", "better-care-fund")
ENGLAND = "E92000001"
TOPICS = {  # topic -> chart heading on a council page, in page order
    "nhs-debt": "NHS debt",
    "dispute": "Disputes and claims",
    "client-debt": "Client debt",
    "bcf": "Better Care Fund and contributions",
    "ibcf": "Improved Better Care Fund",
    "dfg": "Disabled Facilities Grant",
    "grant": "Other grants",
    "discharge": "Hospital discharge",
    "survey": "National survey",
}


@dataclass(eq=False)
class Source:
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
class Measure:
    """A measure of the vocabulary."""

    id: str
    label: str
    unit: str
    definition: str
    topic: str
    allows_negative: bool
    package: str
    figures: list[Figure] = field(default_factory=list)


@dataclass(eq=False)
class Icb:
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


@dataclass(eq=False)
class Council:
    """A council with adult social care duties (or England, for national figures)."""

    code: str
    name: str
    short_name: str
    slug: str
    type: str
    region: str
    population: int | None
    latitude: float | None
    longitude: float | None
    icbs: list[tuple[Icb, float]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass(eq=False)
class Figure:
    """One reported figure with everything needed to show and cite it."""

    id: str
    area: Council
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

    @property
    def value_text(self) -> str:
        """The value with its qualifier: `about £13.0m`."""
        return fmt.qualified(fmt.value(self.value, self.unit), self.qualifier)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Measure, then period, then id: a stable order everywhere."""
        return (self.measure.label, self.period_end, self.period_start, self.id)


@dataclass
class Site:
    """Everything the pages show."""

    config: Config
    packages: Packages
    councils: list[Council]
    england: Council
    icbs: list[Icb]
    measures: list[Measure]
    sources: list[Source]
    figures: list[Figure]
    updated: date


def build_model(packages: Packages, config: Config) -> Site:
    """Join the packages into linked objects, sorted for deterministic output."""
    icbs = {r["code"]: make_icb(r) for r in packages.rows("reference", "icbs")}
    councils = {r["code"]: make_council(r) for r in packages.rows("reference", "councils")}
    nation = (packages.rows("reference", "nations") or [{"code": ENGLAND, "name": "England", "slug": "england"}])[0]
    england = Council(nation["code"], nation["name"], nation["name"], nation["slug"], "Nation", "England",
                      None, None, None)
    link_overlaps(packages, councils, icbs)
    measures: dict[str, Measure] = {}
    sources: dict[str, Source] = {}
    figures = []
    for package in FIGURE_PACKAGES:
        measures |= {r["id"]: make_measure(r, package) for r in packages.rows(package, "measures")}
        sources |= {r["id"]: make_source(r) for r in packages.rows(package, "sources")}
        areas = councils | {england.code: england}
        figures += [make_figure(r, package, areas, measures, sources, icbs) for r in packages.rows(package, "figures")]
    figures.sort(key=lambda f: f.sort_key)
    for f in figures:
        f.area.figures.append(f)
        f.measure.figures.append(f)
        f.source.figures.append(f)
        if f.counterparty:
            f.counterparty.figures.append(f)
    link_former_ccgs(packages, icbs, figures)
    return Site(config, packages, sorted(councils.values(), key=lambda c: c.short_name), england,
                sorted(icbs.values(), key=lambda i: i.short_name), sorted(measures.values(), key=lambda m: m.label),
                sorted(sources.values(), key=lambda s: (s.publisher, s.title, s.id)), figures,
                updated_date(sources.values()))


def make_icb(r: dict[str, Any]) -> Icb:
    """An ICB from its reference row."""
    return Icb(r["code"], r["ods_code"], r["name"], r["short_name"], r["slug"])


def make_council(r: dict[str, Any]) -> Council:
    """A council from its reference row."""
    return Council(r["code"], r["name"], r["short_name"], r["slug"], r["type"], r["region"], r.get("population"),
                   r.get("latitude"), r.get("longitude"))


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


def make_measure(r: dict[str, Any], package: str) -> Measure:
    """A measure from its row."""
    return Measure(r["id"], r["label"], r["unit"], r["definition"], r["topic"], bool(r["allows_negative"]), package)


def make_source(r: dict[str, Any]) -> Source:
    """A source from its row."""
    return Source(r["id"], r["title"], r["publisher"], r.get("published"), r["url"], r["kind"], r["confidence"])


def make_figure(r: dict[str, Any], package: str, areas: dict[str, Council], measures: dict[str, Measure],
                sources: dict[str, Source], icbs: dict[str, Icb]) -> Figure:
    """A figure linked to its area, measure, source and (where known) ICB."""
    return Figure(
        r["id"], areas[r["area_code"]], measures[r["measure"]], r["value"], r["unit"], r["period_start"],
        r["period_end"], r["period_label"], r["qualifier"], r["status"], r.get("claimant") or "",
        sources[r["source_id"]], r.get("note") or "", r.get("counterparty_name") or "",
        bool(r.get("counterparty_inferred")), icbs.get(r.get("counterparty_code") or ""), package,
        r.get("counterparty_code") or "",
    )


def updated_date(sources: Any) -> date:
    """SOURCE_DATE_EPOCH if set, else the newest source date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    dates = [s.published for s in sources if s.published]
    return max(dates) if dates else date(1970, 1, 1)
