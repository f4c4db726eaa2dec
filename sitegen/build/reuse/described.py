"""Each chart's description (its data in words), kept from build to build by all the chart is, so that a build
describes only the charts it has not met before: describing all 9,383 charts of the SYNTHETIC site took 0.7 s of a
build that changed one figure."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

from sitegen.cache import Cache

if TYPE_CHECKING:
    from sitegen.build.reuse.canon import Canon
    from sitegen.site.charts.model import Chart

KEY, SUFFIX = "descriptions", ".json"  # one entry holds them all: a read of one file, not one a chart


class Described:
    """Descriptions by the digest of everything a chart is (Canon.shallow: every field of every point); the entry
    saved holds those this build used, so a chart no longer published is forgotten."""

    def __init__(self, cache: Cache, canon: Canon) -> None:
        self.cache, self.canon = cache, canon
        self.known = self.load()
        self.used: dict[str, str] = {}

    def load(self) -> dict[str, str]:
        """The last build's descriptions, or none (none kept, damaged, of other code, or `--force`)."""
        text = self.cache.get(KEY, SUFFIX)
        with contextlib.suppress(ValueError, RecursionError):
            found = json.loads(text) if text is not None else None
            if isinstance(found, dict):
                return {key: value for key, value in found.items() if isinstance(value, str)}
        return {}

    def __call__(self, chart: Chart) -> str:
        """The chart's description: as described before for a chart that is all the same, else worked out now."""
        key = self.canon.shallow(chart)  # the page record hashes the chart too: this is that hash, made first
        text = self.used.get(key)
        if text is None:
            found = self.known.get(key)
            text = self.used[key] = found if found is not None else chart.description()
        return text

    def save(self) -> None:
        """Keep this build's descriptions for the next one (a cache that cannot be written costs that build time)."""
        if self.used == self.known:
            self.cache.mark(KEY, SUFFIX)
            return
        with contextlib.suppress(OSError):
            self.cache.put(KEY, SUFFIX, json.dumps(self.used, sort_keys=True, ensure_ascii=False))
