"""The rules for text that every layer shares: control characters, links, slugs, spreadsheet columns, plurals."""

from __future__ import annotations

import re

# C0 and C1 controls (tab and newline aside), and the line separators that break scripts and charts
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# scheme, `//`, a host, then an optional path: no whitespace, control character, quote or angle bracket
WEB_URL = re.compile(r"https?://[^\s/?#\\@\x00-\x1f\x7f\"'<>`]+(?:[/?#][^\s\x00-\x1f\x7f\"<>`]*)?", re.IGNORECASE)
# what a spreadsheet reads as the start of a formula: such a cell is refused in data and quoted in downloads
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def is_web_url(text: object) -> bool:
    """True for an absolute http(s) URL with a host: not ` https://…`, `https:alert`, `//host` or `…\\n`."""
    return isinstance(text, str) and WEB_URL.fullmatch(text) is not None


def slugify(text: str) -> str:
    """`2023-24` -> `2023-24`, `Bath & North East Somerset` -> `bath-north-east-somerset`."""
    from slugify import slugify as _slugify  # 4 ms to load: a build with nothing changed makes no slug

    return str(_slugify(text, lowercase=True))


def column_letters(index: int) -> str:
    """A spreadsheet column's name: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


PROPER_WORDS = frozenset({"London", "England", "English"})  # kept capitalised inside a sentence


def upper_first(text: str) -> str:
    """A label at the start of a sentence or heading: `partner` -> `Partner`, `ICB` stays `ICB`."""
    return text[:1].upper() + text[1:]


def plural(label: str) -> str:
    """A label's plural as it reads in a sentence: `Unitary authority` -> `unitary authorities`, `London borough` ->
    `London boroughs`."""
    words = label.split()
    if not words:
        return label
    if words[0] not in PROPER_WORDS and not words[0].isupper():
        words[0] = words[0][:1].lower() + words[0][1:]
    last = words[-1]
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return " ".join([*words[:-1], last])
