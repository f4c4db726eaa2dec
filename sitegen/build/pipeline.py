"""`sitegen build`: one build of a project at a time; nothing done when nothing changed; else the pipeline, in order:
validate, model, plan, draw, write, index, swap. Nothing reaches build/ unless every step succeeds."""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING

from markupsafe import Markup

from sitegen.build.drawn import Drawn, draw_charts, write_assets
from sitegen.build.fresh import Work, build_if_needed
from sitegen.build.guard import check_writable
from sitegen.build.manifest import load_made, load_manifest, output_path, save_manifest, state_file
from sitegen.build.open_pages import preview_open
from sitegen.build.options import BuildOptions
from sitegen.build.reuse.cache import Made
from sitegen.build.reuse.canon import Canon
from sitegen.build.reuse.described import Described
from sitegen.build.reuse.later import LaterKeys
from sitegen.build.reuse.parsed import load_memo, save_memo, signature
from sitegen.build.reuse.planned import PlanMemo
from sitegen.build.reuse.record import (
    RECORD,
    Model,
    Record,
    Saved,
    TracingEnvironment,
    made_with,
    model_objects,
    planned_digest,
    setup_digest,
)
from sitegen.build.reuse.viewed import Viewed
from sitegen.build.session import Session
from sitegen.build.staging import Writer
from sitegen.build.stamp import Looker, Seen, forget_stamp, save_stamp
from sitegen.cache import Cache
from sitegen.config import is_local, is_placeholder
from sitegen.data.model import Site, build_model
from sitegen.data.validate import validate_packages
from sitegen.data.warnings import apply_warnings
from sitegen.errors import QUIET, Problem, ProblemList, ProblemsFound, level, problem, report
from sitegen.files import Inputs, display
from sitegen.history.releases import History, load_history
from sitegen.publish.api import write_api
from sitegen.publish.catalog import PATH as CATALOG
from sitegen.publish.catalog import catalog_jsonld
from sitegen.publish.charted import Order
from sitegen.publish.chartzip import write_chart_zips
from sitegen.publish.datasets import About, about_packages, published_descriptor
from sitegen.publish.downloads import figures_bytes, package_xlsx, package_zip
from sitegen.publish.extras import annotate, last_changed, plan_publishing, views_key, write_publishing
from sitegen.publish.fingerprint import digest_of, figure_digests
from sitegen.publish.jsonld import describe_pages
from sitegen.publish.search import BUNDLE, Indexing
from sitegen.publish.sitemap import write_sitemap
from sitegen.publish.workbook import PATH as WORKBOOK
from sitegen.publish.workbook import all_figures_xlsx
from sitegen.site.content import CONTENT_PAGES, HOME_INTRO, Page, load_page, render, unknown_shortcodes
from sitegen.site.headline import headline_problems
from sitegen.site.page import PageSpec, root_for
from sitegen.site.plan import DataPlan, plan_data, plan_pages
from sitegen.site.render import env_for, render_page, template_text
from sitegen.site.theme import BUILTIN_TEMPLATES
from sitegen.site.views import figure_link

if TYPE_CHECKING:
    from collections.abc import Callable

    from sitegen.build.steps import Steps
    from sitegen.config import Config
    from sitegen.data.rows import Packages


def build(config: Config, options: BuildOptions | None = None, session: Session | None = None) -> bool:
    """One build of the project at a time (wait for another, or raise BuildLocked), then build unless nothing
    changed; False when it was a preview (see make_site), whose downloads and search index a follow-up build
    makes. The session is the caller's when it builds again (`sitegen serve`), else this build's own."""
    return build_if_needed(config, options or BuildOptions(), session or Session(), make_site)


def warn_placeholder(config: Config) -> None:
    """Say so when the site would be published with a placeholder or local address in every canonical link."""
    if level() == QUIET:
        return
    if is_placeholder(config.base_url):
        print(f"Warning: base_url {config.base_url} is a placeholder; set it in sitegen.toml or pass "
              "--base-url, or canonical links and sitemap.xml will point nowhere", file=sys.stderr)
    elif is_local(config.base_url):
        print(f"Note: built for this machine ({config.base_url}): canonical links, sitemap.xml, feeds and embed "
              "codes point here; to publish, pass --base-url or set base_url in sitegen.toml", file=sys.stderr)


