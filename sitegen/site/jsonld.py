"""schema.org JSON-LD for dataset pages, safe inside a script data block."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from sitegen.data.model import Site
    from sitegen.data.rows import Package


def dataset_jsonld(package: Package, site: Site) -> Markup:
    """schema.org Dataset from datapackage.json."""
    d = package.descriptor
    base = f"{site.config.base_url}data/{package.name}/"
    body = {
        "@context": "https://schema.org", "@type": "Dataset", "name": d.get("title", package.name),
        "description": d.get("description", ""), "url": base,
        "license": [x.get("path") for x in d.get("licenses", []) if x.get("path")],
        "creator": {"@type": "Organization", "name": site.config.title},
        "dateModified": site.updated.isoformat(),
        "distribution": [{"@type": "DataDownload", "encodingFormat": "text/csv",
                          "contentUrl": f"{base}{r.path.name}"} for r in package.resources.values()],
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
