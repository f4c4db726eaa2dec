"""What the page record knows a page's later-made context by (sitegen.site.page.Later), without making it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitegen.build.reuse.canon import KINDS, digest
from sitegen.build.reuse.record import SEP
from sitegen.data.model import FIGURES, Figure

if TYPE_CHECKING:
    from sitegen.build.reuse.record import Model
    from sitegen.data.rows import Packages
    from sitegen.site.page import Later


class LaterKeys:
    """The key of each later-made part: the value of each of its figures as the record values them (all a figure
    publishes, its NHS body and its dispute) and every other byte of the data (each package's descriptor and its
    resources but the figures tables). Whatever else a page shows is read by its templates, which the record traces;
    sitegen's code and the settings are in the record's setup."""

    def __init__(self, model: Model, packages: Packages) -> None:
        self.model = model
        self.packages = packages
        self.rest = ""  # the data but the figures, hashed at the first key
        self.known: dict[int, tuple[object, str]] = {}  # by the figures list: one measure's pages share it

    def __call__(self, later: Later) -> str:
        """The key of one later-made part."""
        found = self.known.get(id(later.figures))
        if found is not None and found[0] is later.figures:
            return found[1]
        if not self.rest:
            self.rest = rest_key(self.packages)
        entity, kind = self.model.entity, KINDS[Figure] + SEP
        key = digest([self.rest, [(f.id, entity(kind + f.id)) for f in later.figures]])
        self.known[id(later.figures)] = (later.figures, key)
        return key


def rest_key(packages: Packages) -> str:
    """The hash of every byte of the data but the figures tables; never made from data whose bytes were dropped
    (`sitegen validate` drops them), which would hash as empty, and keep pages whatever the data said."""
    dropped = [package.path for package in packages.packages.values() if not package.raw]
    dropped += [r.path for package in packages.packages.values() for r in package.resources.values() if not r.raw]
    if dropped:
        raise ValueError(f"the bytes of {dropped[0]} were not kept: pages cannot be known unchanged without them")
    return digest([[name, package.raw.hex(), [(r.name, r.digest.hex()) for r in package.resources.values()
                                            if r.name != FIGURES]]
                   for name, package in sorted(packages.packages.items())])
