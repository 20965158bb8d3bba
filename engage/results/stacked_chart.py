"""A cross-tab drawn as 100%-stacked horizontal bars: one bar per row, split by the
column options, with percentages along the row. Pure layout and SVG text, no Flask.

A row's shares are of the counts shown in it. Where a cell is hidden, the shown cells
are shares of the row's total and the rest of the bar is marked hidden: a hidden figure
is never drawn as 0, nor spread over its neighbours.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from engage.results import chart_parts as parts
from engage.svg_text import text_block, wrap

ROW_LINE = 20  # each line of a row's label
BAR = 24
FIGURES = 22  # the line of percentages under a bar
GAP = 14
MIN_LABELLED = 14.0  # per cent of the width below which a segment's figure is not written


@dataclass(frozen=True)
class Share:
    column: str
    percent: float | None  # None: hidden
    start: float
    width: float


@dataclass(frozen=True)
class BarRow:
    label: str
    total: Any  # the row's respondents as shown (a number, or "<10")
    shares: list[Share]  # one per column, in the columns' order
    hidden: float  # per cent of the bar hidden


@dataclass(frozen=True)
class StackedChart:
    rows: list[BarRow]
    columns: list[str]
    svg: Markup
    legend: list[tuple[Markup, str]]  # (swatch, column label), and the hidden key last


def _row(label: str, total: Any, columns: list[str], counts: list[Any]) -> BarRow:
    shown = [c for c in counts if not isinstance(c, str)]
    # Some hidden: shares of the row's total, when that is shown.
    base = sum(shown) if len(shown) == len(counts) else 0 if isinstance(total, str) else total
    if not base or (len(shown) < len(counts) and isinstance(total, str)):
        hidden = 100.0 if any(isinstance(c, str) for c in counts) or isinstance(total, str) else 0
        empty = [Share(col, None, 0.0, 0.0) for col in columns]
        return BarRow(label, total, empty, hidden)
    percents = [None if isinstance(c, str) else 100 * c / base for c in counts]
    known = sum(p for p in percents if p is not None)
    scale = 100 / known if known > 100 else 1.0  # perturbed counts can pass the total
    shares, at = [], 0.0
    for col, p in zip(columns, percents, strict=True):
        width = (p or 0.0) * scale
        shares.append(Share(col, None if p is None else round(p * scale, 1), at, width))
        at += width
    return BarRow(label, total, shares, 0.0 if len(shown) == len(counts) else 100 - at)


def rows_of(table: dict[str, Any]) -> list[BarRow]:
    """Each row's shares along the row, from a suppressed cross-tab (``crosstabs.crosstab``)."""
    columns = [c["label"] for c in table["columns"]]
    return [
        _row(row["label"], total, columns, [cell["count"] for cell in cells])
        for row, total, cells in zip(
            table["rows"], table["row_totals"], table["cells"], strict=True
        )
    ]


def _bar(row: BarRow, y: float, chart_id: str, fmt: Callable[[float], str]) -> str:
    out = []
    for j, share in enumerate(row.shares):
        if share.width <= 0:
            continue
        title = f"{row.label}, {share.column}: {fmt(share.percent or 0)}"
        out.append(
            f'<rect x="{share.start:.2f}%" y="{y}" width="{share.width:.2f}%" height="{BAR}" '
            f'fill="url(#{chart_id}-p{j})" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(title)}</title></rect>"
        )
        if share.width >= MIN_LABELLED:
            out.append(
                f'<text x="{share.start + 0.5:.2f}%" y="{y + BAR + 16}" font-size="14" '
                f'fill="{parts.TEXT}">{escape(fmt(share.percent or 0))}</text>'
            )
    if row.hidden > 0:
        start = 100 - row.hidden
        out.append(
            f'<rect x="{start:.2f}%" y="{y}" width="{row.hidden:.2f}%" height="{BAR}" '
            f'fill="url(#{chart_id}-hidden)" stroke="{parts.GREY}" stroke-width="1">'
            f"<title>{escape(row.label)}: hidden</title></rect>"
        )
        if row.hidden >= MIN_LABELLED:
            out.append(
                f'<text x="{start + 0.5:.2f}%" y="{y + BAR + 16}" font-size="14" '
                f'fill="{parts.GREY}">hidden</text>'
            )
    return "".join(out)


def stacked_chart(
    table: dict[str, Any], chart_id: str, title: str, fmt: Callable[[float], str]
) -> StackedChart:
    """The picture, its legend and its rows' shares (which the page also gives as a table)."""
    rows = rows_of(table)
    columns = [c["label"] for c in table["columns"]]
    patterns = [parts.fill_pattern(f"{chart_id}-p{j}", j) for j in range(len(columns))]
    hidden = parts.hidden_pattern(f"{chart_id}-hidden")
    body, y = [], 0.0
    for row in rows:
        label = wrap(row.label, parts.LINE_CHARS)  # every word kept: the lines make room
        body.append(text_block(label, "0", y + 15, ROW_LINE, f'font-size="16" fill="{parts.TEXT}"'))
        bar_top = y + ROW_LINE * len(label)
        body.append(_bar(row, bar_top, chart_id, fmt))
        y = bar_top + BAR + FIGURES + GAP
    text = (
        f'<svg class="engage-chart" width="100%" height="{y:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f"<defs>{''.join(patterns)}{hidden}</defs>{''.join(body)}</svg>"
    )
    svg = Markup(text)  # noqa: S704  # nosec B704  # our tags; every text escaped
    legend = [
        (parts.swatch(parts.fill_pattern(f"{chart_id}-key{j}", j), f"{chart_id}-key{j}"), col)
        for j, col in enumerate(columns)
    ]
    if any(row.hidden for row in rows):
        key = parts.hidden_pattern(f"{chart_id}-keyhidden")
        legend.append((parts.swatch(key, f"{chart_id}-keyhidden"), "Hidden figures"))
    return StackedChart(rows, columns, svg, legend)
