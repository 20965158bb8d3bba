"""Bar charts of a count's stages: one horizontal bar per option, with the quota line.

Pure layout maths and SVG text, no Flask. Every stage is drawn on the same scale
(the largest tally of the whole count, or the quota if higher), so bars can be
compared from one stage's chart to the next. The charts are pictures of the
stage table, which stays the full text alternative.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

from engage.panels.outcome import NON_TRANSFERABLE, Outcome, shown

# Distinct hues, each at least 3:1 against white (WCAG 1.4.11); red is kept for errors.
PALETTE = (
    "#1d70b8",
    "#d53880",
    "#00703c",
    "#b06900",
    "#4c2c92",
    "#28a197",
    "#8d4b2b",
    "#6f72af",
    "#003078",
    "#85994b",
    "#912b88",
    "#227a8f",
)
GREY = "#505a5f"
ROW = 60
HEAD = 22  # room above the bars for the quota line's label
SPAN = 99.0  # the widest bar, in per cent of the chart's width


def label_text(text: str, limit: int) -> str:
    """A name cut to fit a label; the table beside the picture has it whole."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str  # the figure beside the bar, with its text marker
    y: float
    width: float  # per cent of the chart's width
    colour: str


@dataclass(frozen=True)
class StageChart:
    bars: list[Bar]
    height: float
    line: float | None  # where the quota (or the votes needed to win) falls, in per cent
    line_text: str


def top_value(outcome: Outcome) -> int:
    """The scale's end: the largest figure anywhere in the count, or the quota."""
    values = [outcome.quota or 0] + [c.line or 0 for c in outcome.columns]
    for row in outcome.rows + outcome.extra_rows[:1]:
        values += [cell.value for cell in row.cells]
    return max(1, *values)


def stage_layout(outcome: Outcome, index: int) -> StageChart:
    """Bars for one stage: the options still in the count (and one just dropped), then
    the non-transferable votes."""
    top = top_value(outcome)
    bars = []
    colours = {row.name: PALETTE[i % len(PALETTE)] for i, row in enumerate(outcome.rows)}
    rows = [r for r in outcome.rows if r.cells[index].status != "out"] + outcome.extra_rows[:1]
    for position, row in enumerate(rows):
        cell = row.cells[index]
        value = cell.value
        marker = {
            "elected": " ✓ chosen",
            "chosen": " ✓",
            "excluded": " excluded",
        }.get(cell.status, "")
        bars.append(
            Bar(
                label=row.name,
                value=value,
                text=f"{cell.text}{marker}",
                y=HEAD + position * ROW,
                width=round(value / top * SPAN, 2),
                colour=GREY if row.name == NON_TRANSFERABLE else colours[row.name],
            )
        )
    column = outcome.columns[index]
    line = round(column.line / top * SPAN, 2) if column.line else None
    word = "Quota" if outcome.method == "stv" else "Needed to win"
    line_text = f"{word}: {shown(column.line)}" if column.line else ""
    return StageChart(bars, HEAD + len(bars) * ROW + 4, line, line_text)


def stage_chart(outcome: Outcome, index: int, chart_id: str) -> Markup:
    """One stage's bars as accessible SVG; the stage table is its text alternative."""
    chart = stage_layout(outcome, index)
    column = outcome.columns[index]
    title = (
        f"Bar chart of the votes at stage {column.number}: {column.heading}. "
        "The same figures are in the table “How the count went”."
    )
    parts = [
        f'<svg class="engage-chart" width="100%" height="{chart.height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if chart.line is not None:
        anchor = "end" if chart.line > 70 else "start" if chart.line < 30 else "middle"
        parts.append(
            f'<line x1="{chart.line}%" x2="{chart.line}%" y1="{HEAD - 4}" y2="{chart.height}" '
            f'stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 4"></line>'
            f'<text x="{chart.line}%" y="{HEAD - 8}" font-size="14" text-anchor="{anchor}" '
            f'fill="#0b0c0c">{escape(chart.line_text)}</text>'
        )
    for bar in chart.bars:
        # The name, the figure and the bar each on a line of their own: nothing runs past
        # the chart's edge, even on a narrow phone.
        parts.append(
            f'<text x="0" y="{bar.y + 15:.0f}" font-size="16" fill="#0b0c0c">'
            f"{escape(label_text(bar.label, 40))}</text>"
            f'<text x="0" y="{bar.y + 33:.0f}" font-size="14" fill="#0b0c0c">'
            f"{escape(bar.text)}</text>"
        )
        if bar.value:
            parts.append(
                f'<rect x="0" y="{bar.y + 38:.0f}" width="{bar.width}%" height="14" '
                f'fill="{bar.colour}"></rect>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (our own tags; every text is escaped)
