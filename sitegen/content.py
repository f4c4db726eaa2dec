"""Markdown pages with front matter; `{{ figure:ID }}` shortcodes; HTML sanitised."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import nh3
import yaml

from sitegen.errors import Problem, problem

# Images are left out: content has no way to ship its own files, and any other host is off limits
ALLOWED_TAGS = nh3.ALLOWED_TAGS - {"img"}
CONTENT_PAGES = ("about", "methodology")  # Markdown pages with a place on the site, besides councils/<slug>
SHORTCODE = re.compile(r"\{\{\s*figure:([^\s}]*)\s*\}\}")


@dataclass
class Page:
    """A Markdown page: its front matter and body source."""

    path: Path
    shown: str
    meta: dict[str, Any]
    body: str
    body_line: int  # file line where the body starts
    problems: list[Problem] = field(default_factory=list)


def split_front_matter(text: str, shown: str) -> tuple[dict[str, Any], str, int, list[Problem]]:
    """YAML between leading `---` lines, the rest, and the body's first line."""
    if not text.startswith("---\n"):
        return {}, text, 1, []
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text, 1, [problem("front-matter", "front matter opened with --- is never closed", shown, 1)]
    raw, body = text[4:end], text[end + 5:]
    try:
        meta = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        return {}, body, 1, [problem("front-matter", f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
                                     shown, line)]
    if not isinstance(meta, dict):
        return {}, body, 1, [problem("front-matter", "front matter must be a mapping of keys to values", shown, 2)]
    return meta, body, raw.count("\n") + 4, []


def load_page(path: Path, shown: str) -> Page:
    """Read a Markdown page; problems are collected, not raised."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Page(path, shown, {}, "", 1, [problem("encoding", f"not UTF-8 ({exc.reason})", shown, 1)])
    meta, body, line, problems = split_front_matter(text, shown)
    return Page(path, shown, meta, body, line, problems)


def unknown_shortcodes(page: Page, known: set[str]) -> list[Problem]:
    """A problem for every shortcode naming a figure that does not exist."""
    found = []
    for match in SHORTCODE.finditer(page.body):
        if match.group(1) not in known:
            line = page.body_line + page.body.count("\n", 0, match.start())
            found.append(problem("unknown-figure", "no figure has this id", page.shown, line, "figure", match.group(1)))
    return found


def render(page: Page, expand: Callable[[str], str]) -> str:
    """Markdown to sanitised HTML; shortcodes become the figure's value, linked to its row."""
    tokens: dict[str, str] = {}

    def hold(match: re.Match[str]) -> str:
        token = f"FIGREF{len(tokens)}X"
        tokens[token] = expand(match.group(1))
        return token

    html = markdown.markdown(SHORTCODE.sub(hold, page.body), extensions=["tables", "sane_lists"])
    html = nh3.clean(html, tags=ALLOWED_TAGS, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    for token, replacement in tokens.items():
        html = html.replace(token, replacement)
    return html
