"""Static SVGs of charts: specs built and drawn by vl-convert in worker processes; unchanged ones from the cache."""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sitegen.site.charts.specs import canonical, fill, parts, template
from sitegen.site.charts.vega import filled, vega_template

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sitegen.cache import Cache
    from sitegen.site.charts.model import Chart
    from sitegen.site.charts.specs import Shape

T = TypeVar("T")
R = TypeVar("R")

PR_SET_PDEATHSIG = 1

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{empty}</dir><cachedir>{empty}</cachedir></fontconfig>
"""


def use_builtin_font() -> None:
    """Point fontconfig at an empty font folder, so vl-convert measures text with its built-in font.

    vl-convert 1.9 reopens a system font file for every piece of text it measures (hundreds of opens per
    chart); with no system fonts it keeps its bundled one in memory: about 2.7x faster, and the SVGs no
    longer depend on which fonts a machine happens to have installed.
    """
    if os.environ.get("SITEGEN_FONTS_CONF"):
        return
    # one folder per user, reused by every process: a fresh temporary folder each time would pile up
    uid = os.getuid() if hasattr(os, "getuid") else None  # Windows: the temporary folder is the user's own
    empty = Path(tempfile.gettempdir()) / f"sitegen-nofonts-{uid if uid is not None else 'user'}"
    empty.mkdir(mode=0o700, exist_ok=True)
    if empty.is_symlink() or (uid is not None and empty.stat().st_uid != uid):  # someone else's: make a private one
        empty = Path(tempfile.mkdtemp(prefix="sitegen-nofonts-"))
    conf = empty / "fonts.conf"
    if not conf.is_file():
        tmp = empty / f"fonts.conf.{os.getpid()}"
        tmp.write_text(FONTS_CONF.format(empty=empty / "none"), encoding="utf-8")
        os.replace(tmp, conf)
    os.environ["FONTCONFIG_FILE"] = os.environ["SITEGEN_FONTS_CONF"] = str(conf)


# A drawing job: a shape's Vega-Lite template and the holes of each of its charts to draw, or one whole spec (None)
Job = tuple[str, list[dict[str, Any]] | None]
BATCH = 16  # charts of a shape drawn by one job: its Vega is compiled once a job, and the workers share the jobs


def draw(job: Job) -> list[str]:
    """The SVGs of one job's charts (in a worker process, set up by start_worker), drawn from their Vega: a shape's
    Vega is compiled from its template once, then filled with each chart's data (compiling a chart's spec takes a
    quarter of the time drawing it does). Specs go to vl-convert as text: converting a dict costs more."""
    import vl_convert

    template, holes = job
    vega = None if holes is None else vega_template(template)
    if holes is None or vega is None:  # one whole spec, or a shape whose Vega has a hole not known here
        return [str(vl_convert.vegalite_to_svg(text)) for text in ([template] if holes is None else
                                                                  [fill(template, data) for data in holes])]
    return [str(vl_convert.vega_to_svg(filled(vega, data))) for data in holes]


def drawing_jobs(todo: dict[str, tuple[Chart, str]], templates: dict[Shape, str], workers: int,
                 made: dict[str, tuple[Shape, dict[str, Any]]] | None = None) -> list[tuple[list[str], Job]]:
    """The jobs drawing these charts (cache key -> chart and spec; `made`: the shape and holes of those whose
    spec was just built), each with the keys of the charts it draws, in order: the charts of a shape whose
    template the session holds, a batch at a time; any other, its spec whole."""
    by_template: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    jobs: list[tuple[list[str], Job]] = []
    for key, (chart, text) in todo.items():
        shape, holes = made[key] if made and key in made else parts(chart)
        if shape in templates:
            by_template.setdefault(templates[shape], []).append((key, holes))
        else:  # its spec came from the cache, and this session has not built its shape's template
            jobs.append(([key], (text, None)))
    size = max(1, min(BATCH, -(-len(todo) // (4 * workers))))  # small batches for a few charts: every worker busy
    for shape_text, charts in by_template.items():
        for start in range(0, len(charts), size):
            batch = charts[start:start + size]
            jobs.append(([key for key, _ in batch], (shape_text, [holes for _, holes in batch])))
    # the longest first (most rows to draw): no worker is left with a long job while the other waits
    return sorted(jobs, key=lambda job: -(len(job[1][0]) if job[1][1] is None else
                                           sum(len(holes["rows"]) * 100 for holes in job[1][1])))


def draw_here(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """Do a handful of drawing jobs in this process, leaving its environment as it found it.

    vl-convert reads the font configuration when it first draws and keeps it, so the override is only
    needed around the drawing: anything else this process starts later (a browser, in tests) keeps its fonts.
    """
    saved = {name: os.environ.get(name) for name in ("FONTCONFIG_FILE", "SITEGEN_FONTS_CONF")}
    use_builtin_font()
    try:
        return [work(item) for item in items]
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


WARM_UP = '{"data":{"values":[{"x":1}]},"mark":"bar","encoding":{"x":{"field":"x","type":"quantitative"}}}'


def warm_up() -> None:
    """Load Altair and start vl-convert in this process while nothing waits (`sitegen serve`, after its first
    build), so the first edit that changes a chart does not wait about a second for them."""
    import altair  # noqa: F401 - imported for what importing costs; a changed chart's spec is built with it

    draw_here(draw, [(WARM_UP, None)])


def svg_key(spec_json: str) -> str:
    """The cache key of a spec's SVG."""
    return hashlib.sha256(spec_json.encode()).hexdigest()


