"""Jinja2: project templates over the built-in theme, rendering a page, and template errors as problems."""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import jinja2
from jinja2.loaders import split_template_path

from sitegen.data import fmt
from sitegen.errors import Problem, ProblemsFound, SitegenError, problem
from sitegen.files import Inputs, ReadRefused, display, read_text
from sitegen.site.charts.table import monthly_rows
from sitegen.site.compare_table import compare_rows
from sitegen.site.page import PageSpec, root_for
from sitegen.site.sources import LISTED_AT_MOST, source_summary
from sitegen.site.theme import BUILTIN_TEMPLATES
from sitegen.text import plural, upper_first

if TYPE_CHECKING:
    from collections.abc import Callable

    from sitegen.config import Config
    from sitegen.data.model import Site

Env = TypeVar("Env", bound=jinja2.Environment)


class ProjectLoader(jinja2.BaseLoader):
    """The project's templates, read as any project file is: inside the project (a link out of it is refused),
    a regular file, within max_file_bytes, clean UTF-8."""

    def __init__(self, folder: Path, inputs: Inputs) -> None:
        self.folder, self.inputs = folder, inputs

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """A template's text, or TemplateNotFound (the built-in one is tried next); ReadRefused when refused."""
        path = self.folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        return read_text(path, self.inputs, display(path)), str(path), lambda: True


class Compiled(jinja2.BytecodeCache):
    """Compiled templates, by name and checked against their text (Jinja's bytecode cache), in memory: passed from
    one environment to the next in a session, so a template edit compiles that template alone. Every environment
    is made alike (make_env), which such a cache needs."""

    def __init__(self) -> None:
        self.stored: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """A template's code, if compiled before (Jinja drops it when its text's checksum differs)."""
        found = self.stored.get(bucket.key)
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a template's code, in place of any before for the same name."""
        self.stored[bucket.key] = bucket.bytecode_to_string()


def make_env(config: Config, kind: type[Env], compiled: Compiled | None = None) -> Env:
    """One build's templates, in an environment of the given kind (the build's records what pages read): project
    ones override built-in ones; `default:NAME` always reaches the built-in."""
    builtin = jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES))
    loader = jinja2.ChoiceLoader([
        ProjectLoader(config.root / config.templates_dir, Inputs(config.root, config.max_file_bytes)),
        jinja2.PrefixLoader({"default": builtin}, delimiter=":"),
        builtin,
    ])
    # templates cannot change under an environment (env_for makes a new one when they do), so none is checked
    # on disk again (with auto_reload, every include and extends of every page stats its file: ~4,300 times)
    env = kind(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, auto_reload=False,
               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=compiled)
    env.globals |= {"fmt": fmt, "link": link, "asset": asset, "source_summary": source_summary,
                    "listed_at_most": LISTED_AT_MOST, "monthly_rows": monthly_rows,
                    "compare_rows": compare_rows}
    env.filters["plural"] = plural
    env.filters["upper_first"] = upper_first
    return env


def env_for(config: Config, setup: str, envs: dict[str, Env], kind: type[Env]) -> Env:
    """The environment for templates, code and settings as `setup` digests them: the one in envs (a session's:
    `sitegen serve` compiles each template once, not on every edit) while they are unchanged, else a new one."""
    if setup not in envs:
        before = next(iter(envs.values()), None)
        compiled = before.bytecode_cache if before is not None else None
        envs.clear()
        envs[setup] = make_env(config, kind, compiled if isinstance(compiled, Compiled) else Compiled())
    return envs[setup]


def template_text(env: jinja2.Environment, name: str) -> str | None:
    """A template's text as env finds it (a project template before the built-in one); None where there is none."""
    assert env.loader is not None
    try:
        return env.loader.get_source(env, name)[0]
    except jinja2.TemplateNotFound:
        return None


@jinja2.pass_context
def link(context: Any, path: str) -> str:
    """A relative link to a page folder, ending in index.html so it also works from disk."""
    return f"{context['root']}{path}index.html" if path.endswith("/") or not path else f"{context['root']}{path}"


@jinja2.pass_context
def asset(context: Any, path: str) -> str:
    """A relative link to a file of the site."""
    return f"{context['root']}{path}"


def page_links(root: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """link and asset for one page, its root bound: plain functions, as Jinja calls a function that takes the
    context (the globals above, for templates imported without one) by first copying the context of every loop it
    is called in, which was most of the time of a page of tables."""

    def page_link(path: str) -> str:
        return f"{root}{path}index.html" if path.endswith("/") or not path else f"{root}{path}"

    def page_asset(path: str) -> str:
        return f"{root}{path}"

    return page_link, page_asset


def render_page(env: jinja2.Environment, spec: PageSpec, site: Site) -> str:
    """One page's HTML; any template error becomes a problem naming the template file and line."""
    # 404.html is served at any depth, so its links are absolute paths under the published base URL
    root = (urlsplit(site.config.base_url).path or "/") if spec.path == "404.html" else root_for(spec.path)
    canonical = site.config.base_url + spec.path.removesuffix("index.html")
    page_link, page_asset = page_links(root)
    try:
        template = env.select_template(spec.templates)
        return template.render(site=site, config=site.config, root=root, canonical=canonical, page=spec,
                               link=page_link, asset=page_asset,
                               title=spec.title, description=spec.description or site.config.description,
                               **spec.whole_context())
    except ReadRefused as exc:  # a project template that is not read: a link out of the project, a pipe, too large
        raise ProblemsFound([exc.problem], f"a template could not be read while rendering {spec.path}: nothing was "
                            "published") from None
    except SitegenError:  # the build stopped (SIGTERM) or superseded while a template ran: not the template's fault
        raise
    except Exception as exc:  # noqa: BLE001 - any error in a template is the template's, reported as one
        raise ProblemsFound([template_problem(exc, spec.templates)],
                            f"a template failed while rendering {spec.path}: nothing was published") from None


def template_problem(exc: Exception, names: list[str]) -> Problem:
    """The template file and line an error arose at, from the error or from jinja's rewritten traceback."""
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not path:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml"))]
        path, line = (display(Path(frames[-1].filename)), frames[-1].lineno) if frames else (names[-1], 0)
    if isinstance(exc, jinja2.TemplateNotFound):
        wanted = " or ".join(str(t) for t in exc.templates)
        return problem("template", f"no template named {wanted}", path, line or 0, "template", exc.name)
    message = getattr(exc, "message", None) or str(exc)
    return problem("template", f"{type(exc).__name__}: {message}", display(Path(path)), line or 0)