def make_site(config: Config, work: Work, options: BuildOptions, session: Session) -> bool:
    """Validate, model, plan, render charts and pages, write to staging, swap in; print a summary. A preview
    (`sitegen serve`, on an edit) makes every page and chart but carries the last build's downloads and search index
    that changed, for a follow-up build to make: False when it was one."""
    force, output, inputs, step = options.force, work.output, work.inputs, work.step
    warn_placeholder(config)
    check_writable(output)
    step("Validating the data packages")
    site, pages, rendered = read_project(config, session, force, inputs.seen)
    step("Reading the data's history and planning pages")
    cache = partial(Cache, config.root / config.cache_dir, code=session.code, read=not force)  # each kind's, by name
    releases = cache("releases")
    history = load_history(config, session.history, releases)
    site.updated = last_changed(site, history)  # the one "data last changed" date every page and file prints
    key = (history.missing, tuple(r.sha for r in history.releases), site.updated, site.content_pages)
    if options.preview and options.only:  # serve: the open pages first, as planned already or planned alone
        opened = open_specs(site, pages, rendered, history, session, options.only,
                            session.plan.data if session.plan.holds(key) else None)
        if opened and preview_open(config, work, options, session, site, opened):
            return False
    data, canon = session.plan.planned(key, partial(plan_data, site, derived=session.derived))
    specs = plan_pages(site, pages, rendered, data)
    names = views_key(site)
    views = session.plan.views_for(names)
    # each release as pages show it: the last build's where the release and the names it links are all the same
    viewed = Viewed(cache("views"), names, history)
    viewed.fill(views)
    order = session.plan.keep("order", (), partial(Order.of, site))  # where each figure and source is in the site
    # each chart's description: the last build's for a chart that is all the same (a forced build makes them all)
    described = Described(cache("descriptions"), canon)
    specs += plan_publishing(site, history, specs, views, order, described)
    described.save()
    annotate(specs, site, history, views)
    viewed.save(views)
    abouts = session.plan.keep("abouts", (), partial(about_packages, site, history))
    describe_pages(specs, abouts, site)
    charts = [chart for spec in specs for chart in spec.charts]
    step(f"Rendering {len(charts)} charts (unchanged ones come from the cache)")
    drawn = session.plan.keep("drawn", [chart.id for chart in charts], partial(draw_charts, config, charts, force,
                                                                               session))
    step(f"Writing {len(specs)} pages and the downloads (unchanged ones from the last build)")
    last = None if force else load_manifest(config)
    preview = options.preview and bool(last)  # with no last build, there is nothing to carry over
    removals = session.removals if options.background else None  # serve: the new site is up at once
    writer = Writer(output, last, removals, state_file(config, "spare", ""), step.check)
    # compiled templates: kept by the session while unchanged
    env = env_for(config, setup_digest(config, BUILTIN_TEMPLATES, session.code), session.envs, TracingEnvironment)
    digests = session.plan.keep("digests", (), partial(figure_digests, site))  # downloads, API, record: keyed by them
    record = page_record(config, site, env, force, session, canon, digests)
    downloads, searched = cache("downloads"), cache("search")  # searched: what each page gave the search index
    made = Made(downloads, record.setup, session.files, preview, None if force else load_made(config))
    write_output(writer, made, Published(site, history, specs, drawn, record, env, abouts, digests, order, searched),
                 step)
    if options.swapped is not None:
        options.swapped(frozenset(writer.carried))
    files = writer.manifest()
    save_manifest(config, files, made.keys)
    record.save(write=not preview)  # a preview's is kept by the session alone: the follow-up build writes it
    if preview:
        forget_stamp(config, inputs)  # the output is not yet what these inputs make: the next build must not skip
    else:
        save_parsed(config, session)  # a preview leaves this to its follow-up build too
        save_stamp(config, inputs, len(specs), len(charts), files)
        # a preview reads and writes the downloads and releases in part only: its follow-up build prunes them
        verdicts = [session.verdicts] if session.verdicts else []  # the data's descriptors, as last validated
        for used in (downloads, searched, releases, described.cache, viewed.cache, *drawn.caches, *verdicts):
            used.prune(str(output_path(config)))
    verb, after = ("Previewed", " (downloads and search index to follow)") if preview else (
        ("Checked", " (ready for edits)") if options.rebuild else ("Built", ""))
    report(f"{verb} {len(specs)} pages ({record.reused} of them unchanged, copied) and {len(charts)} charts in "
           f"{step.seconds():.1f} s -> {display(writer.output)}/{after}")
    return not preview


