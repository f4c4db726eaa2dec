"""Markdown pages with front matter; `{{ figure:ID }}` shortcodes; HTML sanitised."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import markdown
import nh3
import yaml
from frontmatter.default_handlers import YAMLHandler

from sitegen.errors import Problem, problem
from sitegen.files import MAX_PAGE_BYTES, MAX_PAGE_MARKUP, Inputs, ReadRefused, read_text
from sitegen.text import CONTROL

if TYPE_CHECKING:
    from collections.abc import Callable, Container
    from pathlib import Path

# Images are left out: content has no way to ship its own files, and any other host is off limits
ALLOWED_TAGS = nh3.ALLOWED_TAGS - {"img"}
CONTENT_PAGES = ("about", "methodology")  # Markdown pages with a place on the site, besides councils/<slug>
HOME_INTRO = "home"  # content/home.md: the home page's introduction, the project's words over the theme's page
SHORTCODE = re.compile(r"\{\{\s*figure:([^\s}]*)\s*\}\}")
# A shortcode is held as private-use characters that content may not contain, so no text can forge one
TOKEN_OPEN, TOKEN_CLOSE = "\ue000", "\ue001"
TOKEN = re.compile(f"{TOKEN_OPEN}([0-9]+){TOKEN_CLOSE}")
RESERVED = re.compile(f"[{TOKEN_OPEN}{TOKEN_CLOSE}]")
MAX_FRONT_MATTER = 20_000  # characters: a few lines of settings, not a document
MAX_NESTING = 32  # lists and quotes inside one another; Python-Markdown recurses once per level
CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|[0-9]{1,9}[.)](?=[ \t]))")


@dataclass
class Page:
    """A Markdown page: its front matter and body source."""

    path: Path
    shown: str
    meta: dict[str, Any]
    body: str
    body_line: int  # file line where the body starts
    problems: list[Problem] = field(default_factory=list)


class SafeLoader(yaml.SafeLoader):
    """YAML without anchors, aliases or tags: plain data only, so no alias bomb and no object."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Refuse an alias, an anchor or an explicit tag before it is composed."""
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(None, None, "anchors and aliases (& and *) are not allowed",
                                              event.start_mark)
        if getattr(event, "tag", None) is not None and not _implicit(event):
            raise yaml.composer.ComposerError(None, None, f"tags such as {event.tag} are not allowed",
                                              event.start_mark)
        return super().compose_node(parent, index)


def _implicit(event: Any) -> bool:
    """True when the event's tag was resolved by YAML, not written by the author."""
    implicit = getattr(event, "implicit", False)
    return any(implicit) if isinstance(implicit, tuple) else bool(implicit)


class SafeYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler, with the loader above."""

    def load(self, fm: str, **_kwargs: object) -> Any:
        """Parse front matter with SafeLoader."""
        return yaml.load(fm, Loader=SafeLoader)


def split_front_matter(text: str, shown: str) -> tuple[dict[str, Any], str, int, list[Problem]]:
    """YAML between leading `---` lines, the rest, and the body's first line."""
    handler = SafeYAMLHandler()
    opened = handler.FM_BOUNDARY.match(text)
    if opened is None:
        return {}, text, 1, []
    try:
        raw, body = handler.split(text)
    except ValueError:
        return {}, text, 1, [problem("front-matter", "front matter opened with --- is never closed", shown, 1)]
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    first_line = text.count("\n", 0, opened.end()) + 1
    if len(raw) > MAX_FRONT_MATTER:
        return {}, body, body_line, [problem("too-large", f"front matter is longer than {MAX_FRONT_MATTER:,} "
                                             "characters", shown, first_line)]
    try:
        # without the newline before the closing ---, an error at the end is placed on the last line of YAML
        meta = handler.load(raw.removesuffix("\n")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark else first_line
        return {}, body, body_line, [problem("front-matter", "front matter is not valid YAML: "
                                             f"{getattr(exc, 'problem', None) or exc}", shown, line)]
    if not isinstance(meta, dict):
        return {}, body, body_line, [problem("front-matter", "front matter must be a mapping of keys to values",
                                             shown, first_line)]
    return meta, body, body_line, []


def load_page(path: Path, shown: str, inputs: Inputs | None = None, max_markup: int = MAX_PAGE_MARKUP) -> Page:
    """Read a Markdown page (inside the project, a regular file, within the limits); problems collected."""
    try:
        text = read_text(path, inputs or Inputs.under(path, MAX_PAGE_BYTES), shown)
    except ReadRefused as exc:
        return Page(path, shown, {}, "", 1, [exc.problem])
    text = text.replace("\r\n", "\n")
    meta, body, line, problems = split_front_matter(text, shown)
    problems += body_problems(body, line, shown, max_markup)
    return Page(path, shown, meta, body, line, problems)


def body_problems(body: str, first_line: int, shown: str, max_markup: int = MAX_PAGE_MARKUP) -> list[Problem]:
    """Control or reserved characters, and nesting deeper than Markdown can render in bounded time."""
    found = []
    for number, line in enumerate(body.split("\n"), start=first_line):
        bad = CONTROL.search(line) or RESERVED.search(line)
        if bad:
            found.append(problem("control-character", f"the character U+{ord(bad.group()):04X} is not allowed in "
                                 "content", shown, number, "text", line))
        depth = nesting(line)
        if depth > MAX_NESTING:
            found.append(problem("too-deep", f"lists or quotes nested {depth} deep (at most {MAX_NESTING})",
                                 shown, number, "text", line))
        if len(found) >= 10:
            break  # enough to show what is wrong
    markup = body.count("[") + body.count("<")
    if markup > max_markup:
        found.append(problem("too-complex", f"{markup:,} links and tags ([ and < characters), over max_page_markup "
                             f"({max_markup:,}): Markdown would take too long to render", shown, first_line,
                             "text", markup))
    return found


def nesting(line: str) -> int:
    """How many lists and quotes a line sits in: its leading markers, plus its indent in steps of 4."""
    depth, position = 0, 0
    while match := CONTAINER.match(line, position):
        depth, position = depth + 1, match.end()
    expanded = line.expandtabs(4)
    return depth + (len(expanded) - len(expanded.lstrip(" "))) // 4


def unknown_shortcodes(page: Page, known: Container[str]) -> list[Problem]:
    """A problem for every shortcode naming a figure that does not exist."""
    found = []
    for match in SHORTCODE.finditer(page.body):
        if match.group(1) not in known:
            line = page.body_line + page.body.count("\n", 0, match.start())
            found.append(problem("unknown-figure", "no figure has this id", page.shown, line, "figure", match.group(1)))
    return found


def render(page: Page, expand: Callable[[str], str]) -> str:
    """Markdown to sanitised HTML; shortcodes become the figure's value, linked to its row."""
    ids: list[str] = []

    def hold(match: re.Match[str]) -> str:
        ids.append(match.group(1))
        return f"{TOKEN_OPEN}{len(ids) - 1}{TOKEN_CLOSE}"

    html = markdown.markdown(SHORTCODE.sub(hold, RESERVED.sub("", page.body)), extensions=["tables", "sane_lists"])
    html = nh3.clean(html, tags=ALLOWED_TAGS, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer", attribute_filter=_no_tokens)
    return TOKEN.sub(lambda m: expand(ids[int(m.group(1))]), html)


def _no_tokens(_tag: str, _attribute: str, value: str) -> str:
    """A shortcode inside an attribute stays text: only a shortcode in the page's text becomes a link."""
    return RESERVED.sub("", TOKEN.sub("", value))
