"""The hex layouts of the reference package and the maps drawn from them."""

from __future__ import annotations

import math
import re

from conftest import ROOT

from sitegen.config import load_config
from sitegen.data.model import build_model
from sitegen.data.validate import validate_packages
from sitegen.site.compare import periods
from sitegen.site.maps import icb_map, layout, topics_map, value_map


def real_site():  # type: ignore[no-untyped-def]
    packages, problems = validate_packages(ROOT / "datapackages")
    assert not problems
    return build_model(packages, load_config(ROOT))


def centres(points: str) -> tuple[float, float]:
    xy = [tuple(map(float, p.split(","))) for p in points.split()]
    return sum(x for x, _ in xy) / 6, sum(y for _, y in xy) / 6


def test_every_council_and_icb_has_its_own_hex() -> None:
    site = real_site()
    cells = layout(site.packages, "council_hexes", "council_code")
    assert set(cells) == {c.code for c in site.councils} and len(set(cells.values())) == len(site.councils) == 153
    icbs = layout(site.packages, "icb_hexes", "icb_code")
    assert set(icbs) == {i.code for i in site.icbs} and len(set(icbs.values())) == 42


def test_successors_sit_next_to_each_other_and_no_hexes_overlap() -> None:
    site = real_site()
    hexmap = topics_map(site.councils, layout(site.packages, "council_hexes", "council_code"))
    assert hexmap is not None and len(hexmap.cells) == 153
    where = {c.code: centres(c.points) for c in hexmap.cells}
    gap = math.dist(where["E06000061"], where["E06000062"])  # North and West Northamptonshire
    assert gap == min(math.dist(where["E06000061"], xy) for code, xy in where.items() if code != "E06000061")
    assert all(0 <= x <= hexmap.width and 0 <= y <= hexmap.height for x, y in where.values())
    pairs = [math.dist(a, b) for i, a in enumerate(where.values()) for b in list(where.values())[i + 1:]]
    assert min(pairs) > 17  # hex width is 17.3: none overlaps another


def test_the_topics_map_shows_gaps_as_gaps_and_names_each_hex() -> None:
    site = real_site()
    hexmap = topics_map(site.councils, layout(site.packages, "council_hexes", "council_code"))
    assert hexmap is not None
    by_code = {c.code: c for c in hexmap.cells}
    for council in site.councils:
        cell = by_code[council.code]
        assert cell.path == f"councils/{council.slug}/" and cell.label.startswith(council.short_name + ": ")
        assert (cell.band is None) == (not council.figures)


def test_value_and_icb_maps() -> None:
    site = real_site()
    cells = layout(site.packages, "council_hexes", "council_code")
    ibcf = next(m for m in site.measures if m.id == "ibcf-allocation")
    period = periods(ibcf, site.councils)[-1]
    hexmap = value_map(period, cells)
    assert hexmap is not None and len(hexmap.cells) == 153
    assert sum(c.band is not None for c in hexmap.cells) == len(period.figures)
    # each hex names the population its per-head value used: 2024-25 is after the latest estimate, and says so
    assert all(re.search(r", £[\d,.]+ per head \(mid-2023 population, the latest estimate: none yet for mid-2024\)$",
                         c.text) for c in hexmap.cells if c.band is not None)
    assert "per head (mid-2023 population)" in hexmap.title
    icbs = icb_map(site.icbs, layout(site.packages, "icb_hexes", "icb_code"))
    assert icbs is not None and {c.path for c in icbs.cells} == {f"icbs/{i.slug}/" for i in site.icbs}
