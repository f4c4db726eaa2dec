"""Charts: the model, its words, its Vega-Lite spec, its static SVG and the script that enhances it."""

from sitegen.site.charts.model import Chart, Point

__all__ = ["Chart", "Point"]
