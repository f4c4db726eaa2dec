"""Benchmark search indexing: CPU per page indexed, over a built site's pages, as a build indexes them.

Each run is a fresh process (`--index SITE`) that gives every page of SITE to sitegen's indexing (Pagefind's service,
fed what a reader searches for) and builds the bundle in memory; it times the indexing alone, not the imports: its
own CPU and Pagefind's. With `--before`, Pagefind's command line over the same pages, as builds ran it until
issue 24. Run alone: `.venv/bin/python bench/bench_search.py [BUILT_SITE]` (default: the real site, built here).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import BenchError, Sample, Stats, machine, run
from report import Row, Target, table

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1767225600"
TARGET_MS = 2.0  # issue 24: CPU per page indexed
BEFORE = "issue: about 12 ms on the SYNTHETIC site"


def cpu() -> float:
    """CPU seconds of this process (every thread) and of the children it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def index(site: Path) -> dict[str, float]:
    """Index every page of a built site as a build does; the pages indexed, bundle files, CPU and wall seconds."""
    from sitegen.publish.search import Indexing

    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "pagefind" not in p.parts)
    started, wall = cpu(), time.perf_counter()
    indexing = Indexing(site)
    for page in pages:
        indexing.add(page)
    files = indexing.finish()
    used, wall = cpu() - started, time.perf_counter() - wall
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    return {"pages": indexed, "files": len(files), "cpu": used, "wall": wall}


def measure(site: Path, runs: int) -> tuple[list[Sample], dict[str, float]]:
    """runs fresh processes indexing site: a sample each (the indexing alone), and the last one's counts."""
    samples, found = [], {}
    for _ in range(runs):
        sample, out = run([sys.executable, __file__, "--index", str(site)], cwd=ROOT)
        found = json.loads(out.strip().splitlines()[-1])
        samples.append(Sample(found["wall"], found["cpu"], sample.peak_mb))
    return samples, found


def before(site: Path, runs: int) -> list[Sample]:
    """Pagefind's command line over a copy of site (as builds ran it): whole process, CPU and wall."""
    from sitegen.publish.search_service import executable

    samples = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="sitegen-bench-search-") as tmp:
            copy = Path(tmp) / "site"
            shutil.copytree(site, copy, ignore=shutil.ignore_patterns("pagefind"))
            sample, _ = run([executable(), "--site", str(copy), "--output-subdir", "pagefind", "--keep-index-url",
                             "--force-language", "en", "--silent"], env={"PATH": "/usr/bin:/bin"})
            samples.append(sample)
    return samples


def rows(site: Path, runs: int = 3, compare: bool = False) -> list[Row]:
    """The benchmark's rows: CPU per page indexed on a built site (median, min, max over runs), against the
    target; with compare, Pagefind's command line over the same pages (one run)."""
    samples, found = measure(site, runs)
    pages = int(found["pages"])
    per_page = sorted(s.cpu / pages * 1000 for s in samples)
    median = Stats(tuple(samples)).median("cpu") / pages * 1000
    note = (f"{pages:,} pages indexed, {int(found['files']):,} bundle files: {median:.2f} ms CPU a page (median), "
            f"{per_page[0]:.2f}–{per_page[-1]:.2f}; the indexing alone (sitegen's part and Pagefind); {BEFORE}")
    out = [Row("real site, search index of every page", Stats(tuple(samples)), note,
               [Target(f"≤ {TARGET_MS:g} ms CPU a page", median, TARGET_MS, "ms")])]
    if compare:
        old = before(site, 1)
        out.append(Row("real site, Pagefind's command line over the same pages (the way before issue 24)",
                       Stats(tuple(old)), f"{old[0].cpu / pages * 1000:.2f} ms CPU a page indexed"))
    return out


def built_real_site(work: Path) -> Path:
    """The real project built in work (a copy: data, content, settings); its site folder."""
    project = work / "real"
    project.mkdir()
    for name in ("datapackages", "content"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "sitegen.toml", project / "sitegen.toml")
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "-q", "--project", str(project)],
                          env=os.environ | {"SOURCE_DATE_EPOCH": EPOCH}, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BenchError(f"the real site did not build:\n{done.stderr[-4000:]}")
    return project / "build"


def main(argv: list[str]) -> int:
    """`--index SITE`: one measured indexing (prints JSON); else the table, for SITE or the real site built here."""
    if argv[:1] == ["--index"]:
        print(json.dumps(index(Path(argv[1]))))
        return 0
    compare = "--before" in argv
    given = [a for a in argv if a != "--before"]
    print(f"Machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-search-") as tmp:
        site = Path(given[0]) if given else built_real_site(Path(tmp))
        print(table(rows(site, compare=compare)))
    print(f"Load average at the end: {machine().rsplit('load average ', 1)[1]}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as exc:
        print(f"Benchmark failed: {exc}", file=sys.stderr)
        sys.exit(1)
