"""The home page map: every council placed by its latitude and longitude."""

from __future__ import annotations

from typing import Any

from sitegen.data.model import Site


def england_map(site: Site) -> dict[str, Any]:
    """Projected points for the England map: councils with figures filled, the rest hollow."""
    located = [(c, c.latitude, c.longitude) for c in site.councils if c.latitude is not None
               and c.longitude is not None]
    if not located:  # a project whose reference data has no coordinates gets no map, not an error
        return {"points": [], "width": 0, "height": 0, "with": 0, "without": 0}
    xs = [lon * 0.6 for _, _, lon in located]  # cos(52.8°) ≈ 0.6: keeps the shape of England
    ys = [-lat for _, lat, _ in located]
    scale = 400 / (max(xs) - min(xs) or 1)
    out = [{"x": round((x - min(xs)) * scale + 10, 1), "y": round((y - min(ys)) * scale + 10, 1),
            "has": bool(c.figures), "name": c.short_name} for (c, _, _), x, y in zip(located, xs, ys, strict=True)]
    return {"points": out, "width": 420, "height": round((max(ys) - min(ys)) * scale + 20),
            "with": sum(p["has"] for p in out), "without": sum(not p["has"] for p in out)}
