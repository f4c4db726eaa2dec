"""The DCAT catalogue of every data package, as JSON-LD at a stable address (`catalog.jsonld`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

    from sitegen.data.model import Site
    from sitegen.publish.datasets import About, Download

PATH = "catalog.jsonld"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"  # DCAT-AP: dcat:mediaType is an IANA media type IRI


def day(value: date) -> dict[str, str]:
    """An xsd:date literal."""
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def link(url: str) -> dict[str, str]:
    """An IRI (not a string): JSON-LD's node reference."""
    return {"@id": url}


def distribution(d: Download, licences: list[dict[str, str]]) -> dict[str, Any]:
    """One file of a dataset: where to get it (access and download address: it is a file), its media type, licence."""
    return {"@id": d.url, "@type": "dcat:Distribution", "dct:title": d.title, "dcat:accessURL": link(d.url),
            "dcat:downloadURL": link(d.url), "dcat:mediaType": link(MEDIA_TYPES + d.media_type),
            "dct:format": d.format, "dct:license": licences}


def dataset(about: About, publisher: dict[str, Any]) -> dict[str, Any]:
    """One data package as a dcat:Dataset."""
    licences = [link(path) for _, path in about.licences]
    body: dict[str, Any] = {
        "@id": about.url, "@type": "dcat:Dataset", "dct:identifier": about.identifier, "dct:title": about.title,
        "dct:description": about.description, "dct:publisher": publisher, "dct:license": licences,
        "dcat:version": about.version, "dct:issued": day(about.issued), "dct:modified": day(about.modified),
        "dcat:landingPage": link(about.url),
        "dcat:keyword": list(about.keywords),
        "dct:spatial": {"@type": "dct:Location", "skos:prefLabel": about.place[0], "dct:identifier": about.place[1]},
        "dcat:distribution": [distribution(d, licences) for d in about.downloads],
    }
    if about.period:
        body["dct:temporal"] = {"@type": "dct:PeriodOfTime", "dcat:startDate": day(about.period[0]),
                                "dcat:endDate": day(about.period[1])}
    return body


def catalog_jsonld(abouts: dict[str, About], site: Site) -> str:
    """Every package, its files and their licences, with the site as publisher; the same data, the same bytes."""
    base = site.config.base_url
    publisher = {"@id": base, "@type": "foaf:Agent", "foaf:name": site.config.title, "foaf:homepage": link(base)}
    body: dict[str, Any] = {
        "@context": CONTEXT, "@id": base + PATH, "@type": "dcat:Catalog", "dct:title": site.config.title,
        "dct:description": site.config.description, "dct:publisher": publisher, "foaf:homepage": link(base),
        "dct:issued": day(min([site.updated, *(a.issued for a in abouts.values())])), "dct:modified": day(site.updated),
        "dcat:dataset": [dataset(a, publisher) for a in abouts.values()],
    }
    return json.dumps(body, indent=1, ensure_ascii=False) + "\n"
