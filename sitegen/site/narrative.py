"""Generated narrative: what a council's figures show, every number from the data."""

from __future__ import annotations

from itertools import groupby

from sitegen.data.model import Area, Figure
from sitegen.data.periods import consecutive, months_spanned
from sitegen.site.wording import change_sentence, comparable, when


def sentence(f: Figure) -> str:
    """One figure in words; a claim says whose it is, a plan whose plan, a statement who made it."""
    text = f"{f.measure.label}: {f.value_text} {when(f.period_label)}"
    if f.status == "claim":
        return f"{text}, according to {f.claimant} (a claim, not an agreed figure)."
    if f.status == "planned":
        whose = f" ({in_sentence(f.said_by)})" if f.said_by else ""
        return f"{text}, a plan or target{whose}, not an outcome."
    if f.flag == "suspect":
        text += ", as published, though it looks like a slip (see the note in the table)"
    return f"{text}, as said by {in_sentence(f.said_by)}." if f.said_by else text + "."


def in_sentence(speaker: str) -> str:
    """`The chief executive of …` as it reads inside a sentence: `the chief executive of …`."""
    return "the " + speaker[4:] if speaker.startswith("The ") else speaker


def pair_sentence(first: Figure, then: Figure) -> str:
    """The change between two figures of consecutive periods, qualifiers kept."""
    return change_sentence(first.measure.label, (first.value_text, first.period_label, first.value),
                           (then.value_text, then.period_label, then.value), first.unit, first.qualifier)


def can_compare(first: Figure, then: Figure) -> bool:
    """Two reported figures of consecutive periods, both exact or both approximate."""
    return (comparable(first.qualifier, then.qualifier)
            and consecutive((first.period_start, first.period_end), (then.period_start, then.period_end)))


def period_kind(f: Figure) -> int:
    """How long a period is, in months: only periods of one kind make a series."""
    return months_spanned(f.period_start, f.period_end)


def series_sentences(series: list[Figure]) -> list[tuple[Figure, str]]:
    """The latest change that can be stated, and every other figure on its own (dated by its period)."""
    pairs = [i for i in range(len(series) - 1) if can_compare(series[i], series[i + 1])]
    if not pairs:
        return [(f, sentence(f)) for f in series]
    i = pairs[-1]
    alone = series[:i] + series[i + 2:]
    return [(f, sentence(f)) for f in alone] + [(series[i + 1], pair_sentence(series[i], series[i + 1]))]


def measure_sentences(figures: list[Figure]) -> list[str]:
    """Sentences for one measure's figures, in period order."""
    # a series is of figures reported as fact by the source itself; any other figure is stated on its own
    alone = [f for f in figures if f.status != "reported" or f.said_by or f.flag]
    reported = sorted((f for f in figures if f not in alone), key=lambda f: (period_kind(f), f.period_end))
    out = [(f, sentence(f)) for f in alone]
    for _, group in groupby(reported, key=period_kind):
        series = list(group)
        labels = [f.period_label for f in series]
        out += series_sentences(series) if len(set(labels)) == len(labels) else [(f, sentence(f)) for f in series]
    return [text for _, text in sorted(out, key=lambda pair: (pair[0].period_end, pair[0].id))]


def council_narrative(area: Area) -> list[str]:
    """Sentences, measure by measure, in topic order (NHS debt first in the real data: the page's main story)."""
    ordered = sorted(area.figures, key=lambda f: (f.measure.topic.order, f.measure.label, f.period_end, f.id))
    groups = groupby(ordered, key=lambda f: f.measure.id)
    return [text for _, group in groups for text in measure_sentences(list(group))]
