"""The data releases as pages show them (publish.extras.release_view), kept from build to build, so that a build in a
git clone words only the releases it has not met before: wording the delayed-transfer import's 47,820 figures for
the Changes page and each council's page took 0.8 s of a build that changed one figure."""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import TYPE_CHECKING

from sitegen.publish.released import Views, view_json, view_of_json

if TYPE_CHECKING:
    from sitegen.cache import Cache
    from sitegen.history.releases import History

SUFFIX = ".json"  # one entry holds the views of every release: a read of one file, not one a release


class Viewed:
    """The views worked out with the model's names, slugs and settings `site_key` (publish.extras.views_key), each by
    the diff it words: its commit and the data commit before it (a history rewritten, or a shallow clone deepened,
    words that commit again). The entry saved holds this history's views only."""

    def __init__(self, cache: Cache, site_key: str, history: History) -> None:
        self.cache, self.key = cache, hashlib.sha256(site_key.encode()).hexdigest()
        shas = [r.sha for r in history.releases]  # newest first: each release is diffed against the next one
        self.before = dict(zip(shas, [*shas[1:], ""], strict=False))  # the oldest: against none
        self.loaded: Views = {}

    def fill(self, views: Views) -> None:
        """Add the last build's views to a session's (kept in place: a session's own are as good)."""
        self.loaded = self.load()
        for name, view in self.loaded.items():
            views.setdefault(name, view)

    def load(self) -> Views:
        """The last build's views of this history's releases, or none (none kept, damaged, other code, `--force`)."""
        text = self.cache.get(self.key, SUFFIX)
        with contextlib.suppress(ValueError, TypeError, RecursionError):
            found = json.loads(text) if text is not None else {}
            if not isinstance(found, dict):
                return {}
            return {(sha, area): view_of_json(kept) for name, kept in found.items()
                    for before, sha, area in [name.split(" ")] if self.before.get(sha) == before}
        return {}

    def save(self, views: Views) -> None:
        """Keep the views of this history's releases for the next build (a cache that cannot be written costs that
        build time)."""
        keep = {name: view for name, view in views.items() if name[0] in self.before}
        if keep == self.loaded:
            self.cache.mark(self.key, SUFFIX)
            return
        text = json.dumps({f"{self.before[sha]} {sha} {area}": view_json(view) for (sha, area), view in keep.items()},
                          sort_keys=True, ensure_ascii=False)
        with contextlib.suppress(OSError):
            self.cache.put(self.key, SUFFIX, text)
