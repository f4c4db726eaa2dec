"""What each data package is, for machines: its address, files, coverage, keywords, dates and version, worked out
once a build for the dataset pages' JSON-LD, the DCAT catalogue and the published datapackage.json."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

    from sitegen.data.model import Site
    from sitegen.data.rows import Package
    from sitegen.history.releases import History, Release

CSV, JSON = "text/csv", "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
DIGEST = 12  # hex digits of the files' digest in a version: enough to tell two versions of one package apart


@dataclass(frozen=True)
class Download:
    """One file a package is published as, at its published address."""

    title: str
    url: str
    media_type: str  # IANA media type
    format: str  # `CSV`, `XLSX`, `ZIP`, `JSON`


@dataclass(frozen=True)
class About:
    """A data package as metadata states it."""

    name: str
    title: str
    description: str
    url: str  # its page on the site
    identifier: str  # the descriptor's `id`, else its page's address
    version: str  # the descriptor's `version`, else made from the data (see `version`)
    issued: date  # the first release of the data that touched it (without a history, as modified)
    modified: date  # the last release that touched it (the site's data date without a history)
    keywords: tuple[str, ...]
    licences: tuple[tuple[str, str], ...]  # (title, address)
    period: tuple[date, date] | None  # the earliest start and latest end of its figures' periods
    place: tuple[str, str]  # (name, code) of the nation its figures cover
    downloads: tuple[Download, ...]


def touched(release: Release, name: str, source_ids: set[str]) -> bool:
    """Whether a release changed a package's figures, other tables or sources."""
    diff = release.diff
    return (any(f.package == name for f in diff.figures) or any(t.package == name for t in diff.tables)
            or any(s.id in source_ids for s in diff.sources))


def version(package: Package, modified: date) -> str:
    """`2026.11.25+3f2a9c1b0d4e`: the date the data last changed and a digest of the package's files as read (so a
    change on the same day still makes a new version), in the form Semantic Versioning allows."""
    digest = hashlib.sha256(package.raw)
    for name in sorted(package.resources):
        digest.update(package.resources[name].digest)
    return f"{modified.year}.{modified.month}.{modified.day}+{digest.hexdigest()[:DIGEST]}"


def keywords(package: Package, site: Site) -> tuple[str, ...]:
    """The descriptor's own keywords, then its measures' topics and labels; a package without measures (reference
    data) by its tables' titles."""
    own = [str(k) for k in package.descriptor.get("keywords") or [] if isinstance(k, str | int | float)]
    measures = [m for m in site.measures if m.package == package.name]
    found = ([m.topic.label for m in measures] + [m.label for m in measures] if measures else
             [str(r.descriptor.get("title") or r.name) for r in package.resources.values()])
    return tuple(dict.fromkeys([*own, *sorted(set(found))]))


def downloads(package: Package, url: str) -> tuple[Download, ...]:
    """Every file of a package: the zip, the spreadsheet, the descriptor and each CSV."""
    d, name = package.descriptor, package.name
    title = str(d.get("title") or name)
    files = [Download(f"{title} (zip, with README, licence and how to cite)", f"{url}{name}.zip", ZIP, "ZIP"),
             Download(f"{title} (spreadsheet, a sheet per table)", f"{url}{name}.xlsx", XLSX, "XLSX"),
             Download(f"{title} (Frictionless descriptor)", f"{url}datapackage.json", JSON, "JSON")]
    files += [Download(str(r.descriptor.get("title") or r.name), f"{url}{r.path.name}", CSV, "CSV")
              for _, r in sorted(package.resources.items())]
    return tuple(files)


def about_package(package: Package, site: Site, history: History) -> About:
    """A package's metadata from its descriptor, its figures and the history of the data."""
    d, name = package.descriptor, package.name
    url = f"{site.config.base_url}data/{name}/"
    sources = {str(r["id"]) for r in site.packages.rows(name, "sources") if r.get("id")}
    days = [r.day for r in history.releases if touched(r, name, sources)]  # newest first
    modified = days[0] if days else site.updated
    figures = [f for f in site.figures if f.package == name]
    period = (min(f.period_start for f in figures), max(f.period_end for f in figures)) if figures else None
    licences = tuple((str(x.get("title") or x.get("name") or x["path"]), str(x["path"]))
                     for x in d.get("licenses") or [] if isinstance(x, dict) and x.get("path"))
    return About(name, str(d.get("title") or name), str(d.get("description") or ""), url, str(d.get("id") or url),
                 str(d.get("version") or version(package, modified)), days[-1] if days else modified, modified,
                 keywords(package, site), licences, period, (site.england.name, site.england.code),
                 downloads(package, url))


def about_packages(site: Site, history: History) -> dict[str, About]:
    """Every package's metadata, by name."""
    return {name: about_package(p, site, history) for name, p in sorted(site.packages.packages.items())}


def published_descriptor(package: Package, about: About) -> bytes:
    """The datapackage.json as published: the source's, with `id`, `version` and `created` where it has none (a
    project's own values stand); the same data, the same bytes."""
    body: dict[str, Any] = json.loads(package.raw)
    stamped = {"id": about.identifier, "version": about.version, "created": f"{about.modified.isoformat()}T00:00:00Z"}
    first = {key: body[key] for key in ("name",) if key in body}
    out = first | {key: body.get(key, value) for key, value in stamped.items()} | body
    return (json.dumps(out, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
