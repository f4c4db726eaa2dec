"""Charts: each spec is its shape's template filled with its data, exactly as Altair builds it; every spec is valid
Vega-Lite; drawing in worker processes or from the cache changes nothing; the mini site's SVGs are as expected."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI, ROOT, copy_project

from sitegen.build.pipeline import read_project
from sitegen.build.reuse.canon import Canon
from sitegen.build.session import Session
from sitegen.cache import Cache
from sitegen.config import load_config
from sitegen.history.releases import load_history
from sitegen.publish.extras import annotate, plan_publishing
from sitegen.site.charts.draw import chart_svgs, draw, draw_here
from sitegen.site.charts.model import Chart, Point
from sitegen.site.charts.specs import Shape, canonical, parts, spec, spec_json
from sitegen.site.charts.vega import filled, vega_template
from sitegen.site.plan import plan_pages

GOLDEN_CHARTS = Path(__file__).resolve().parent / "golden" / "charts"


def planned_charts(project: Path) -> list[Chart]:
    """Every chart a build of the project draws, as the build plans them (nothing is drawn, and nothing written
    into the project: it is planned from a copy, whose validation verdicts go to the run's shared cache)."""
    with tempfile.TemporaryDirectory(prefix="planned-") as copy:  # removed after: 14 MB a call for the real one
        config = load_config(copy_project(project, Path(copy)))
        site, pages, rendered = read_project(config, Session())
        history = load_history(config)
        specs = plan_pages(site, pages, rendered)
        specs += plan_publishing(site, history, specs)
        annotate(specs, site, history)
    return [chart for page in specs for chart in page.charts]


def synthetic_project(folder: Path) -> Path:
    """bench/synthetic.py's SYNTHETIC project over two years: every measure, every council (never published)."""
    found = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "bench" / "synthetic.py")
    assert found and found.loader
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return Path(module.write_synthetic_project(folder, years=2))


@pytest.mark.parametrize("project", [MINI, ROOT], ids=["mini", "real"])
def test_each_spec_is_its_shape_filled_with_its_data_exactly_as_altair_builds_it(project: Path) -> None:
    """Every chart of the mini project; of the real one's 300, for each shape the charts with the most and the
    fewest points and the one whose labels have the most characters JSON escapes or a template could mistake
    (Altair takes a tenth of a second a chart)."""
    charts = planned_charts(project)
    templates: dict[Shape, str] = {}  # as a session keeps them: Altair once per shape
    checked = charts
    if project == ROOT:  # the templates pay: Altair runs for a few shapes, not for hundreds of charts
        by_shape: dict[Shape, list[Chart]] = {}
        for chart in charts:
            by_shape.setdefault(parts(chart)[0], []).append(chart)
        assert len(charts) > 300 and len(by_shape) < len(charts) / 10

        def odd(chart: Chart) -> int:
            return sum(not ch.isalnum() and ch != " " for p in chart.points for ch in p.category + p.series)

        checked = [c for group in by_shape.values() for c in {max(group, key=lambda c: len(c.points)),
                                                                min(group, key=lambda c: len(c.points)),
                                                                max(group, key=odd)}]
    different = [c.id for c in checked if spec_json(c, templates) != canonical(spec(c))]
    assert checked and different == []


def test_data_that_looks_like_a_hole_in_a_template_stays_data() -> None:
    names = ['["@@order@@"]', '[{"@@rows@@":0}]', "987654321", "@@series@@"]
    for kind in ("time", "compare"):
        points = tuple(Point(name, str(n), name if kind == "time" else "", 987654321 + n, "GBP")
                       for n, name in enumerate(names))
        chart = Chart(f"c-{kind}", '["@@order@@"]', kind, points)
        assert spec_json(chart) == canonical(spec(chart))
        assert json.loads(spec_json(chart)) == spec(chart)


