"""Generated narrative: what a council's figures show, every number from the data."""

from __future__ import annotations

from itertools import groupby

from sitegen import fmt
from sitegen.charts import when
from sitegen.model import TOPICS, Council, Figure


def sentence(f: Figure) -> str:
    """One figure in words; a claim says whose it is."""
    text = f"{f.measure.label}: {f.value_text} {when(f.period_label)}"
    if f.status == "claim":
        return f"{text}, according to {f.claimant} (a claim, not an agreed figure)."
    return text + "."


def series_sentence(figures: list[Figure]) -> str:
    """The change between the first and last period of a reported series, qualifiers kept."""
    first, last = figures[0], figures[-1]
    if first.value == last.value:
        return (f"{first.measure.label} was {last.value_text} both {when(first.period_label)} "
                f"and {when(last.period_label)}.")
    verb = "rose" if last.value > first.value else "fell"
    return (f"{first.measure.label} {verb} from {first.value_text} {when(first.period_label)} "
            f"to {last.value_text} {when(last.period_label)}, {fmt.change(first.value, last.value, first.unit)}.")


def period_kind(f: Figure) -> int:
    """How long a period is, in months (0 for a day): only periods of one kind make a series."""
    return round((f.period_end - f.period_start).days / 30.4)


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


def council_narrative(council: Council) -> list[str]:
    """Sentences, measure by measure, in topic order."""
    rank = {topic: i for i, topic in enumerate(TOPICS)}  # NHS debt first: the page's main story
    ordered = sorted(council.figures, key=lambda f: (rank[f.measure.topic], f.measure.label, f.period_end, f.id))
    groups = groupby(ordered, key=lambda f: f.measure.id)
    return [text for _, group in groups for text in measure_sentences(list(group))]
