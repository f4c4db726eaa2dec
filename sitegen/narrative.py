"""Generated narrative: what a council's figures show, every number from the data."""

from __future__ import annotations

from itertools import groupby

from sitegen.model import Area, Figure
from sitegen.periods import months_spanned
from sitegen.wording import change_sentence, when


def sentence(f: Figure) -> str:
    """One figure in words; a claim says whose it is."""
    text = f"{f.measure.label}: {f.value_text} {when(f.period_label)}"
    if f.status == "claim":
        return f"{text}, according to {f.claimant} (a claim, not an agreed figure)."
    return text + "."


def series_sentence(figures: list[Figure]) -> str:
    """The change between the first and last period of a reported series, qualifiers kept."""
    first, last = figures[0], figures[-1]
    return change_sentence(first.measure.label, (first.value_text, first.period_label, first.value),
                           (last.value_text, last.period_label, last.value), first.unit)


def period_kind(f: Figure) -> int:
    """How long a period is, in months: only periods of one kind make a series."""
    return months_spanned(f.period_start, f.period_end)


def measure_sentences(figures: list[Figure]) -> list[str]:
    """A change per series of like periods with two or more of them; every other figure on its own."""
    reported = [f for f in figures if f.status == "reported"]
    out, alone = [], [f for f in figures if f.status != "reported"]
    for _, group in groupby(sorted(reported, key=period_kind), key=period_kind):
        series = sorted(group, key=lambda f: (f.period_end, f.id))
        labels = [f.period_label for f in series]
        if len(labels) >= 2 and len(set(labels)) == len(labels):
            out.append((series[0].period_end, series_sentence(series)))
        else:
            alone += series
    out += [(f.period_end, sentence(f)) for f in alone]
    return [text for _, text in sorted(out, key=lambda pair: pair[0])]


def council_narrative(area: Area) -> list[str]:
    """Sentences, measure by measure, in topic order (NHS debt first in the real data: the page's main story)."""
    ordered = sorted(area.figures, key=lambda f: (f.measure.topic.order, f.measure.label, f.period_end, f.id))
    groups = groupby(ordered, key=lambda f: f.measure.id)
    return [text for _, group in groups for text in measure_sentences(list(group))]
