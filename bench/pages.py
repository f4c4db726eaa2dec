"""Render every page of a project as the build renders it, nothing else, and print the CPU time per page (run by
bench/run.py on the SYNTHETIC site; the pages are planned by bench_render, as the pipeline plans them)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench_render import render_times


def main() -> None:
    """Print {"pages": n, "cpu": seconds, "slowest": [template, seconds]} for the project in argv[1]."""
    times = render_times(Path(sys.argv[1]))
    per_template = {name: sum(seconds) for name, seconds in times.items()}
    slowest = max(per_template.items(), key=lambda kv: kv[1])
    print(json.dumps({"pages": sum(len(seconds) for seconds in times.values()), "cpu": sum(per_template.values()),
                      "slowest": slowest}))


if __name__ == "__main__":
    main()
