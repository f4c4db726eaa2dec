"""This site's own wording, which the built-in theme must never show a project of its own: found in a built site."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

# The words moved out of the theme into this project's content/ and sitegen.toml (issue 23)
THIS_SITE = ("Who Pays for Care", "NHS", "Better Care Fund", "BCF", "Integrated Care Board", "integrated care board",
             "ICB", "CCG", "Clinical Commissioning Group", "England", "English", "adult social care",
             "Office for National Statistics", "ONS", "mySociety", "Open Government Licence", "Harrogate",
             "Cheltenham")
FOUND = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in THIS_SITE) + r")")
ADDRESSES = ("href", "src", "action", "data-spec", "data-bundle", "id", "class", "for", "aria-labelledby")


class Words(HTMLParser):
    """A page's words as a reader meets them: its text and the attributes read out or shown (not its addresses)."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.words += [value for name, value in attrs if value and name not in ADDRESSES]


def this_sites_wording(site: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """`page: word` for each of this site's words on any page of a built site (pages under skip aside)."""
    found = []
    for page in sorted(site.rglob("*.html")):
        shown = page.relative_to(site).as_posix()
        if shown.startswith(skip):
            continue
        parser = Words()
        parser.feed(page.read_text(encoding="utf-8"))
        found += sorted({f"{shown}: {m.group()}" for m in FOUND.finditer(" ".join(parser.words))})
    return found
