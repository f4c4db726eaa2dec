"""The rows of a comparable period's table of councils (templates/partials/compare_table.html), written as HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup, escape

from sitegen.data import fmt
from sitegen.data.population import no_per_head

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sitegen.data.model import Figure
    from sitegen.data.population import PerHead
    from sitegen.site.compare import Position


@jinja2.pass_environment
def compare_rows(env: jinja2.Environment, ranked: Iterable[Position], root: str, rank_column: bool, money: bool,
                 per_head_years: str) -> Markup:
    """A row per council (compare.Position, in order): rank (with rank_column), council, value, per head (money),
    source; each value escaped. Written here, not by a template loop (a measure's period page has a row for every
    council: the loop was most of its time); the model is read through env, as a template reads it, so the build
    records the same reads of the page."""
    read, councils = env.getattr, f"{escape(root)}councils/"
    out: list[str] = []
    for p in ranked:
        f, rank, per_head = read(p, "figure"), read(p, "rank"), read(p, "per_head")
        area, source = read(f, "area"), read(f, "source")
        out.append("  <tr>\n")
        if rank_column:
            out.append(f'<td class="num" data-value="{"" if rank is None else escape(rank)}">'
                       f'{"not ranked" if rank is None else escape(rank)}</td>')
        page = f'{councils}{escape(read(area, "slug"))}/index.html#figure-{escape(read(f, "id"))}'
        value, shown = escape(read(f, "value")), escape(read(f, "value_text"))
        out.append(f'    <th scope="row"><a href="{page}">{escape(read(area, "short_name"))}</a></th>\n'
                   f'    <td class="num" data-value="{value}">{shown}</td>\n')
        if money:
            out.append(per_head_cell(env, f, per_head, per_head_years))
        out.append(f'    <td><a href="{escape(read(source, "url"))}" rel="noopener noreferrer">'
                   f'{escape(read(source, "publisher"))}</a></td>\n  </tr>\n')
    return Markup("".join(out))


def per_head_cell(env: jinja2.Environment, f: Figure, per_head: PerHead | None, per_head_years: str) -> str:
    """A money figure per head, its year where it is not the period's; or why it has none."""
    if per_head is None:
        return f'<td class="num" data-value="">{escape(no_per_head(f))}</td>'
    value = env.getattr(per_head, "value")
    shown = escape(fmt.on_basis(value, env.getattr(f, "unit")))
    year = env.getattr(per_head, "year_text")
    note = f' <span class="note">({escape(year)})</span>' if year != per_head_years else ""
    return f'<td class="num" data-value="{escape(value)}">{shown}{note}</td>'
