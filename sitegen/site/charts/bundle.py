"""The progressive enhancement: vega-embed and enhance.js, bundled by vl-convert, served from the site itself."""

from __future__ import annotations

import hashlib
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitegen.cache import Cache


def enhance_source() -> str:
    """Our own script: loads each chart's spec and swaps the static SVG for an interactive view."""
    return files("sitegen.site.charts").joinpath("enhance.js").read_text(encoding="utf-8")


def script_assets(cache: Cache) -> dict[str, bytes]:
    """Site path -> bytes of every script the pages load."""
    return {"static/js/charts.js": javascript_bundle(cache).encode("utf-8")}


def javascript_bundle(cache: Cache) -> str:
    """vl-convert's bundle of enhance.js, cached (the cache adds vl-convert's version): bundling takes a second."""
    snippet = enhance_source()
    key = hashlib.sha256(snippet.encode()).hexdigest()
    text = cache.get(key, ".js")
    if text is None:
        import vl_convert  # heavy: only on a cache miss

        text = str(vl_convert.javascript_bundle(snippet=snippet))
        cache.put(key, ".js", text)
    return text
