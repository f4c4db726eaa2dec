"""`make bench`: build and validation benchmarks, one table of medians next to the issue's targets.

Everything runs in child processes measured by os.wait4 (CPU = user + sys of the process and the children it
waited for; peak = ru_maxrss of the largest process). Any failing command fails the benchmark (exit 1).
The default set takes about 9 minutes of CPU (20 minutes on 2 shared cores); the full set of the issue:

    .venv/bin/python bench/run.py --rows 100000,1000000,5000000 --runs 5 --synthetic-cold-runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from functools import partial
from pathlib import Path

import bench_charts
import bench_render
import bench_search
from bench_build import ROOT, measure_site
from bench_validate import measure_rows
from measure import BenchError, Sample, Stats, machine, run
from report import Row, Target, table
from synthetic import write_synthetic_project

HERE = Path(__file__).resolve().parent


def arguments() -> argparse.Namespace:
    """Sizes and numbers of runs; every default keeps `make bench` short enough to run often."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", default="real,synthetic", help="comma-separated: real, synthetic, or none")
    parser.add_argument("--runs", type=int, default=3, help="runs of each warm build and of validation")
    parser.add_argument("--synthetic-cold-runs", type=int, default=1,
                        help="cold builds of the SYNTHETIC site (each takes minutes); the real site has --runs")
    parser.add_argument("--years", type=int, default=10, help="financial years of the SYNTHETIC site's figures")
    parser.add_argument("--rows", default="100000,1000000", help="comma-separated SYNTHETIC row counts to validate")
    # a median with its minimum and maximum, as every other row (each frictionless run takes about 50 s); the first
    # run of sitegen on a new project pays frictionless's descriptor checks, the others read their verdicts back
    parser.add_argument("--big-runs", type=int, default=3, help="runs of validation at 1,000,000 rows or more")
    return parser.parse_args()


def pages_row(project: Path, runs: int) -> Row:
    """Jinja alone on every page of a project (bench/pages.py): CPU per page."""
    samples: list[Sample] = []
    per_page: list[float] = []
    slowest = ""
    for _ in range(runs):
        sample, out = run([sys.executable, str(HERE / "pages.py"), str(project)])
        found = json.loads(out.strip().splitlines()[-1])
        samples.append(sample)
        per_page.append(1000 * found["cpu"] / found["pages"])
        slowest = f"{found['slowest'][0]} {found['slowest'][1]:.1f} s"
    return Row("SYNTHETIC site, Jinja rendering of every page", Stats(tuple(samples)),
               f"{statistics.median(per_page):.1f} ms CPU per page (median), {min(per_page):.1f}–"
               f"{max(per_page):.1f}; costliest template: {slowest}; issue: 7.9 ms; the columns are the whole "
               "process, reading and validating the data included",
               [Target("≤ 3 ms CPU a page", statistics.median(per_page), 3.0, "ms")])


def page_weight_row(site: Path) -> list[Row]:
    """A chart page with JavaScript on (bench/page_weight.py), against the issue's 100 KB gzipped."""
    _, out = run([sys.executable, str(HERE / "page_weight.py"), str(site)])
    found = json.loads(out.strip().splitlines()[-1])
    load, used = found["on_load"], found["interacted"]
    note = (f"`{found['page']}`, {found['charts']} charts: {load['files']} files, {load['bytes'] / 1000:,.0f} KB "
            f"({load['gzip'] / 1000:,.0f} KB gzipped) on load; {used['files']} files, {used['gzip'] / 1000:,.0f} KB "
            "gzipped after a first interaction; issue: 320 KB gzipped")
    return [Row("real site, a chart page with JavaScript on", None, note,
                [Target("≤ 100 KB gzipped", used["gzip"] / 1000, 100, "KB")])]


def real_site_rows(site: Path, work: Path, runs: int) -> list[Row]:
    """What is measured on the real site as built: a chart page's weight, search indexing, Jinja per page, and a
    no-change build's imports."""
    return page_weight_row(site) + bench_search.rows(site, runs) + bench_render.rows(work, runs, built=site.parent)


def main() -> int:
    """Run the chosen benchmarks and print the machine and the table."""
    args = arguments()
    print(f"Machine: {machine()}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        work = Path(tmp)
        for site in (s for s in args.sites.split(",") if s in ("real", "synthetic")):
            source = ROOT
            if site == "synthetic":  # SYNTHETIC figures for the 153 real councils: never in datapackages/
                source = write_synthetic_project(work / "synthetic-source", years=args.years)
            inspect = partial(real_site_rows, work=work, runs=args.runs) if site == "real" else None
            cold_runs = args.synthetic_cold_runs if site == "synthetic" else args.runs
            rows += measure_site(site, source, work, args.runs, cold_runs, inspect)
            if site == "real":
                rows += bench_charts.rows(work)
            if site == "synthetic":
                rows.append(pages_row(source, args.runs))
        for size in (int(s) for s in args.rows.split(",") if s):
            rows += measure_rows(size, args.runs if size < 1_000_000 else args.big_runs, work)
    print(table(rows))
    print(f"Load average at the end: {machine().rsplit('load average ', 1)[1]} (the machine is shared)")
    missed = sum(not t.met() for r in rows for t in r.targets)
    print(f"{missed} target(s) missed" if missed else "Every target met")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"Benchmark failed: {exc}", file=sys.stderr)
        sys.exit(1)