def open_specs(site: Site, pages: dict[str, Page], rendered: dict[str, Markup], history: History, session: Session,
               only: frozenset[str], data: DataPlan | None) -> list[PageSpec]:
    """The pages at `only` of those planned from the data and written pages, as the whole build plans them (serve's
    first look at an edit: the pages open in a browser, sitegen.build.open_pages); none for others. data: the
    session's plan of every page, where it holds one for this model and history; else those pages are planned alone
    (a data edit: every page would be planned again, about 1.8 s on the real site)."""
    specs = [spec for spec in plan_pages(site, pages, rendered, data or plan_data(site, only, session.derived))
             if spec.path in only]
    annotate(specs, site, history, session.plan.views_for(views_key(site)))
    datasets = [spec for spec in specs if spec.path.startswith("data/")]  # the only pages that describe packages
    describe_pages(datasets, session.plan.keep("abouts", (), partial(about_packages, site, history)) if datasets
                   else {}, site)
    return specs


@dataclass
class Published:
    """Everything the writing stage writes from."""

    site: Site
    history: History
    specs: list[PageSpec]
    drawn: Drawn
    record: Record
    env: TracingEnvironment
    abouts: dict[str, About]  # each package's metadata (publish.datasets)
    digests: dict[str, bytes]  # each figure's (publish.fingerprint)
    order: Order  # where each figure and source is in the site (publish.charted)
    searched: Cache  # what each page gave the search index, by its hash (publish.search)


def write_output(writer: Writer, made: Made, out: Published, step: Steps) -> None:
    """Write every file into staging, index it for search, then swap it in (or throw it away on any failure)."""
    search = None
    try:
        if made.preview:
            writer.carry_folder(BUNDLE)  # the last build's index, until the follow-up build makes this one's
        else:  # Pagefind indexes each page as it is written, and while the rest is written
            search = Indexing(writer.staging, out.searched)
        write_pages(writer, out.site, out.specs, out.record, out.env, search.add if search else None)
        if search is not None:
            search.done()
        write_files(writer, out.site, out.drawn, made, out.digests)
        write_data(writer, out.site, out.abouts, made, out.digests)
        writer.write(CATALOG, catalog_jsonld(out.abouts, out.site))
        write_api(writer, made, out.site, out.digests)
        write_publishing(writer, out.site, out.history, out.specs, made)
        write_chart_zips(writer, out.site, out.specs, out.drawn.svgs, out.drawn.keys, made, out.digests, out.order)
        write_sitemap(writer, out.site, out.specs)
        if search is not None:
            step("Indexing every page for search (Pagefind)")
            for path, data in search.finish(step.check).items():
                writer.write(path, data)
        writer.commit()
    except BaseException:
        if search is not None:
            search.stop()
        writer.abort()
        raise


def read_project(config: Config, session: Session, force: bool = False,
                 known: Seen | None = None) -> tuple[Site, dict[str, Page], dict[str, Markup]]:
    """The validated model, the Markdown pages and their HTML; every problem of data and content at once (known: the
    hashes the build's look at its inputs made, for validated)."""
    packages, problems, key = validated(config, session, force, known)
    pages, found = load_content(config)
    if problems:  # the content's own problems too, so one run shows everything to fix
        save_parsed(config, session)  # the next run need not parse the unchanged files either
        raise ProblemsFound(problems + found.items, "the data is not valid: nothing was published, build/ is "
                            "unchanged")
    if force:
        session.plan = PlanMemo()  # a forced build uses nothing made before
    site = session.plan.model(key, lambda: build_model(packages, config, apply_warnings(packages)))
    found.extend(content_problems(site, pages) + headline_problems(site))
    found.raise_if_any("content has problems: nothing was published")
    site.content_pages = tuple(name for name in CONTENT_PAGES if name in pages)
    return site, pages, render_content(site, pages, session.plan.rendered)


