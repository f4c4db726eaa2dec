"""`sitegen build`: the whole pipeline, in order. Nothing reaches build/ unless every step succeeds."""

from __future__ import annotations

import sys
import time
from functools import partial

from markupsafe import Markup

from sitegen.charts import chart_specs, render_svgs, script_assets
from sitegen.config import Config
from sitegen.content import CONTENT_PAGES, Page, load_page, render, unknown_shortcodes
from sitegen.downloads import figures_csv, package_xlsx, package_zip
from sitegen.errors import Problem, ProblemList, ProblemsFound, SitegenError, problem
from sitegen.model import Site, build_model
from sitegen.output import Writer, check_writable, pause_point, prepare_output
from sitegen.pages import BUILTIN_TEMPLATES, PageSpec, figure_ref, make_env, plan_pages, render_page, root_for
from sitegen.readers import display
from sitegen.report import render_text
from sitegen.stamp import input_digest, save_stamp, unchanged
from sitegen.validate import validate_packages


def run_build(config: Config, force: bool = False) -> None:
    """Validate, model, plan, render charts and pages, write to staging, swap in; print a summary."""
    step = Steps()
    output = prepare_output(config)
    inputs = input_digest(config, BUILTIN_TEMPLATES)
    last = None if force else unchanged(config, inputs)
    if last:
        print(f"Up to date: {last['pages']} pages and {last['charts']} charts unchanged in "
              f"{step.seconds():.1f} s -> {display(config.root / config.output_dir)}/")
        return
    check_writable(output)
    step("Validating the data packages")
    packages, problems = validate_packages(config.root / config.datapackages_dir)
    if problems:
        sys.stdout.write(render_text(packages, problems))
        raise SitegenError("the data is not valid: nothing was published, build/ is unchanged")
    pause_point("validated")
    step("Reading content and planning pages")
    site = build_model(packages, config)
    pages = load_content(config)
    rendered = render_content(site, pages)
    specs = plan_pages(site, pages, rendered)
    charts = [chart for spec in specs for chart in spec.charts]
    step(f"Rendering {len(charts)} charts (unchanged ones come from .cache/)")
    specs_json = chart_specs(charts, config.root / ".cache" / "specs")
    svgs = render_svgs(specs_json, config.root / ".cache" / "charts", config.chart_workers)
    step(f"Writing {len(specs)} pages and the downloads")
    pause_point("charts-rendered")
    writer = Writer(output)
    try:
        write_site(writer, site, specs, specs_json, svgs)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    save_stamp(config, inputs, len(specs), len(charts))
    print(f"Built {len(specs)} pages and {len(charts)} charts in {step.seconds():.1f} s -> {display(writer.output)}/")


class Steps:
    """Progress for people: each step with the time so far, on a terminal only (logs, CI and tests stay clean)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.console = None
        if sys.stderr.isatty():
            from rich.console import Console  # only for people watching

            self.console = Console(stderr=True, highlight=False)

    def seconds(self) -> float:
        """Seconds since the build started."""
        return time.perf_counter() - self.started

    def __call__(self, message: str) -> None:
        if self.console is not None:
            self.console.print(f"[dim]{self.seconds():5.1f} s[/dim]  {message}")


def load_content(config: Config) -> dict[str, Page]:
    """Markdown pages by key (`about`, `councils/<slug>`); every problem reported at once."""
    folder = config.root / config.content_dir
    found = ProblemList()
    pages = {}
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        key = path.relative_to(folder).with_suffix("").as_posix()
        pages[key] = load_page(path, display(path))
        found.extend(pages[key].problems)
    found.raise_if_any("content has problems: nothing was published")
    return pages


def render_content(site: Site, pages: dict[str, Page]) -> dict[str, Markup]:
    """Sanitised HTML for every page; unknown figure ids fail the build, naming file and line."""
    known = {f.id for f in site.figures}
    slugs = {c.slug for c in site.councils}
    problems: list[Problem] = []
    for key, page in pages.items():
        problems += unknown_shortcodes(page, known)
        folder, _, name = key.rpartition("/")
        if folder == "councils" and name not in slugs:
            problems.append(problem("unknown-council", "no council has this slug", page.shown, 1, "file name", name))
        elif folder != "councils" and key not in CONTENT_PAGES:
            # a page nobody would see is more likely a mistake than a draft: say so rather than skip it
            problems.append(problem("unknown-page", f"only {', '.join(sorted(CONTENT_PAGES))} and councils/<slug> "
                                    "are published", page.shown, 1, "file name", key))
    if problems:
        raise ProblemsFound(problems, "content refers to things that do not exist: nothing was published")
    out = {}
    for key, page in pages.items():
        root = root_for(("councils/x/" if key.startswith("councils/") else "x/") + "index.html")
        out[key] = Markup(render(page, partial(figure_ref, site, root=root)))
    return out


def write_site(writer: Writer, site: Site, specs: list[PageSpec], specs_json: dict[str, str],
               svgs: dict[str, str]) -> None:
    """Every file of the site into the staging folder."""
    env = make_env(site.config)
    for spec in specs:
        writer.write(spec.path, render_page(env, spec, site, svgs))
    for chart_id, chart_spec in specs_json.items():
        writer.write(f"charts/{chart_id}.svg", svgs[chart_id])
        writer.write(f"charts/{chart_id}.vl.json", chart_spec)
    for path, data in script_assets(site.config.root / ".cache" / "js").items():
        writer.write(path, data)
    for asset in sorted(p for p in (BUILTIN_TEMPLATES / "static").rglob("*") if p.is_file()):
        writer.write(asset.relative_to(BUILTIN_TEMPLATES).as_posix(), asset.read_bytes())
    for council in site.councils + [site.england]:
        if council.figures:
            writer.write(f"councils/{council.slug}/figures.csv", figures_csv(council.figures))
    write_data(writer, site)
    write_meta(writer, site, specs)


def write_data(writer: Writer, site: Site) -> None:
    """Each package: its CSVs and descriptor as published, a zip and an XLSX."""
    for name, package in sorted(site.packages.packages.items()):
        writer.write(f"data/{name}/datapackage.json", package.path.read_bytes())
        for resource in package.resources.values():
            writer.write(f"data/{name}/{resource.path.name}", resource.path.read_bytes())
        writer.write(f"data/{name}/{name}.zip", package_zip(package, site))
        writer.write(f"data/{name}/{name}.xlsx", package_xlsx(package, site.updated))


def write_meta(writer: Writer, site: Site, specs: list[PageSpec]) -> None:
    """sitemap.xml and robots.txt."""
    urls = [site.config.base_url + s.path.removesuffix("index.html") for s in specs if s.path != "404.html"]
    body = "".join(f"  <url><loc>{u}</loc><lastmod>{site.updated.isoformat()}</lastmod></url>\n" for u in urls)
    writer.write("sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n")
    writer.write("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.config.base_url}sitemap.xml\n")

