"""The one way text becomes a slug: lowercase ASCII letters, digits and single hyphens."""

from __future__ import annotations

import re

from slugify import slugify as _slugify

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """`2023-24` -> `2023-24`, `Bath & North East Somerset` -> `bath-north-east-somerset`."""
    return str(_slugify(text, lowercase=True))
