"""Generated narrative: what a council's figures show, every number from the data."""

from __future__ import annotations

from itertools import groupby

from sitegen import fmt
from sitegen.charts import when
from sitegen.model import Council, Figure


def sentence(f: Figure) -> str:
    """One figure in words; a claim says whose it is."""
    text = f"{f.measure.label}: {f.value_text} {when(f.period_label)}"
    if f.status == "claim":
        return f"{f.claimant} claims {f.measure.label.lower()} of {f.value_text} {when(f.period_label)}."
    return text + "."


def series_sentence(figures: list[Figure]) -> str:
    """The change between the first and last period of a reported series."""
    first, last = figures[0], figures[-1]
    verb = "rose" if last.value > first.value else "fell" if last.value < first.value else "was unchanged"
    approx = " (approximate figures)" if any(f.qualifier != "exact" for f in figures) else ""
    return (f"{first.measure.label} {verb} from {fmt.value(first.value, first.unit)} {when(first.period_label)} "
            f"to {fmt.value(last.value, last.unit)} {when(last.period_label)}, "
            f"{fmt.change(first.value, last.value, first.unit)}{approx}.")


def council_narrative(council: Council) -> list[str]:
    """Sentences, measure by measure: a change where a reported series exists, else each figure."""
    out = []
    ordered = sorted(council.figures, key=lambda f: (f.measure.topic, f.measure.label, f.period_end, f.id))
    for _, group in groupby(ordered, key=lambda f: f.measure.id):
        figures = list(group)
        reported = [f for f in figures if f.status == "reported"]
        periods = {f.period_label for f in reported}
        if len(periods) >= 2 and len(periods) == len(reported):
            out.append(series_sentence(reported))
            out += [sentence(f) for f in figures if f.status == "claim"]
        else:
            out += [sentence(f) for f in figures]
    return out
