"""What of a page search indexes: its `data-pagefind-body` element, less what nobody searches for."""

from __future__ import annotations

import re

BODY = b"data-pagefind-body"
# What nobody searches for, cut before Pagefind reads a page. Data tables and drawings repeat, value by value, what
# the page's sentences say: a measure's ranking names all 152 councils ("Kent" would find every measure before
# Kent's own page), as does its list of councils with no figure for a period; a council's comparisons, its course
# over time and its statistical neighbours name every measure and ten other councils (each a false hit for them);
# under every chart, the same download link and embed code; a chart's description and a council's key figures
# say again what the page's summary says; recent changes, and the note on how figures are put per head, are the
# same words on hundreds of pages; the coverage page's values worth a second look name a council and a measure
# each (thousands, where many figures jump). Cut here, rather than marked `data-pagefind-ignore` in the
# templates, they leave the published pages as they are (a page's own `data-pagefind-ignore` still counts:
# Pagefind reads what is left), and spare Pagefind parsing megabytes of tables.
IGNORED = (b"<table", b"<svg", b'<div class="chart-actions"', b'<figure class="hexmap"', b'<details class="gaps"',
           b'<section class="comparisons"', b'<section class="course"', b'<section class="neighbours"',
           b'<section class="recent-changes"', b'<p class="note">Money is compared per head',
           b'<p class="chart-description"', b'<ul class="key-figures"',
           b'<section aria-labelledby="data-quality"')
# `<name` alone stands for that whole tag name, with or without attributes
OPENERS = re.compile(b"|".join(re.escape(o) + (b"" if b" " in o else rb"[\s>]") for o in IGNORED))


def searchable(page: bytes) -> str | None:
    """The HTML Pagefind indexes for a page (UTF-8): its main element, less tables, drawings and chart tools; None
    for a page search leaves out (no `data-pagefind-body`: the search page itself, 404, embeds)."""
    marker = page.find(BODY)
    if marker < 0:
        return None
    start = page.rfind(b"<", 0, marker)
    # to the last closing tag of its name: at or after its own (Pagefind indexes that element alone), and found
    # from the page's end, a few lines away, rather than by scanning the element for nested ones
    close = b"</" + page[start + 1:marker].split(None, 1)[0] + b">"
    end = page.rfind(close, marker)
    body = page[start:] if end < 0 else page[start:end + len(close)]
    return f"<html><body>{cut(body).decode('utf-8')}</body></html>"


def cut(html: bytes) -> bytes:
    """html without any element IGNORED opens: one scan, skipping each such element whole."""
    kept, pos = [], 0
    while found := OPENERS.search(html, pos):
        kept.append(html[pos:found.start()])
        pos = closing(html, found.start(), found.group()[1:].split(None, 1)[0].rstrip(b">"))
    kept.append(html[pos:])
    return b"".join(kept)


def tag_at(html: bytes, opener: bytes, start: int, end: int | None = None) -> int:
    """Where the next tag beginning with opener is before end, or -1 (`<name` alone: that whole tag name)."""
    at = html.find(opener, start, end)
    while at >= 0 and b" " not in opener and html[at + len(opener):at + len(opener) + 1] not in b" >\n\t":
        at = html.find(opener, at + 1, end)
    return at


def closing(html: bytes, start: int, name: bytes) -> int:
    """Where the element opened at start ends (after its closing tag, counting elements of its name nested in it);
    the end of html when it is never closed."""
    depth, at = 0, start
    while True:
        closed = html.find(b"</" + name + b">", at + 1)
        if closed < 0:
            return len(html)
        opened = tag_at(html, b"<" + name, at + 1, closed)
        if 0 <= opened < closed:
            depth, at = depth + 1, opened
        elif depth:
            depth, at = depth - 1, closed
        else:
            return closed + len(name) + 3
