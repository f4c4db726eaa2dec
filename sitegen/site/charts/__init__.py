"""Charts: the model, its Vega-Lite spec, its static SVG and the script that enhances it (their words: site.words)."""
