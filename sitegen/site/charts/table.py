"""A monthly chart's data table, written as HTML: a row a month, a cell a series, then the month's sources."""

from __future__ import annotations

from markupsafe import Markup, escape

Grid = list[tuple[str, list[tuple[str, str, str]], list[tuple[str, str]]]]  # as Chart.grid() gives its rows


class Rows(list):  # type: ignore[type-arg]
    """A monthly chart's rows as Chart.grid() gives them, and the HTML monthly_rows made of them by its arguments:
    a session keeps the charts while the data is unchanged, so a template edit writes no chart's cells again."""

    def __init__(self, rows: Grid) -> None:
        super().__init__(rows)
        self.html: dict[tuple[bool, bool, str], Markup] = {}


def monthly_rows(grid: Grid, anchored: bool, sourced: bool, sources_page: str) -> Markup:
    """The table's rows (Chart.grid()), each value escaped; a figure's cell is its anchor where `anchored`, and
    `sourced` adds a cell citing each month's sources on sources_page. Written here, not by a template loop: a
    council's monthly charts have thousands of cells, and the loop cost its page a third of its time."""
    made = grid.html if isinstance(grid, Rows) else None
    key = (anchored, sourced, sources_page)
    if made is not None and key in made:
        return made[key]
    page = escape(sources_page)
    out: list[str] = []
    for month, cells, sources in grid:
        shown = escape(month)
        out.append(f'<tr><th scope="row">{shown}</th>')
        for text, figure, note in cells:
            out.append(f'<td class="num" id="figure-{escape(figure)}">' if figure and anchored else '<td class="num">')
            out.append(f'{escape(text)}<br><span class="note">{escape(note)}</span></td>' if note
                       else f"{escape(text)}</td>")
        if sourced:
            cited = "; ".join(f'<a href="{page}#source-{escape(source)}">{escape(publisher)}, {shown}</a>'
                              for publisher, source in sources)
            out.append(f"<td>{cited}</td>")
        out.append("</tr>")
    html = Markup("".join(out))
    if made is not None:
        made[key] = html
    return html
