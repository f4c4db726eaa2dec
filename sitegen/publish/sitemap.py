"""sitemap.xml and robots.txt: every page's address for search engines, XML-escaped."""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from datetime import date

    from sitegen.build.staging import Writer
    from sitegen.data.model import Site
    from sitegen.site.plan import PageSpec


EMBEDS = "embed/"  # a chart alone, for other sites to frame: its page with the figures is the one to find


def sitemap_xml(base_url: str, paths: list[str], updated: date) -> str:
    """The sitemap of these page paths (`councils/x/index.html` is listed as `councils/x/`)."""
    urls = [escape(base_url + path.removesuffix("index.html")) for path in paths]
    body = "".join(f"  <url><loc>{url}</loc><lastmod>{updated.isoformat()}</lastmod></url>\n" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n")


def robots_txt(base_url: str) -> str:
    """Every page may be crawled; the sitemap says where they are."""
    return f"User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n"


def write_sitemap(writer: Writer, site: Site, specs: list[PageSpec]) -> None:
    """sitemap.xml (every page but the 404 page and the embed pages, which are `noindex`) and robots.txt."""
    paths = [spec.path for spec in specs if spec.path != "404.html" and not spec.path.startswith(EMBEDS)]
    writer.write("sitemap.xml", sitemap_xml(site.config.base_url, paths, site.updated))
    writer.write("robots.txt", robots_txt(site.config.base_url))
