"""The one rule for links, wherever they come from: data, descriptors or settings."""

from __future__ import annotations

import re

# scheme, `//`, a host, then an optional path: no whitespace, control character, quote or angle bracket
WEB_URL = re.compile(r"https?://[^\s/?#\\@\x00-\x1f\x7f\"'<>`]+(?:[/?#][^\s\x00-\x1f\x7f\"<>`]*)?", re.IGNORECASE)


def is_web_url(text: object) -> bool:
    """True for an absolute http(s) URL with a host: not ` https://…`, `https:alert`, `//host` or `…\\n`."""
    return isinstance(text, str) and WEB_URL.fullmatch(text) is not None
