"""The static JSON API: every figure by council (`api/councils/<slug>.json`) and by measure
(`api/measures/<id>.json`), each with its source, and an index of both (`api/index.json`). Fields: README, "The JSON
API"."""

from __future__ import annotations

import json
from functools import partial
from typing import TYPE_CHECKING, Any

from sitegen.publish.fingerprint import digest_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sitegen.build.reuse.cache import Made
    from sitegen.build.staging import Writer
    from sitegen.data.model import Area, Figure, Measure, Site, Source

FORMAT = 1  # the files' layout: raised when a field changes meaning or goes (adding one does not)
INDEX = "api/index.json"
ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one for ~50,000 figures, not one each
OPTIONAL = ("claimant", "counterparty", "note", "flag")  # present on a figure only when it has one


def number(value: float | None) -> int | float | None:
    """A value as the source wrote it: a whole number without `.0`; otherwise the shortest decimal that reads back
    as the same number, so never more digits than the CSV gave."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def dump(body: dict[str, Any]) -> str:
    """Compact JSON (the delayed-days measures have ~16,000 figures each): no spaces, UTF-8, key order as built."""
    return ENCODER.encode(body) + "\n"


def figure(f: Figure) -> dict[str, Any]:
    """One figure as the API gives it: its area, measure and source by id (their details are in the file)."""
    body: dict[str, Any] = {
        "id": f.id, "area": f.area.code, "measure": f.measure.id, "period_start": f.period_start.isoformat(),
        "period_end": f.period_end.isoformat(), "period_label": f.period_label, "value": number(f.value),
        "unit": f.unit, "precision": number(f.precision), "qualifier": f.qualifier, "status": f.status,
        "said_by": f.said_by, "source": f.source.id,
    }
    extra = {"claimant": f.claimant, "counterparty": f.counterparty_name, "note": f.note, "flag": f.flag}
    return body | {key: extra[key] for key in OPTIONAL if extra[key]}


def sources(figures: Iterable[Figure]) -> dict[str, dict[str, Any]]:
    """The sources of these figures, by id."""
    found: dict[str, Source] = {f.source.id: f.source for f in figures}
    return {key: {"title": s.title, "publisher": s.publisher,
                  "published": s.published.isoformat() if s.published else None, "url": s.url}
            for key, s in sorted(found.items())}


def area_links(area: Area, base: str) -> dict[str, Any]:
    """An area's name and where its page, CSV and API file are (no CSV for an area without figures)."""
    return {"name": area.name, "slug": area.slug, "type": area.type, "page": f"{base}councils/{area.slug}/",
            "csv": f"{base}councils/{area.slug}/figures.csv" if area.figures else None,
            "api": f"{base}api/councils/{area.slug}.json"}


def measure_links(m: Measure, base: str) -> dict[str, Any]:
    """A measure's label and unit, and where its page, its package's CSV and its API file are."""
    return {"label": m.label, "unit": m.unit, "topic": m.topic.label, "page": f"{base}measures/{m.id}/",
            "csv": f"{base}data/{m.package}/figures.csv", "api": f"{base}api/measures/{m.id}.json"}


def with_figures(head: str, figures: list[Figure], encoded: Callable[[Figure], str]) -> str:
    """A file's fields (their JSON), then its figures, each encoded once a build for both files it is in (its
    council's and its measure's)."""
    return head[:-2] + ',"figures":[' + ",".join(map(encoded, figures)) + "]}\n"


def area_file(area: Area, site: Site) -> tuple[str, list[Figure]]:
    """One council's (or England's) file: its fields, with its measures and sources, and its figures."""
    base = site.config.base_url
    figures = sorted(area.figures, key=lambda f: (f.measure.id, f.period_start, f.period_end, f.id))
    measures = {f.measure.id: f.measure for f in figures}
    return dump({"format": FORMAT, "updated": site.updated.isoformat(),
                 "area": {"code": area.code} | area_links(area, base),
                 "measures": {key: measure_links(m, base) for key, m in sorted(measures.items())},
                 "sources": sources(figures)}), figures


def measure_file(m: Measure, site: Site) -> tuple[str, list[Figure]]:
    """One measure's file: its fields, with its areas and sources, and its figures."""
    base = site.config.base_url
    figures = sorted(m.figures, key=lambda f: (f.area.code, f.period_start, f.period_end, f.id))
    areas = {f.area.code: f.area for f in figures}
    return dump({"format": FORMAT, "updated": site.updated.isoformat(),
                 "measure": {"id": m.id} | measure_links(m, base) | {"definition": m.definition},
                 "areas": {code: area_links(a, base) for code, a in sorted(areas.items())},
                 "sources": sources(figures)}), figures


def areas(site: Site) -> list[Area]:
    """Every area with a page: the councils, the abolished ones and the nation."""
    return [*site.councils, *site.predecessors, site.england]


def index_file(site: Site) -> str:
    """What the API has: every council's and measure's file, with how many figures it holds."""
    base = site.config.base_url
    return dump({"format": FORMAT, "title": site.config.title, "updated": site.updated.isoformat(),
                 "catalog": f"{base}catalog.jsonld",
                 "councils": [{"code": a.code} | area_links(a, base) | {"figures": len(a.figures)}
                              for a in areas(site)],
                 "measures": [{"id": m.id} | measure_links(m, base) | {"figures": len(m.figures)}
                              for m in site.measures]})


class Encoded(dict[str, str]):
    """Each figure's JSON, encoded when a file first needs it: only the files that changed need any."""

    def __call__(self, f: Figure) -> str:
        """The figure's JSON."""
        text = self.get(f.id)
        if text is None:
            text = self[f.id] = dump(figure(f))[:-1]
        return text


def write_api(writer: Writer, made: Made, site: Site, digests: dict[str, bytes]) -> None:
    """The index, a file per area and a file per measure. A file whose fields and figures (by their digests,
    sitegen.publish.fingerprint) are those the last build wrote it from is linked from the last build, its figures
    not even encoded; a preview (`sitegen serve`) carries the last build's, as it does the downloads, for its
    follow-up build to make."""
    encoded = Encoded()
    files: dict[str, Callable[[], tuple[str, list[Figure]]]] = {INDEX: lambda: (index_file(site), [])}
    files |= {f"api/councils/{a.slug}.json": partial(area_file, a, site) for a in areas(site)}
    files |= {f"api/measures/{m.id}.json": partial(measure_file, m, site) for m in site.measures}
    for path, plan in files.items():
        if made.carried(writer, path):
            continue
        head, figures = plan()
        key = made.keys[path] = made.key([b"api", head.encode(), digest_of(figures, digests)])
        if made.last.get(path) == key and writer.keep_last(path):
            continue  # the same fields and figures as the file the last build left there: linked, never made
        writer.write(path, with_figures(head, figures, encoded) if path != INDEX else head)
