"""The benchmark table: each figure with its median, min and max, next to the issue's target (met, or by how much)."""

from __future__ import annotations

from dataclasses import dataclass, field

from measure import Stats


@dataclass(frozen=True)
class Target:
    """A target of the issue and the measured value it is judged on."""

    text: str  # as the issue words it, e.g. "≤ 30 s CPU"
    value: float
    limit: float
    unit: str
    at_least: bool = False  # a rate must reach the limit; a time or size must stay under it

    def met(self) -> bool:
        """Whether the measured value meets the target."""
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def verdict(self) -> str:
        """`met`, or `missed by <gap> (<factor>×)`."""
        if self.met():
            return f"{self.text}: met"
        factor = self.limit / self.value if self.at_least else self.value / self.limit
        if self.unit == "×":  # a ratio: how far short it falls is itself the factor
            return f"{self.text}: **missed**, {factor:.1f}× short"
        return f"{self.text}: **missed** by {number(abs(self.limit - self.value))} {self.unit} ({factor:.1f}×)"


@dataclass
class Row:
    """One line of the table."""

    label: str
    stats: Stats | None
    note: str = ""
    targets: list[Target] = field(default_factory=list)


def number(x: float) -> str:
    """Seconds, MB or rows/s to a sensible precision."""
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def spread(stats: Stats, name: str) -> str:
    """`median (min–max)`."""
    median, low, high = stats.of(name)
    return number(median) if len(stats.samples) == 1 else f"{number(median)} ({number(low)}–{number(high)})"


def loads(stats: Stats) -> str:
    """The machine's 1-minute load average as the runs ended: `low–high`, or one figure."""
    _, low, high = stats.of("load")
    return f"{low:.1f}" if f"{low:.1f}" == f"{high:.1f}" else f"{low:.1f}–{high:.1f}"


def table(rows: list[Row]) -> str:
    """A Markdown table, ready for the README."""
    lines = ["| benchmark | runs | CPU s, median (min–max) | wall s, median (min–max) | peak MB | load | notes "
             "| target |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cells = ["", "", "", "", ""] if r.stats is None else [
            str(len(r.stats.samples)), spread(r.stats, "cpu"), spread(r.stats, "wall"),
            number(r.stats.of("peak_mb")[2]), loads(r.stats)]
        lines.append(f"| {r.label} | {' | '.join(cells)} | {r.note} | {'; '.join(t.verdict() for t in r.targets)} |")
    return "\n".join(lines)