def draw_all(work: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """Drawing jobs' results, in order; in processes when there are enough to pay for starting them."""
    if len(items) <= 1 or workers <= 1:
        return draw_here(work, items)
    # spawn, not fork: forking a process that has started threads can deadlock;
    # processes, not threads: vl-convert holds the GIL
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker, initargs=(os.getpid(),))
    try:
        drawn: list[R] = []
        for result in pool.map(work, items):
            drawn.append(result)
        pool.shutdown(wait=True)
        return drawn
    except BaseException:  # an error, Ctrl-C or SIGTERM: no worker may outlive the build
        stop(pool)
        raise


def start_worker(parent: int) -> None:
    """Worker start-up: die with the parent, whatever kills it, and leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None  # Windows has no CDLL(None)
    if libc is not None and hasattr(libc, "prctl"):
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # Linux: the kernel kills us with the parent
    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()  # elsewhere, and for the race
    use_builtin_font()


def watch_parent(parent: int) -> None:
    """Exit as soon as the parent is gone (a new parent pid means the old one died)."""
    while os.getppid() == parent:
        time.sleep(0.25)
    os._exit(1)


def stop(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down without waiting for running charts: kill its workers and reap them."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.join(timeout=2)


def chart_svgs(charts: Sequence[Chart], specs: Cache, svgs: Cache, workers: int = 2,
               templates: dict[Shape, str] | None = None,
               keys: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Chart id -> spec JSON and chart id -> SVG. Both come from their caches (specs by the chart's content,
    SVGs by the spec) where they can; the rest are built here (from their shape's template: a session's, the
    cache's, or Altair's) and drawn in the worker processes. keys: each chart's content_key, where known."""
    keys = {chart.id: chart.content_key() for chart in charts} if keys is None else keys
    by_key = {keys[chart.id]: chart for chart in charts}  # identical charts are built once
    templates = {} if templates is None else templates
    texts: dict[str, str] = {}
    made: dict[str, tuple[Shape, dict[str, Any]]] = {}  # the shape and holes of each spec built here
    for key in sorted(by_key):
        text = specs.get(key, ".vl.json")
        if text is None:  # filling a template takes a millisecond: only drawing is worth a worker
            made[key] = parts(by_key[key])
            text = fill(shape_template(made[key][0], templates, specs), made[key][1])
            specs.put(key, ".vl.json", text)
        texts[key] = text
    drawn = {key: svgs.get(svg_key(text), ".svg") for key, text in texts.items()}
    todo = {key: (by_key[key], text) for key, text in texts.items() if drawn[key] is None}
    workers = workers if len(todo) > 8 else 1  # starting the workers takes longer than drawing a few charts
    jobs = drawing_jobs(todo, templates, workers, made)
    for (keys_drawn, _), svg_list in zip(jobs, draw_all(draw, [job for _, job in jobs], workers), strict=True):
        for key, svg in zip(keys_drawn, svg_list, strict=True):
            svgs.put(svg_key(texts[key]), ".svg", svg)
            drawn[key] = svg
    return {cid: texts[key] for cid, key in keys.items()}, {cid: str(drawn[key]) for cid, key in keys.items()}


def shape_template(shape: Shape, templates: dict[Shape, str], specs: Cache) -> str:
    """A shape's template: the session's, else the cache's, else made by Altair (a second of CPU to load it, in
    a build that changed one figure) and kept in both."""
    key = f"template {canonical(list(shape))}"
    if shape in templates:
        specs.mark(key, ".shape.json")  # this build's too, so pruning keeps it for the next process
    else:
        text = specs.get(key, ".shape.json")
        if text is None:
            text = template(*shape)
            specs.put(key, ".shape.json", text)
        templates[shape] = text
    return templates[shape]


# The site's dark colours for a chart, kept inside the SVG: an <img> follows the reader's colour scheme too.
# Vega writes colours as presentation attributes, which any CSS rule overrides; the palette's dark twins are
# as far from the dark background as the light ones are from white.
DARK = ("<style>@media (prefers-color-scheme: dark){"
        "rect[fill='white']{fill:#121417}[fill='#000']{fill:#ececec}[stroke='#888']{stroke:#a0a0a0}"
        "[stroke='#ddd']{stroke:#3a3f47}[fill='#1d4f91']{fill:#8cc4ff}[fill='#b4400b']{fill:#ffa476}"
        "[fill='#2f6f3e']{fill:#7fd18f}[fill='#6b3fa0']{fill:#c9a6ff}[fill='#8a5a00']{fill:#f0c060}"
        "[fill='#a3195b']{fill:#ff8fc0}}</style>")


def themed(svg: str) -> str:
    """The SVG with its dark-mode colours, just inside the opening <svg> tag."""
    return svg.replace(">", ">" + DARK, 1)
