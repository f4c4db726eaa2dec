"""schema.org JSON-LD for dataset pages, safe inside a script data block."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from sitegen.data.model import Site
    from sitegen.publish.datasets import About
    from sitegen.site.page import PageSpec


def script_safe(body: dict[str, Any]) -> Markup:
    """JSON that no `</script>` or `<!--` inside a value can end early."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def dataset_jsonld(about: About, site: Site) -> Markup:
    """schema.org Dataset: what, whose, under which licence, when and where it covers, and every file."""
    publisher = {"@type": "Organization", "name": site.config.title, "url": site.config.base_url}
    body: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Dataset", "@id": about.url, "name": about.title,
        "description": about.description, "url": about.url, "identifier": about.identifier, "version": about.version,
        "keywords": list(about.keywords), "license": [path for _, path in about.licences],
        "isAccessibleForFree": True, "creator": publisher, "publisher": publisher,
        "datePublished": about.issued.isoformat(), "dateModified": about.modified.isoformat(),
        "spatialCoverage": {"@type": "Place", "name": about.place[0], "identifier": about.place[1]},
        "includedInDataCatalog": {"@type": "DataCatalog", "name": site.config.title,
                                  "url": f"{site.config.base_url}catalog.jsonld"},
        "distribution": [{"@type": "DataDownload", "name": d.title, "encodingFormat": d.media_type,
                          "contentUrl": d.url} for d in about.downloads],
    }
    if about.period:
        body["temporalCoverage"] = f"{about.period[0].isoformat()}/{about.period[1].isoformat()}"
    return script_safe(body)


def describe_pages(specs: list[PageSpec], abouts: dict[str, About], site: Site) -> None:
    """Give each dataset page its metadata (`about`: version, dates, period) and its JSON-LD."""
    for spec in specs:
        name = spec.path.removeprefix("data/").removesuffix("/index.html")
        if spec.templates == ["dataset.html"] and name in abouts:
            spec.context |= {"about": abouts[name], "jsonld": dataset_jsonld(abouts[name], site)}
