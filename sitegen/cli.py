"""Command line: `sitegen new`, `validate`, `build`, `import`, `diff` and `serve`."""

from __future__ import annotations

import gc
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
from click.core import ParameterSource

from sitegen.config import load_config
from sitegen.errors import NORMAL, QUIET, VERBOSE, set_level

if TYPE_CHECKING:
    from collections.abc import Callable

    from sitegen.build.fresh import Work
    from sitegen.config import Config

F = TypeVar("F", bound="Callable[..., object]")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="civic-sitegen")
def cli() -> None:
    """Validate and publish council-NHS care finance data."""
    set_level(NORMAL)  # before the command's options are read: a run that stopped at a usage error set nothing


def choose_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """-q or -v: set for the command, put back when it ends; both at once is a usage error (exit 2)."""
    if not value:
        return
    chosen = ctx.meta.setdefault("sitegen.verbosity", param.name)
    if chosen != param.name:
        raise click.UsageError("-q/--quiet and -v/--verbose cannot be used together", ctx)
    set_level(QUIET if param.name == "quiet" else VERBOSE)
    ctx.call_on_close(partial(set_level, NORMAL))


def verbosity_options(command: F) -> F:
    """-q/--quiet and -v/--verbose, which every command has (see the end of sitegen.errors for what each prints)."""
    verbose = click.option("-v", "--verbose", is_flag=True, expose_value=False, is_eager=True,
                           callback=choose_verbosity, help="Also each step with the seconds since sitegen started.")
    quiet = click.option("-q", "--quiet", is_flag=True, expose_value=False, is_eager=True, callback=choose_verbosity,
                         help="Errors only (and what the command was asked to print: a report, an address).")
    return quiet(verbose(command))


def common_options(command: F) -> F:
    """The options every command working on a project has: -q/-v and --project (a missing folder: one message,
    exit 2). A command that makes its folder (`new`) takes verbosity_options alone."""
    project = click.option("--project", type=click.Path(exists=True, file_okay=False, path_type=Path),
                           default=Path("."), show_default=True, help="Project folder holding sitegen.toml.")
    return verbosity_options(project(command))


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@verbosity_options
def new(folder: Path) -> None:
    """Start a project in FOLDER (new or empty): settings, data packages of SYNTHETIC figures, pages, a README."""
    from sitegen.scaffold.new import run_new

    raise SystemExit(run_new(folder))


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for Actions annotations.",
)
@common_options
def validate(path: Path | None, fmt: str, project: Path) -> None:
    """Check every data package under PATH (default: the project's datapackages/)."""
    from sitegen.data.validate import run_validate

    config = load_config(project)
    raise SystemExit(run_validate(path or config.root / config.datapackages_dir, fmt, config))


@cli.command()
@common_options
@click.option("--force", is_flag=True, help="Build even when no input has changed since the last build.")
@click.option("--base-url", help="Absolute URL the site is published at, overriding base_url in sitegen.toml.")
@click.option("--repository-url", help="Where contributors send figures, overriding repository_url in sitegen.toml.")
@click.option("--no-wait", is_flag=True, help="Exit with status 3 at once if another build of the project runs.")
@click.option("--config", "settings", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Settings file, instead of sitegen.toml; the project is its folder unless --project is given.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder the site is written to, overriding output_dir (relative to the working directory; "
              "absent, or one sitegen made).")
def build(project: Path, force: bool, base_url: str | None, repository_url: str | None, no_wait: bool,
          settings: Path | None, output: Path | None) -> None:
    """Validate the data, then build the site into the output folder atomically."""
    from sitegen.build.fresh import build_if_needed
    from sitegen.build.lock import stop_on_sigterm
    from sitegen.build.options import BuildOptions
    from sitegen.build.session import Session
    from sitegen.files import filesystem_error

    if settings is not None:
        if click.get_current_context().get_parameter_source("project") is ParameterSource.DEFAULT:
            project = settings.parent  # as MkDocs -f and Pelican -s: the settings' folder is the project
        elif not settings.resolve().is_relative_to(project.resolve()):
            raise click.BadParameter(f"{settings} is outside the project folder {project}; nothing outside the "
                                     "project is read", param_hint="'--config'")
    output_dir = os.path.abspath(output) if output is not None else None  # relative to where the user is
    config = load_config(project, {"base_url": base_url, "repository_url": repository_url, "output_dir": output_dir},
                         settings)
    options, session = BuildOptions(force=force, wait=not no_wait), Session()
    stop_on_sigterm()

    def make(config: Config, work: Work, options: BuildOptions, session: Session) -> bool:
        from sitegen.build.pipeline import make_site  # only when there is work: nothing changed loads no stage

        # a build keeps nearly all it makes until the process ends: a collection would only walk it again and
        # again (0.8 s of CPU of one figure changed on the real site, 1.6 s of a cold build; 35 MB more at most)
        enabled = gc.isenabled()
        gc.disable()
        try:
            return make_site(config, work, options, session)
        finally:
            if enabled:  # a program running the build in its own process gets its collector back, but the
                gc.freeze()  # build's objects are set aside: the first collection would otherwise walk them all
                gc.enable()

    try:
        build_if_needed(config, options, session, make)
    except OSError as exc:  # disk full, read-only, permission denied: one line, no traceback
        raise filesystem_error(exc) from None


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--into", metavar="PACKAGE", help="Figures package (a folder of datapackages/) to merge into; "
              "default: the one the file's layout belongs to.")
@common_options
def import_(file: Path, into: str | None, project: Path) -> None:
    """Import an official return, or a folder of them: figures merged by id into a package, then validated."""
    from sitegen.build.lock import build_lock
    from sitegen.importers.run import filesystem_refusal, run_import

    config = load_config(project)
    try:
        with build_lock(config):  # one import or build of a project at a time: the other waits
            status = run_import(file, into, config)
    except OSError as exc:  # the lock itself cannot be written (read-only, full disk): one line, nothing changed
        raise filesystem_refusal(exc) from None
    raise SystemExit(status)


@cli.command()
@click.argument("old", required=False, default="HEAD")
@click.argument("new", required=False, default="working tree")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="text for people, markdown for a pull request summary, json for programs.")
@common_options
def diff(old: str, new: str, fmt: str, project: Path) -> None:
    """What changed in the data from OLD to NEW (each a git revision or a folder; default HEAD -> working tree)."""
    from sitegen.history.revision import run_diff

    raise SystemExit(run_diff(old, new, fmt, load_config(project)))


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any but 127.0.0.1, localhost or ::1 (e.g. 0.0.0.0) lets other computers "
              "see the preview, unpublished edits included: a warning says so.")
@click.option("--open", "browse", is_flag=True,
              help="Open the site in the browser once the first build is done (BROWSER names another browser).")
@common_options
def serve(port: int, host: str, browse: bool, project: Path) -> None:
    """Build, serve the site on 127.0.0.1 (or --host), rebuild on every edit and reload open pages (Ctrl-C stops)."""
    from sitegen.build.pipeline import build as build_site
    from sitegen.serve.run import run_serve

    # serve is handed the build: it knows how to watch, not how to build
    run_serve(project, port, build_site, host=host, browse=browse)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sitegen")
