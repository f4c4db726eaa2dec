"""A digest of each figure's every published attribute, worked out once a build: what the figures' downloads, the
chart zips and the JSON API files are keyed by, so an unchanged file is known without being made."""

from __future__ import annotations

import hashlib
import marshal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sitegen.data.model import Figure, Site


def figure_digest(f: Figure) -> bytes:
    """Every attribute of a figure that a CSV, workbook or API file gives (sitegen.publish.downloads.figure_row,
    .workbook.figure_cells, .api.figure), with those of its area, measure and source, hashed: equal digests, equal
    rows wherever the figure is published."""
    s, a, m = f.source, f.area, f.measure
    published = None if s.published is None else s.published.toordinal()
    fields = (f.id, a.code, a.name, m.id, m.label, f.value, f.unit, f.period_label, f.period_start.toordinal(),
              f.period_end.toordinal(), f.qualifier, f.status, f.claimant, f.counterparty_name,
              f.counterparty_inferred, f.counterparty_code, s.id, s.title, s.publisher, published, s.url, f.note,
              f.said_by, f.precision, f.flag, f.published_value, f.published_unit, f.source_item, f.package)
    try:  # equal values, equal bytes, quicker than repr (see sitegen.build.reuse.canon.digest)
        data = marshal.dumps(fields, 2)
    except ValueError:  # a value of another type (a str subclass, say): its repr
        data = repr(fields).encode()
    return hashlib.sha256(data).digest()


def figure_digests(site: Site) -> dict[str, bytes]:
    """Every figure's digest, by id."""
    return {f.id: figure_digest(f) for f in site.figures}


def digest_of(figures: Iterable[Figure], digests: dict[str, bytes]) -> bytes:
    """The digests of these figures in their order, as one input to a cache key."""
    return b"".join([digests[f.id] for f in figures])