def validated(config: Config, session: Session, force: bool = False,
              known: Seen | None = None) -> tuple[Packages, list[Problem], str]:
    """The data packages, their problems, and a key for them and the settings; the same bytes are validated once a
    session (`sitegen serve`), and what is parsed and checked of unchanged files is kept for the next build
    (frictionless's verdicts on the descriptors in the cache, unless forced). known: the hash of each input file
    the build's look at its inputs made, with its status then (sitegen.build.stamp): one still of that status is
    not read again (a 13 MB file took 25 ms a hash, and was hashed three times an edit)."""
    folder = config.root / config.datapackages_dir
    looker = Looker({} if force or known is None else known)
    key = f"{looker.tree(folder, fence=config.root)} {config!r}"
    if key not in session.validated:
        session.validated.clear()
        cache = config.root / config.cache_dir
        if not force and not session.validated_before:  # a fresh process: what the last one parsed, if unchanged
            session.data = load_memo(cache, session.code)
        before = signature(session.data)
        verdicts = session.verdicts = Cache(cache, "verdicts", session.code, read=not force)
        session.validated[key] = validate_packages(folder, config, memo=session.data, verdicts=verdicts,
                                                   known=looker.seen)
        session.validated_before = True
        session.data_unsaved = session.data_unsaved or signature(session.data) != before
    return (*session.validated[key], key)


def save_parsed(config: Config, session: Session) -> None:
    """Keep what was parsed and checked in the cache for the next process, if it changed: once the new site is
    swapped in (serve: the edited page is reloaded first), or the data found invalid (about 0.5 s on the real
    site)."""
    if session.data_unsaved:
        save_memo(config.root / config.cache_dir, session.code, session.data)
        session.data_unsaved = False


def load_content(config: Config) -> tuple[dict[str, Page], ProblemList]:
    """Markdown pages by key (`about`, `councils/<slug>`), and every problem met reading them."""
    folder = config.root / config.content_dir
    found = ProblemList()
    pages = {}
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        key = path.relative_to(folder).with_suffix("").as_posix()
        pages[key] = load_page(path, display(path), Inputs(config.root, config.max_page_bytes),
                               config.max_page_markup)
        found.extend(pages[key].problems)
    return pages, found


def content_problems(site: Site, pages: dict[str, Page]) -> list[Problem]:
    """Unknown figure ids, council pages for no council, and pages with no place on the site."""
    known = site.by_id
    slugs = {c.slug for c in site.councils}
    problems: list[Problem] = []
    for key, page in pages.items():
        problems += unknown_shortcodes(page, known)
        folder, _, name = key.rpartition("/")
        if folder == "councils" and name not in slugs:
            problems.append(problem("unknown-council", "no council has this slug", page.shown, 1, "file name", name))
        elif folder != "councils" and key not in (*CONTENT_PAGES, HOME_INTRO):
            # a page nobody would see is more likely a mistake than a draft: say so rather than skip it
            problems.append(problem("unknown-page", f"only {', '.join(sorted((*CONTENT_PAGES, HOME_INTRO)))} and "
                                    "councils/<slug> are published", page.shown, 1, "file name", key))
    return problems


def render_content(site: Site, pages: dict[str, Page],
                   before: dict[tuple[str, str], Markup] | None = None) -> dict[str, Markup]:
    """Sanitised HTML for every page, shortcodes linked to their figures; before: each page's HTML by (key, text)
    as rendered for this same model (a session's: an edit renders the edited page alone), updated."""
    out, made = {}, {}
    for key, page in pages.items():
        found = before.get((key, page.body)) if before is not None else None
        if found is None:
            where = "" if key == HOME_INTRO else "councils/x/" if key.startswith("councils/") else "x/"
            found = Markup(render(page, partial(figure_link, site.by_id, root=root_for(where + "index.html"))))
        out[key] = made[key, page.body] = found
    if before is not None:  # only the pages as they are now: an edited page's older text is dropped
        before.clear()
        before.update(made)
    return out


