"""Command line: `sitegen validate` and `sitegen build`."""

from __future__ import annotations

from pathlib import Path

import click

from sitegen.config import load_config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sitegen")
def cli() -> None:
    """Validate and publish council-NHS care finance data."""


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
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder holding sitegen.toml.",
)
def validate(path: Path | None, fmt: str, project: Path) -> None:
    """Check every data package under PATH (default: the project's datapackages/)."""
    from sitegen.validate import run_validate

    config = load_config(project)
    raise SystemExit(run_validate(path or config.root / config.datapackages_dir, fmt, config))


@cli.command()
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder holding sitegen.toml.",
)
@click.option("--force", is_flag=True, help="Build even when no input has changed since the last build.")
@click.option("--base-url", help="Absolute URL the site is published at, overriding base_url in sitegen.toml.")
def build(project: Path, force: bool, base_url: str | None) -> None:
    """Validate the data, then build the site into the output folder atomically."""
    from sitegen.build import run_build

    run_build(load_config(project, {"base_url": base_url}), force)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sitegen")
