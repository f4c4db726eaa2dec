"""The charts as a build publishes them: each drawn (unchanged ones from the cache), and the files every page
loads with them (the chart scripts, the style sheets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitegen.cache import Cache
from sitegen.site.charts.bundle import script_assets
from sitegen.site.charts.draw import chart_svgs, themed
from sitegen.site.theme import BUILTIN_TEMPLATES

if TYPE_CHECKING:
    from sitegen.build.session import Session
    from sitegen.build.staging import Writer
    from sitegen.config import Config
    from sitegen.site.charts.model import Chart


@dataclass
class Drawn:
    """The charts as published: Vega-Lite specs and themed SVGs by chart id, and the script files."""

    specs: dict[str, str]
    svgs: dict[str, str]
    scripts: dict[str, bytes]
    caches: tuple[Cache, ...]  # what they were read from and kept in, with the entries they used (see Cache.prune)
    keys: dict[str, str]  # each chart's content key, which its spec and SVG are made from (with the code)


def draw_charts(config: Config, charts: list[Chart], force: bool, session: Session) -> Drawn:
    """Every chart's spec and SVG (unchanged ones from the cache), and the chart scripts."""
    folder, code = config.root / config.cache_dir, session.code
    caches = tuple(Cache(folder, kind, code, read=not force) for kind in ("specs", "charts", "js"))
    keys = {chart.id: chart.content_key() for chart in charts}
    specs_json, drawn = chart_svgs(charts, caches[0], caches[1], config.chart_workers, session.chart_templates, keys)
    svgs = {chart_id: themed(svg) for chart_id, svg in drawn.items()}  # as published, everywhere it is
    return Drawn(specs_json, svgs, script_assets(caches[2]), caches, keys)


def write_assets(writer: Writer, drawn: Drawn) -> None:
    """The chart scripts and the static assets (style sheets, scripts, fonts) into the staging folder."""
    for path, data in drawn.scripts.items():
        writer.write(path, data)
    for asset in sorted(p for p in (BUILTIN_TEMPLATES / "static").rglob("*") if p.is_file()):
        writer.write(asset.relative_to(BUILTIN_TEMPLATES).as_posix(), asset.read_bytes())