def page_record(config: Config, site: Site, env: TracingEnvironment, force: bool, session: Session,
                canon: Canon, digests: dict[str, bytes]) -> Record:
    """The dependency record: last build's (unless forced; as the session saved it, while its file is unchanged) to
    compare with, and this build's to fill (figures valued by their digests)."""
    objects = session.plan.keep("objects", (), partial(model_objects, site))
    model = Model(site, partial(template_text, env), canon, objects, digests)
    session.record = session.record or Saved()
    return Record(state_file(config, RECORD), made_with(config, session.code), model, use_last=not force,
                  saved=session.record)


def write_files(writer: Writer, site: Site, drawn: Drawn, made: Made, digests: dict[str, bytes]) -> None:
    """The charts, scripts, static assets and councils' CSVs into the staging folder."""
    for chart_id, chart_spec in drawn.specs.items():  # an unchanged chart's files are linked, never hashed
        made.known(writer, f"charts/{chart_id}.svg", [b"svg", drawn.keys[chart_id].encode()], drawn.svgs[chart_id])
        made.known(writer, f"charts/{chart_id}.vl.json", [b"spec", drawn.keys[chart_id].encode()], chart_spec)
    write_assets(writer, drawn)
    for area in [*site.councils, *site.predecessors, site.england]:
        if area.figures:  # keyed by its rows' digests: an unchanged council's CSV is not made again
            made.write(writer, f"councils/{area.slug}/figures.csv", [b"figures-csv", digest_of(area.figures, digests)],
                       partial(figures_bytes, area.figures))


def write_pages(writer: Writer, site: Site, specs: list[PageSpec], record: Record, env: TracingEnvironment,
                written: Callable[[str, str], None] | None = None) -> None:
    """Every page, unchanged ones from the last build, in the order of their paths, each HTML one given to written
    with its hash once in staging (search indexes them in that order); a template error on one page hides no other."""
    problems: list[Problem] = []
    keys = LaterKeys(record.model, site.packages)
    for spec in sorted(specs, key=attrgetter("path")):
        planned = planned_digest(record.model.canon, spec.path, spec.templates, spec.title, spec.description,
                                 spec.context, spec.charts, keys(spec.later) if spec.later else "")
        sha = record.reuse(spec.path, planned)
        if sha and writer.keep(spec.path, sha):
            record.kept(spec.path)
        else:
            env.reads = set()
            try:
                writer.write(spec.path, render_page(env, spec, site))
            except ProblemsFound as exc:
                problems.extend(p for p in exc.problems if p not in problems)
                continue
            record.add(spec.path, planned, env.reads, writer.shas[spec.path])
        if written is not None and spec.path.endswith(".html"):
            written(spec.path, writer.shas[spec.path])
    if problems:
        raise ProblemsFound(problems, "templates failed: nothing was published")


def write_data(writer: Writer, site: Site, abouts: dict[str, About], made: Made, digests: dict[str, bytes]) -> None:
    """Each package: its CSVs and descriptor as published (with id, version and created), a zip and an XLSX
    (unchanged ones from the cache)."""
    every: list[bytes] = []
    for name, package in sorted(site.packages.packages.items()):
        descriptor = published_descriptor(package, abouts[name])
        # each file hashed once for the three keys it is part of (a package of 13 MB took 0.1 s a pass)
        raw = [hashlib.sha256(descriptor).digest(), *(r.digest for r in package.resources.values())]
        every += [name.encode(), *raw]
        writer.write(f"data/{name}/datapackage.json", descriptor, raw[0].hex())
        for resource, sha in zip(package.resources.values(), raw[1:], strict=True):
            writer.write(f"data/{name}/{resource.path.name}", resource.raw, sha.hex())
        when = site.updated.isoformat().encode()
        made.write(writer, f"data/{name}/{name}.zip", [b"zip", name.encode(), when, *raw],
                   partial(package_zip, package, site, descriptor))
        made.write(writer, f"data/{name}/{name}.xlsx", [b"xlsx", name.encode(), when, *raw],
                   partial(package_xlsx, package, site.updated, made.cache))
    made.write(writer, WORKBOOK, [b"workbook", site.updated.isoformat().encode(), *every],
               partial(all_figures_xlsx, site, digests, made.cache))
