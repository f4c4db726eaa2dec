"""Site settings: one TOML file (`sitegen.toml`), every key documented with its default."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.errors import SitegenError

CONFIG_NAME = "sitegen.toml"


@dataclass(frozen=True)
class Config:
    """Settings read from the `[site]` table of sitegen.toml."""

    title: str = "Who Pays for Care"
    description: str = (
        "Money owed between English councils and the NHS for care, "
        "and Better Care Fund figures, each with its source."
    )
    base_url: str = "https://example.org/who-pays-for-care/"
    language: str = "en-GB"
    licence: str = (
        "Figures compiled by the project are published under CC-BY-4.0; "
        "each data package states its own licences and attributions."
    )
    repository_url: str = "https://github.com/example/who-pays-for-care"
    datapackages_dir: str = "datapackages"
    content_dir: str = "content"
    templates_dir: str = "templates"
    output_dir: str = "build"
    cache_dir: str = ".cache"
    chart_workers: int = 2

    @property
    def root(self) -> Path:
        """Project root (set by `load_config`)."""
        return Path(getattr(self, "_root", "."))


# Why each setting exists; tests check every field is described here and in the README.
SETTINGS_DOC: dict[str, str] = {
    "title": "Site name, used in every page title and the header.",
    "description": "One-sentence description for the home page and Open Graph tags.",
    "base_url": "Absolute URL the site is published at; used for canonical links and sitemap.xml.",
    "language": "BCP 47 language tag for every page's `lang` attribute.",
    "licence": "Licence and attribution text shown in every page footer.",
    "repository_url": "Where contributors send new figures (shown on home, coverage and 404).",
    "datapackages_dir": "Folder holding one Frictionless data package per sub-folder.",
    "content_dir": "Folder of Markdown pages (about.md, methodology.md, councils/<slug>.md).",
    "templates_dir": "Folder of Jinja2 templates overriding the built-in ones.",
    "output_dir": "Folder the site is written to (swapped in atomically).",
    "cache_dir": "Folder of cached chart specs, SVGs, the script bundle and the build stamp; safe to delete.",
    "chart_workers": "Processes used to render charts to SVG (vl-convert holds the GIL).",
}


PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")


def load_config(root: Path, overrides: dict[str, object] | None = None) -> Config:
    """Read `sitegen.toml` under root, then apply command-line overrides; documented defaults fill the rest."""
    path = root / CONFIG_NAME
    values: dict[str, object] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SitegenError(f"{path}: not valid TOML: {exc}") from None
        values = dict(data.get("site", {}))
    values |= {k: v for k, v in (overrides or {}).items() if v is not None}
    known = {f.name: f.type for f in fields(Config)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise SitegenError(f"{path}: unknown setting(s) {', '.join(unknown)}; see README 'Settings'")
    for name, value in values.items():
        expected = type(getattr(Config, name))
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            raise SitegenError(
                f"{path}: setting {name} = {value!r} should be a {expected.__name__}"
            )
    config = Config(**values)  # type: ignore[arg-type]
    object.__setattr__(config, "_root", str(root.resolve()))
    return config


def is_placeholder(url: str) -> bool:
    """Whether a URL still points at a documentation placeholder host (nobody's real site)."""
    host = urlsplit(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in PLACEHOLDER_HOSTS)