def test_every_shape_of_the_synthetic_project_is_valid_vega_lite(tmp_path: Path) -> None:
    """Builds skip Altair's schema validation; every shape of spec in a site with every measure for every council
    is validated here, filled with its largest and its smallest chart's data (a spec is its shape's template
    filled with data: the test above; the real and mini sites' published specs are all validated in
    test_build.py). Validating each of the 1,000 specs would take half a minute to learn nothing more."""
    import altair as alt
    import jsonschema

    schema = alt.vegalite.v6.schema.core.load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    templates: dict[Shape, str] = {}
    by_shape: dict[Shape, list[Chart]] = {}
    charts = planned_charts(synthetic_project(tmp_path / "synthetic"))
    for chart in charts:
        by_shape.setdefault(parts(chart)[0], []).append(chart)
    chosen = {c for group in by_shape.values() for c in (max(group, key=lambda c: len(c.points)),
                                                          min(group, key=lambda c: len(c.points)))}
    invalid = {c.id: next(validator.iter_errors(json.loads(spec_json(c, templates))), None) for c in chosen}
    assert len(charts) > 1000 and len(by_shape) > 5
    assert {name: error.message[:200] for name, error in invalid.items() if error is not None} == {}


def test_charts_drawn_in_workers_or_from_the_cache_are_the_charts_drawn_here(tmp_path: Path) -> None:
    charts = planned_charts(ROOT)[:12]  # more than 8: the process pool starts

    def drawn(folder: Path, workers: int) -> tuple[dict[str, str], dict[str, str]]:
        return chart_svgs(charts, Cache(folder, "specs", "code"), Cache(folder, "charts", "code"), workers)

    here = drawn(tmp_path / "one", 1)
    assert here == drawn(tmp_path / "two", 2) == drawn(tmp_path / "two", 2)
    specs, svgs = here
    assert specs == {c.id: spec_json(c) for c in charts}
    assert all(svg.startswith("<svg") and svg.endswith("</svg>") for svg in svgs.values())
    assert len(list((tmp_path / "two/specs").glob("*.vl.json"))) == len({c.content_key() for c in charts})
    assert len(list((tmp_path / "two/specs").glob("*.shape.json"))) == len({parts(c)[0] for c in charts})
    assert len(list((tmp_path / "two/charts").iterdir())) == len(set(specs.values()))


def test_the_mini_sites_charts_are_drawn_as_before(mini_site: Path) -> None:
    """The published SVGs (SITEGEN_UPDATE_GOLDEN=1 rewrites them): a change of spec, Altair or vl-convert
    shows here, chart by chart."""
    drawn = {p.name: p.read_text(encoding="utf-8") for p in sorted((mini_site / "charts").glob("*.svg"))}
    if os.environ.get("SITEGEN_UPDATE_GOLDEN") == "1":
        GOLDEN_CHARTS.mkdir(exist_ok=True)
        for name, svg in drawn.items():
            (GOLDEN_CHARTS / name).write_text(svg, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(GOLDEN_CHARTS.glob("*.svg"))}
    assert sorted(drawn) == sorted(expected)
    assert [name for name in drawn if drawn[name] != expected[name]] == []


def drawn_whole(specs: list[str]) -> list[str]:
    """SVGs drawn from whole Vega-Lite specs, as vl-convert compiles and draws them in one go."""
    import vl_convert

    return draw_here(lambda text: str(vl_convert.vegalite_to_svg(text)), specs)


