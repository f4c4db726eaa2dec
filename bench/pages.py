"""Render every page of a project with Jinja, nothing else, and print the CPU time per page (run by bench/run.py)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import jinja2

from sitegen.build.pipeline import read_project
from sitegen.build.session import Session
from sitegen.config import load_config
from sitegen.history.releases import load_history
from sitegen.publish.extras import annotate, plan_publishing
from sitegen.site.plan import plan_pages
from sitegen.site.render import make_env, render_page


def main() -> None:
    """Print {"pages": n, "cpu": seconds, "slowest": [template, seconds]} for the project in argv[1]."""
    config = load_config(Path(sys.argv[1]))
    site, pages, rendered = read_project(config, Session())
    history = load_history(config)
    specs = plan_pages(site, pages, rendered)
    specs += plan_publishing(site, history, specs)  # every page a build renders, as the pipeline plans them
    annotate(specs, site, history)
    env = make_env(config, jinja2.Environment)
    per_template: dict[str, float] = {}
    started = time.process_time()
    for spec in specs:
        before = time.process_time()
        render_page(env, spec, site)
        per_template[spec.templates[-1]] = per_template.get(spec.templates[-1], 0.0) + time.process_time() - before
    slowest = max(per_template.items(), key=lambda kv: kv[1])
    print(json.dumps({"pages": len(specs), "cpu": time.process_time() - started, "slowest": slowest}))


if __name__ == "__main__":
    main()
