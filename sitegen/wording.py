"""Sentences shared by chart descriptions and narratives: one way to say when, and how a value changed."""

from __future__ import annotations

from sitegen import fmt

Said = tuple[str, str, float]  # (value as shown, period label, value)


def when(category: str) -> str:
    """`at 31 March 2024` for a day, `in 2023-24` for a span."""
    day = category[:1].isdigit() and " " in category and " to " not in category
    return f"at {category}" if day else f"in {category}"


def change_sentence(name: str, first: Said, last: Said, unit: str) -> str:
    """`X rose from A in P to B in Q, an increase of …`, or `X was A both in P and in Q`."""
    (first_text, first_period, old), (last_text, last_period, new) = first, last
    if old == new:
        return f"{name} was {last_text} both {when(first_period)} and {when(last_period)}."
    verb = "rose" if new > old else "fell"
    return (f"{name} {verb} from {first_text} {when(first_period)} to {last_text} {when(last_period)}, "
            f"{fmt.change(old, new, unit)}.")
