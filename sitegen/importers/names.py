"""Name matching: councils and NHS bodies as a source wrote them -> their codes in the reference package."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# Words that differ between how a source names a body and its official name; dropped before comparing.
FILLER = ("nhs ", " integrated care board", " icb", " ccg", " council", " county", " city", " borough",
          " metropolitan", "london borough of ", "royal borough of ", " district", "borough of ",
          "council of the ", " upon ", " on ", " the ")


def norm(name: str) -> str:
    """A council or NHS body name reduced for matching: `Stockton-on-Tees Borough Council` -> `stockton tees`."""
    name = " " + re.sub(r"\(.*?\)", " ", name.lower()).replace("&", "and") + " "
    name = re.sub(r"[^a-z0-9]+", " ", name)
    name = " " + name.strip() + " "
    for word in FILLER:
        name = name.replace(word, " ")
    return re.sub(r" +", " ", name).strip()


@dataclass(frozen=True)
class Candidate:
    """An area a name may stand for, with the days it existed (None: open-ended)."""

    code: str
    start: date | None = None
    end: date | None = None

    def alive(self, day: date) -> bool:
        """Whether the area existed on that day."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class AreaIndex:
    """Councils (current and abolished) and England by normalised name; aliases map exact names."""

    names: dict[str, list[Candidate]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, candidate: Candidate) -> None:
        """Index one name of an area."""
        found = self.names.setdefault(norm(name), [])
        if candidate not in found:
            found.append(candidate)

    def code(self, reported: str, on: date | None = None) -> str | None:
        """The code of the area a source named, on a day if given; None when unknown or ambiguous."""
        if reported in self.aliases:
            return self.aliases[reported]
        found = self.names.get(norm(reported), [])
        # without a date, a name shared with an abolished council means the council of today
        current = [c for c in found if c.end is None] or found
        found = current if on is None else [c for c in found if c.alive(on)]
        codes = {c.code for c in found}
        return codes.pop() if len(codes) == 1 else None


def area_index(councils: Iterable[Mapping[str, object]], predecessors: Iterable[Mapping[str, object]] = (),
               successions: Iterable[Mapping[str, object]] = (), nations: Iterable[Mapping[str, object]] = (),
               aliases: Mapping[str, str] | None = None) -> AreaIndex:
    """An index of the reference package's areas; a successor starts the day after its predecessor ended."""
    ended = {str(p["code"]): as_date(p["end_date"]) for p in predecessors}
    starts: dict[str, date] = {}
    for row in successions:
        end = ended.get(str(row["predecessor_code"]))
        if end is not None:
            starts[str(row["successor_code"])] = end + timedelta(days=1)
    index = AreaIndex(aliases=dict(aliases or {}))
    for row in councils:
        for key in ("name", "short_name"):
            index.add(str(row[key]), Candidate(str(row["code"]), starts.get(str(row["code"]))))
    for row in predecessors:
        for key in ("name", "short_name"):
            index.add(str(row[key]), Candidate(str(row["code"]), None, ended[str(row["code"])]))
    for row in nations:
        index.add(str(row["name"]), Candidate(str(row["code"])))
    return index


def as_date(value: object) -> date:
    """A date from a typed cell or its ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass
class BodyIndex:
    """ICBs and former CCGs by normalised name."""

    icbs: dict[str, str]
    ccgs: dict[str, str]

    def code(self, name: str) -> str:
        """ONS code of an ICB or former CCG named exactly enough; blank for trusts, PCTs and groups."""
        plain = re.sub(r"\(.*?\)", "", name)
        if re.search(r"\bICB\b|Integrated Care Board", plain):
            return self.icbs.get(norm(name), "")
        if re.search(r"\bCCG\b", plain) and not re.search(r"CCGs|/", plain):
            return self.ccgs.get(norm(name), "")
        return ""


def body_index(icbs: Iterable[Mapping[str, object]], ccgs: Iterable[Mapping[str, object]]) -> BodyIndex:
    """An index of the reference package's NHS bodies."""
    return BodyIndex({norm(str(r["name"])): str(r["code"]) for r in icbs},
                     {norm(str(r["name"])): str(r["code"]) for r in ccgs})


def counterparty(reported: str, bodies: BodyIndex) -> tuple[str, str, bool]:
    """(code, name, inferred) for an NHS body as reported; `NHS (X)` means the source left it to us to infer X."""
    inferred = reported.startswith("NHS (") and reported.endswith(")")
    name = reported[5:-1] if inferred else reported
    return bodies.code(name), name, inferred
