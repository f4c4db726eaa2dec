"""Dispute pages: each side's figures on one timeline, whose each figure is, and every source cited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sitegen.data import fmt
from sitegen.data.periods import years_spanned
from sitegen.site.charts.model import Chart, Point
from sitegen.site.page import PageSpec

if TYPE_CHECKING:
    from sitegen.data.disputes import Dispute
    from sitegen.data.model import Area, Figure, Icb, Measure, Site, Source

STATUS_WORDS = {"open": "Open: the latest report we cite describes it as unresolved",
                "settled": "Settled, as reported", "unknown": "Not known: no source we cite says how it ended"}
UNATTRIBUTED = "Reported by the sources, not said by either side"
# figures as chart points (sitegen.site.views.time_points), handed in by the planner: importing views here would
# make the import chain deeper than docs/architecture.md allows
Points = Callable[[list["Figure"]], tuple[Point, ...]]


@dataclass(frozen=True)
class Side:
    """A party to a dispute, or the sources themselves, and the figures that are theirs."""

    name: str
    figures: list[Figure]
    party: bool  # one of the dispute's named parties (else: figures said by no party)


@dataclass(frozen=True)
class DisputeView:
    """What a dispute's page shows."""

    dispute: Dispute
    charts: list[Chart]
    timeline: list[Figure]  # every figure, oldest period first
    sides: list[Side]
    sources: list[Source]
    councils: list[Area]
    icbs: list[Icb]
    measures: list[Measure]

    @property
    def status_words(self) -> str:
        """The status as a reader takes it."""
        return STATUS_WORDS.get(self.dispute.status, self.dispute.status)


def whose(f: Figure) -> str:
    """`claimed by X, said by Y`, `planned by X`, `said by X`, or `reported by <publisher>`: whose figure it is."""
    said = f", said by {fmt.in_sentence(f.said_by)}" if f.said_by else ""
    if f.status == "claim":
        return f"claimed by {fmt.in_sentence(f.claimant)}{said}"
    if f.status == "planned":
        return f"planned by {fmt.in_sentence(f.said_by)}" if f.said_by else "a plan"
    return f"said by {fmt.in_sentence(f.said_by)}" if f.said_by else f"reported by {f.source.publisher}"


def belongs_to(f: Figure, party: str) -> bool:
    """The figure is the party's: the party is its claimant, or it said or planned it."""
    return bool(f.speaker) and party.lower() in f.speaker.lower()


def sides(dispute: Dispute) -> list[Side]:
    """Each party with its own figures (perhaps none), then the figures no party said."""
    figures = sorted(dispute.figures, key=lambda f: (f.period_end, f.period_start, f.id))
    out = [Side(party, [f for f in figures if belongs_to(f, party)], True) for party in dispute.parties]
    taken = {f.id for side in out for f in side.figures}
    others = [f for f in figures if f.id not in taken]
    return out + ([Side(UNATTRIBUTED, others, False)] if others else [])


KINDS = {(False, True): "amounts at a date", (False, False): "amounts over a period",
         (True, False): "totals over several years", (True, True): "totals over several years"}


def charts(dispute: Dispute, time_points: Points) -> list[Chart]:
    """A chart per unit and kind of period of the dispute's figures, each of two figures or more."""
    # a balance at a date is never drawn beside a flow over a period, nor a total of years beside one year
    groups: dict[tuple[str, bool, bool], list[Figure]] = {}
    for f in sorted(dispute.figures, key=lambda f: f.sort_key):
        groups.setdefault((f.unit, years_spanned(f.period_start, f.period_end) > 1, f.period_start == f.period_end),
                          []).append(f)
    out = []
    for (unit, total, balance), figures in sorted(groups.items()):
        if len(figures) < 2:
            continue
        areas = {f.area.code for f in figures}
        points = tuple(replace(p, series=f"{p.series} ({f.area.short_name})") if len(areas) > 1 else p
                       for p, f in zip(time_points(figures), figures, strict=True))
        words = KINDS[(total, balance)] + ("" if unit == "GBP" else f", {unit}")
        suffix = f"{unit.lower()}{'-totals' if total else ''}{'-at-date' if balance and not total else ''}"
        out.append(Chart(f"dispute-{dispute.id}-{suffix}", f"{dispute.title}: {words}", "time", points))
    return out


def dispute_view(dispute: Dispute, time_points: Points, icbs: list[Icb] | None = None) -> DisputeView:
    """A dispute's page: its timeline, its sides, its sources and the pages of what it involves."""
    figures = dispute.figures
    sources = sorted({f.source.id: f.source for f in figures}.values(), key=lambda s: (s.publisher, s.title, s.id))
    councils = sorted({f.area.code: f.area for f in figures}.values(), key=lambda a: a.short_name)
    named = {f.counterparty.code: f.counterparty for f in figures if f.counterparty}  # and ICBs by their former CCGs
    named |= {i.code: i for i in icbs or [] if any(f.dispute is dispute for f in i.ccg_figures)}
    involved = sorted(named.values(), key=lambda i: i.short_name)
    measures = sorted({f.measure.id: f.measure for f in figures}.values(), key=lambda m: m.label)
    timeline = sorted(figures, key=lambda f: (f.period_end, f.period_start, f.measure.label, f.id))
    return DisputeView(dispute, charts(dispute, time_points), timeline, sides(dispute), sources, councils,
                       involved, measures)


def dispute_pages(site: Site, time_points: Points) -> list[PageSpec]:
    """A page per dispute, and the index of them all (only when the data has disputes)."""
    if not site.disputes:
        return []
    views = [dispute_view(d, time_points, site.icbs) for d in site.disputes]
    specs = [PageSpec(f"disputes/{v.dispute.id}/index.html", ["dispute.html"], v.dispute.title,
                      {"view": v, "whose": whose}, v.charts,
                      f"{v.dispute.title}: each side's figures, with their sources.") for v in views]
    return [*specs, PageSpec("disputes/index.html", ["disputes.html"], "Disputes", {"views": views},
                             description="Disputes between councils and the NHS over money for care, side by side.")]
