"""Installed library versions: part of every cache key, since they can change output bytes."""

from __future__ import annotations

import functools
import importlib.metadata

# Libraries whose version can change the output bytes
LIBRARIES = ("altair", "feedgen", "frictionless", "jinja2", "markdown", "nh3", "vl-convert-python", "XlsxWriter")


@functools.cache
def library_version(name: str) -> str:
    """An installed library's version, looked up once."""
    return importlib.metadata.version(name)


def library_versions() -> dict[str, str]:
    """Every output-changing library with its version."""
    return {name: library_version(name) for name in LIBRARIES}