def test_charts_drawn_from_their_shapes_vega_are_the_charts_drawn_whole() -> None:
    """Builds compile each shape's Vega once and fill it with a chart's data: for each shape of the real site,
    its charts with the most and the fewest points and with the most characters to escape, the Vega filled is
    the Vega compiled from the chart's own spec, and the SVG is the same, byte for byte."""
    import vl_convert

    by_shape: dict[Shape, list[Chart]] = {}
    for chart in planned_charts(ROOT):
        by_shape.setdefault(parts(chart)[0], []).append(chart)
    kinds = {(shape[0], shape[2] > 1) for shape in by_shape}
    assert {("time", True), ("time", False), ("monthly", True)} <= kinds  # several series, and one

    def odd(chart: Chart) -> int:
        return sum(not ch.isalnum() and ch != " " for p in chart.points for ch in p.category + p.series)

    templates: dict[Shape, str] = {}
    checked = [c for group in by_shape.values() for c in {max(group, key=lambda c: len(c.points)),
                                                          min(group, key=lambda c: len(c.points)),
                                                          max(group, key=odd)}]
    specs = [spec_json(chart, templates) for chart in checked]
    vegas = {shape: vega_template(template) for shape, template in templates.items()}
    assert [shape for shape, vega in vegas.items() if vega is None] == []  # every shape's Vega is filled
    for chart, text in zip(checked, specs, strict=True):
        shape, holes = parts(chart)
        assert json.loads(filled(str(vegas[shape]), holes)) == vl_convert.vegalite_to_vega(text), chart.id
    jobs = [(templates[parts(chart)[0]], [parts(chart)[1]]) for chart in checked]
    assert [svg for svgs in draw_here(draw, jobs) for svg in svgs] == drawn_whole(specs)


@pytest.mark.parametrize("kind, series", [("time", 1), ("time", 3), ("compare", 1), ("monthly", 2)])
def test_data_that_looks_like_a_hole_in_vega_stays_data(kind: str, series: int) -> None:
    """Names that look like what a shape's Vega holds in place of data (quotes, backslashes and JSON's escapes
    too) are drawn as they are: the same SVG as the chart's own spec drawn whole."""
    names = ['datum["category"]==="@@order@@" ? 0 : 1', '[\\"@@series@@\\"]', "987654321", '["@@order@@"]',
             'a "quoted" \\ back\tslash', "caf\u00e9\u00a0\U0001f600", "@@rows@@"]
    points = tuple(Point(name, f"{n:02d}", f"{names[s]} {s}" if series > 1 else "", 1000 + n * 7 + s, "GBP",
                         period=(date(2019, 1 + n, 1), date(2019, 1 + n, 28)) if kind == "monthly" else None)
                   for n, name in enumerate(names) for s in range(series))
    chart = Chart(f"c-{kind}", names[0], kind, points)
    templates: dict[Shape, str] = {}
    text = spec_json(chart, templates)
    shape, holes = parts(chart)
    assert vega_template(templates[shape]) is not None  # drawn from the shape's Vega, filled
    (svg,) = draw_here(draw, [(templates[shape], [holes])])[0]
    assert svg == drawn_whole([text])[0]


def test_a_shape_whose_vega_has_a_hole_not_known_is_drawn_whole() -> None:
    template = '{"data":{"values":[{"@@rows@@":0}]},"mark":"text","encoding":{"text":{"value":"@@order@@"}}}'
    assert vega_template(template) is None
    holes = {"rows": [{"a": 1}], "order": ["b"]}
    assert draw_here(draw, [(template, [holes])])[0] == drawn_whole(
        ['{"data":{"values":[{"a":1}]},"mark":"text","encoding":{"text":{"value":"@@order@@"}}}'])


def test_a_charts_cache_key_is_made_of_what_its_spec_is_made_of() -> None:
    """A point's note, sources, figure, claimant and flag are on its page, not in its spec: changing one keeps the
    chart's spec and its cache key (a build after a note's edit draws nothing); changing anything else of a point
    changes both. A field added to Point must be placed on one side or the other."""
    base = Point("2019-20", "2019", "", 5_000_000.0, "GBP", period=(date(2019, 4, 1), date(2020, 3, 31)))
    chart = Chart("c", "A chart", "time", (base,))
    outside: dict[str, Any] = {"claimant": "X", "flag": "suspect", "figure_id": "f-1", "source": ("P", "s"),
                               "note": "n"}
    inside: dict[str, Any] = {"category": "2020-21", "order": "2020", "series": "S", "value": 6_000_000.0,
                              "unit": "count", "qualifier": "approximate", "status": "claim", "precision": 1e5,
                              "derived": True, "period": (date(2020, 4, 1), date(2021, 3, 31))}
    assert set(inside) | set(outside) == {f.name for f in dataclasses.fields(Point)}
    for name, value in outside.items():
        changed = Chart("c", "A chart", "time", (dataclasses.replace(base, **{name: value}),))
        assert (changed.content_key(), spec_json(changed)) == (chart.content_key(), spec_json(chart)), name
    for name, value in inside.items():
        changed = Chart("c", "A chart", "time", (dataclasses.replace(base, **{name: value}),))
        assert changed.content_key() != chart.content_key(), name


