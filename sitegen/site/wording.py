"""Sentences shared by chart descriptions and narratives: one way to say when, and how a value changed."""

from __future__ import annotations

from sitegen.data import fmt

Said = tuple[str, str, float]  # (value as shown, period label, value)


def when(category: str) -> str:
    """`at 31 March 2024` for a day, `in 2023-24` for a span."""
    day = category[:1].isdigit() and " " in category and " to " not in category
    return f"at {category}" if day else f"in {category}"


# A change is stated only between two values that say the same kind of thing: two exact ones, or two
# approximate ones (the change is then approximate too). A lower bound gives no change at all.
COMPARABLE = {"exact": "", "approximate": "about "}


def comparable(first_qualifier: str, then_qualifier: str) -> bool:
    """Whether a change between values so qualified can be stated."""
    return first_qualifier == then_qualifier and first_qualifier in COMPARABLE


def change_sentence(name: str, first: Said, last: Said, unit: str, qualifier: str = "exact") -> str:
    """`X rose from A in P to B in Q, an increase of …`, or `X was A both in P and in Q`."""
    (first_text, first_period, old), (last_text, last_period, new) = first, last
    if old == new:
        return f"{name} was {last_text} both {when(first_period)} and {when(last_period)}."
    verb = "rose" if new > old else "fell"
    change = fmt.change(old, new, unit).replace(" of ", f" of {COMPARABLE.get(qualifier, '')}", 1)
    return f"{name} {verb} from {first_text} {when(first_period)} to {last_text} {when(last_period)}, {change}."
