"""A trend drawn as a line: one point per week or month, gaps where a figure is hidden,
and the last period dashed while it is not over. Pure layout and SVG text, no Flask.

Across the chart, x is in per cent of its width and y in pixels, so the picture takes
the width it is given and its words keep their size on a phone. Only some periods are
labelled on a narrow screen (the others carry ``engage-tick--wide``, which the style
sheet hides there); every figure is in the table the page shows with it.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from engage.results import chart_parts as parts
from engage.results.periods import long_label, period_end, short_label

TOP = 30  # room above the plot for the value labels
PLOT = 180
TICKS = TOP + PLOT + 22  # baseline of the first line of the period labels
HEIGHT = TICKS + 44
LEFT, RIGHT = 7.0, 95.0  # where the first and last points fall, in per cent
LINE = "#1d70b8"
RULE = "#b1b4b6"
HALO = 'stroke="#ffffff" stroke-width="4" paint-order="stroke"'  # words stay legible over lines
# How many periods are labelled at most: on a wide screen and on a phone.
LABELLED = {"month": (13, 4), "week": (7, 3), "day": (7, 3)}


@dataclass(frozen=True)
class TrendRow:
    label: str  # "Dec 2025"
    respondents: Any  # as shown: a number, or "<10"
    value: float | None  # None: hidden
    partial: bool


@dataclass(frozen=True)
class TrendChart:
    rows: list[TrendRow]
    svg: Markup
    partial_note: str | None
    has_gaps: bool


def _labelled(n: int, most: int) -> set[int]:
    """Evenly spaced indexes to label, always the first and the last."""
    if n <= most:
        return set(range(n))
    step = math.ceil((n - 1) / (most - 1))
    chosen = set(range(0, n - 1, step))
    if (n - 1) - max(chosen) < step:  # the last label is right-aligned: keep a full step
        chosen.discard(max(chosen))
    return chosen | {0, n - 1}


def _x(i: int, n: int) -> float:
    return 50.0 if n == 1 else LEFT + (RIGHT - LEFT) * i / (n - 1)


def _grid(top: float, axis: Callable[[float], str]) -> tuple[list[str], list[str]]:
    """The gridlines, and their labels (drawn last, over the line)."""
    lines, labels = [], []
    for step in range(5):
        y = TOP + PLOT - PLOT * step / 4
        lines.append(
            f'<line x1="0" x2="100%" y1="{y}" y2="{y}" stroke="#b1b4b6" stroke-width="1"/>'
        )
        labels.append(
            f'<text x="0" y="{y - 4}" font-size="13" fill="{parts.GREY}" {HALO}>'
            f"{escape(axis(top * step / 4))}</text>"
        )
    return lines, labels


def _tick(x: float, i: int, n: int, row: TrendRow, y: float, fmt, wide_only: bool) -> str:
    anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
    css = "engage-tick engage-tick--wide" if wide_only else "engage-tick"
    head, _, year = row.label.rpartition(" ")
    value = (
        f'<text x="{x:.2f}%" y="{y - 10:.1f}" font-size="13" text-anchor="{anchor}" '
        f'fill="{parts.TEXT}" {HALO}>{escape(fmt(row.value))}</text>'
        if row.value is not None
        else ""
    )
    return (
        f'<g class="{css}">{value}'
        f'<text x="{x:.2f}%" y="{TICKS}" font-size="13" text-anchor="{anchor}" fill="{parts.TEXT}">'
        f'<tspan x="{x:.2f}%">{escape(head)}</tspan><tspan x="{x:.2f}%" dy="15">{year}</tspan>'
        f'<tspan x="{x:.2f}%" dy="15" fill="{parts.GREY}">{escape(str(row.respondents))}</tspan>'
        "</text></g>"
    )


def trend_chart(
    series: dict[str, Any],
    today: date,
    chart_id: str,
    fmt: Callable[[float | None], str],
    axis: Callable[[float], str],
) -> TrendChart:
    """The line chart of a trend (``crosstabs.trend``); ``today`` (in the partnership's
    zone) tells whether the last period is over; ``fmt`` writes a point's value and
    ``axis`` a gridline's."""
    period = series["period"]
    starts = [date.fromisoformat(p["period"]) for p in series["points"]]
    rows = [
        TrendRow(short_label(start, period), p["respondents"], p["value"], False)
        for start, p in zip(starts, series["points"], strict=True)
    ]
    partial_note = None
    if starts and period_end(starts[-1], period) > today:
        rows[-1] = TrendRow(rows[-1].label, rows[-1].respondents, rows[-1].value, True)
        when = long_label(starts[-1], period)
        partial_note = f"{when[0].upper()}{when[1:]} is not over yet: n = {rows[-1].respondents}"
    top = 10.0 if series["measure"] == "mean" else 100.0
    n = len(rows)
    ys = [None if r.value is None else TOP + PLOT - PLOT * r.value / top for r in rows]
    body, axis_labels = _grid(top, axis)
    for i in range(n - 1):
        if ys[i] is not None and ys[i + 1] is not None:
            dash = ' stroke-dasharray="6 4"' if rows[i + 1].partial else ""
            body.append(
                f'<line x1="{_x(i, n):.2f}%" x2="{_x(i + 1, n):.2f}%" y1="{ys[i]:.1f}" '
                f'y2="{ys[i + 1]:.1f}" stroke="{LINE}" stroke-width="3"{dash}/>'
            )
    body.append(f'<text x="0" y="{TICKS + 30}" font-size="13" fill="{parts.GREY}">n</text>')
    wide, narrow = LABELLED.get(period, LABELLED["day"])
    on_wide = sorted(_labelled(n, wide))
    # A phone's labels are some of the wide screen's, so that no two ever overlap.
    on_phone = {on_wide[j] for j in _labelled(len(on_wide), narrow)}
    ticks: list[str] = []
    for i, (row, y) in enumerate(zip(rows, ys, strict=True)):
        x = _x(i, n)
        if y is not None:
            fill = "#ffffff" if row.partial else LINE
            title = f"{row.label}: {fmt(row.value)} (n = {row.respondents})"
            body.append(
                f'<circle cx="{x:.2f}%" cy="{y:.1f}" r="5" fill="{fill}" stroke="{LINE}" '
                f'stroke-width="2"><title>{escape(title)}</title></circle>'
            )
        if i in on_wide or i in on_phone:
            label_y = y if y is not None else TOP + PLOT
            ticks.append(_tick(x, i, n, row, label_y, fmt, i not in on_phone))
    body += ticks + axis_labels  # words last, over the line and the points
    title = (
        f"Line chart of {series['text']} per {period}"
        + (f", from {rows[0].label} to {rows[-1].label}" if rows else "")
        + ". The same figures are in the table below."
    )
    text = (
        f'<svg class="engage-chart" width="100%" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>{"".join(body)}</svg>'
    )
    svg = Markup(text)  # noqa: S704  # nosec B704  # our tags; every text escaped
    return TrendChart(rows, svg, partial_note, any(r.value is None for r in rows))
