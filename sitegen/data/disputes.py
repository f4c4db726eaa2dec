"""Disputes between a council and an NHS body: rows of a `disputes` resource, and the figures that name them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from sitegen.data.model import Figure
    from sitegen.data.rows import Row


@dataclass(eq=False)
class Dispute:
    """A dispute between a council and an NHS body, with every figure of either side that belongs to it."""

    id: str
    title: str
    parties: list[str]
    first_reported: date | None
    status: str  # open, settled or unknown
    note: str
    figures: list[Figure] = field(default_factory=list)


def disputes_of(figures: list[Figure]) -> list[Dispute]:
    """The disputes some of these figures belong to, each once, by title."""
    return sorted({f.dispute.id: f.dispute for f in figures if f.dispute}.values(), key=lambda d: (d.title, d.id))


def make_dispute(r: Row) -> Dispute:
    """A dispute from its row; its parties one by one."""
    parties = [p.strip() for p in str(r.get("parties") or "").split(";") if p.strip()]
    return Dispute(r["id"], r["title"], parties, r.get("first_reported"), r["status"], r.get("note") or "")
