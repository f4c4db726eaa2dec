"""`sitegen serve`'s first look at an edit: the pages open in a browser made first, every other file carried over
from the last build for the follow-up build to make (a request for one waits for it, as for a download).

Planning every page of a new model takes about 1.6 s on the real site; one council's page, its charts and
comparisons about 0.25 s of it. A template edit would render 161 council pages again; here, the open one. The
pages made here are those the full build makes, byte for byte.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitegen.build.drawn import draw_charts, write_assets
from sitegen.build.manifest import load_made, load_manifest, save_manifest, state_file
from sitegen.build.reuse.record import TracingEnvironment, setup_digest
from sitegen.build.staging import Writer
from sitegen.build.stamp import forget_stamp
from sitegen.errors import plural, report
from sitegen.files import display
from sitegen.site.render import env_for, render_page
from sitegen.site.theme import BUILTIN_TEMPLATES

if TYPE_CHECKING:
    from sitegen.build.fresh import Work
    from sitegen.build.options import BuildOptions
    from sitegen.build.session import Session
    from sitegen.config import Config
    from sitegen.data.model import Site
    from sitegen.site.page import PageSpec


def preview_open(config: Config, work: Work, options: BuildOptions, session: Session, site: Site,
                 specs: list[PageSpec]) -> bool:
    """Make the open pages (planned, annotated) with their charts and assets, carry every other file, and swap the
    site in; False (nothing done) when there is no last build to carry from."""
    last = load_manifest(config)
    if not last:
        return False
    drawn = draw_charts(config, [chart for spec in specs for chart in spec.charts], False, session)
    env = env_for(config, setup_digest(config, BUILTIN_TEMPLATES, session.code), session.envs, TracingEnvironment)
    writer = Writer(work.output, last, session.removals if options.background else None,
                    state_file(config, "spare", ""), work.step.check)
    missing = set()  # files of the last build that could not be carried (changed since): waited for all the same
    try:
        for spec in specs:
            env.reads = set()
            writer.write(spec.path, render_page(env, spec, site))
        for chart_id, chart_spec in drawn.specs.items():
            writer.write(f"charts/{chart_id}.svg", drawn.svgs[chart_id])
            writer.write(f"charts/{chart_id}.vl.json", chart_spec)
        write_assets(writer, drawn)  # what the open pages load with them, never waited for
        for path in sorted(last):
            if path not in writer.written and not writer.carry(path):
                missing.add(path)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    if options.swapped is not None:
        options.swapped(frozenset(writer.carried | missing))
    save_manifest(config, writer.manifest(), load_made(config))  # the downloads carried are the last build's
    forget_stamp(config, work.inputs)  # the output is not yet what these inputs make: the next build must not skip
    report(f"Previewed {plural(len(specs), 'open page')} in {work.step.seconds():.1f} s -> {display(writer.output)}/ "
           f"(the other pages, downloads and search index to follow)")
    return True
