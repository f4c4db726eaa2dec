"""Where each property of a JSON document is written: its path, as problems name it, to its line."""

from __future__ import annotations

import bisect
import json
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.errors import Problem

WHITESPACE = " \t\n\r"


def property_lines(text: str) -> dict[str, int]:
    """The line of every property and list item of a JSON document already parsed (so valid, and at most a few
    dozen levels deep): `resources[0].schema.fields[7].groupChar` -> the line where that key is written."""
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    found: dict[str, int] = {}
    decoder = json.JSONDecoder()

    def line(at: int) -> int:
        return bisect.bisect_left(newlines, at) + 1

    def skip(at: int) -> int:
        while at < len(text) and text[at] in WHITESPACE:
            at += 1
        return at

    def value(at: int, path: str) -> int:
        """Record the properties inside the value starting at `at`; where the value ends."""
        at = skip(at)
        if text[at] == "{":
            at = skip(at + 1)
            while text[at] != "}":
                key, end = decoder.raw_decode(text, at)
                inner = f"{path}.{key}" if path else str(key)
                found[inner] = line(at)  # the last of two equal keys is the one json.loads keeps
                at = skip(value(skip(end) + 1, inner))  # past the colon, then the value
                at = skip(at + 1) if text[at] == "," else at
            return at + 1
        if text[at] == "[":
            at, index = skip(at + 1), 0
            while text[at] != "]":
                inner = f"{path}[{index}]"
                found[inner] = line(at)
                at = skip(value(at, inner))
                at, index = (skip(at + 1) if text[at] == "," else at), index + 1
            return at + 1
        return decoder.raw_decode(text, at)[1]

    value(0, "")
    return found


def locate(problems: list[Problem], text: str, shown: str) -> list[Problem]:
    """Problems about the JSON file shown, given the line where the property they name is written (where they
    say none); a property that is missing, the line of the object that lacks it."""
    if not any(p.path == shown and p.line == 0 and p.field for p in problems):
        return problems
    lines = property_lines(text)
    return [replace(p, line=line_of(p.field, lines)) if p.path == shown and p.line == 0 else p for p in problems]


def line_of(path: str, lines: dict[str, int]) -> int:
    """The line of a property, or of the nearest object or list holding where it would be; 0 if none."""
    while path and path not in lines:
        path = path[:max(path.rfind("."), path.rfind("["), 0)]
    return lines.get(path, 0)