def test_a_charts_record_digest_is_made_of_all_it_is() -> None:
    """The page record knows a chart by the parts it lists (Chart.canonical_parts), not its repr: a chart built
    again equal has the same digest; a change to any field of the chart or of one of its points (one a page shows
    and its spec does not, too) gives another, so a page showing it is rendered again."""

    def hashed(c: Chart) -> Any:
        return Canon().shallow(c)

    base = Point("2019-20", "2019", "", 5_000_000.0, "GBP", period=(date(2019, 4, 1), date(2020, 3, 31)))
    chart = Chart("c", "A chart", "time", (base, dataclasses.replace(base, category="2020-21")))
    again = Chart("c", "A chart", "time", tuple(dataclasses.replace(p) for p in chart.points))
    assert hashed(again) == hashed(chart)
    point_values: dict[str, Any] = {
        "category": "2021-22", "order": "2021", "series": "S", "value": 5_000_001.0, "unit": "count",
        "qualifier": "approximate", "status": "claim", "claimant": "X", "flag": "suspect", "figure_id": "f-1",
        "precision": 1e5, "source": ("P", "s"), "derived": True, "note": "n",
        "period": (date(2019, 4, 1), date(2020, 3, 30))}
    assert set(point_values) == {f.name for f in dataclasses.fields(Point)}
    digests = {hashed(chart)}
    for name, value in point_values.items():
        changed = Chart("c", "A chart", "time", (dataclasses.replace(base, **{name: value}), chart.points[1]))
        digests.add(hashed(changed))
    chart_values: dict[str, Any] = {"id": "d", "title": "Another", "kind": "monthly", "points": (base,),
                                    "subject": "owed to X", "note": "A note.", "series_title": "Council"}
    assert set(chart_values) == {f.name for f in dataclasses.fields(Chart)}
    for name, value in chart_values.items():
        digests.add(hashed(dataclasses.replace(chart, **{name: value})))
    assert len(digests) == 1 + len(point_values) + len(chart_values)
    assert Canon().shallow([chart]) == Canon().shallow([again]) != Canon().shallow([dataclasses.replace(
        chart, note="A note.")])


def test_a_chart_changed_in_a_fresh_process_is_built_from_its_shapes_cached_template(tmp_path: Path) -> None:
    """A build that changed one figure is a fresh process: the changed chart's spec is its shape's template from
    the cache, filled, without loading Altair (about a second of CPU); spec and SVG are as if built whole."""
    points = (Point("2019-20", "2019", "", 5_000_000.0, "GBP"), Point("2020-21", "2020", "", 6_000_000.0, "GBP"))
    chart_svgs([Chart("c", "A chart", "time", points)], Cache(tmp_path, "specs", "code"),
               Cache(tmp_path, "charts", "code"), 1)
    code = f"""if True:
        import json, sys
        from pathlib import Path
        from sitegen.cache import Cache
        from sitegen.site.charts.draw import chart_svgs
        from sitegen.site.charts.model import Chart, Point
        points = (Point("2019-20", "2019", "", 5_000_000.0, "GBP"), Point("2020-21", "2020", "", 7_500_000.0, "GBP"))
        folder = Path({str(tmp_path)!r})
        specs, svgs = chart_svgs([Chart("c", "A chart", "time", points)], Cache(folder, "specs", "code"),
                                 Cache(folder, "charts", "code"), 1, {{}})
        print(json.dumps([specs["c"], svgs["c"], "altair" in sys.modules]))
    """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    spec_text, svg, altair = json.loads(done.stdout)
    changed = Chart("c", "A chart", "time", (points[0], dataclasses.replace(points[1], value=7_500_000.0)))
    assert (spec_text, svg, altair) == (canonical(spec(changed)), drawn_whole([spec_text])[0], False)
