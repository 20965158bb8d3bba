"""Bar charts of a count's stages: one horizontal bar per option, with the quota line.

Pure layout maths and SVG text, no Flask. Every stage is drawn on the same scale
(the largest tally of the whole count, or the quota if higher), so bars can be
compared from one stage's chart to the next. The charts are pictures of the
stage table, which stays the full text alternative. Their words come from the
outcome's ``Words``; in a right-to-left language the bars grow from the right.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

from engage.panels.outcome.report import Outcome
from engage.svg_text import text_block, wrap

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
NAME_CHARS = 34  # a name's line at 16px in a phone's width (about 330px)
NAME_LINE = 20  # from one line of a name to the next


@dataclass(frozen=True)
class Bar:
    label: str
    lines: list[str]  # the label, wrapped
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
    words = outcome.words
    bars = []
    colours = {row.name: PALETTE[i % len(PALETTE)] for i, row in enumerate(outcome.rows)}
    options = [r for r in outcome.rows if r.cells[index].status != "out"]
    y = float(HEAD)
    for position, row in enumerate(options + outcome.extra_rows[:1]):
        cell = row.cells[index]
        if cell.status == "elected":
            text = words.gettext("%(votes)s ✓ chosen", votes=cell.text)
        elif cell.status == "excluded":
            text = words.gettext("%(votes)s excluded", votes=cell.text)
        else:
            text = f"{cell.text} ✓" if cell.status == "chosen" else cell.text
        lines = wrap(row.name, NAME_CHARS)
        bars.append(
            Bar(
                label=row.name,
                lines=lines,
                value=cell.value,
                text=text,
                y=y,
                width=round(cell.value / top * SPAN, 2),
                # The non-transferable votes, after the options, are grey.
                colour=colours[row.name] if position < len(options) else GREY,
            )
        )
        y += ROW + (len(lines) - 1) * NAME_LINE
    column = outcome.columns[index]
    line = round(column.line / top * SPAN, 2) if column.line else None
    line_text = ""
    if column.line:
        if outcome.method == "stv":
            line_text = words.gettext("Quota: %(votes)s", votes=column.line_text)
        else:
            line_text = words.gettext("Needed to win: %(votes)s", votes=column.line_text)
    return StageChart(bars, y + 4, line, line_text)


def stage_chart(outcome: Outcome, index: int, chart_id: str) -> Markup:
    """One stage's bars as accessible SVG; the stage table is its text alternative."""
    chart = stage_layout(outcome, index)
    column = outcome.columns[index]
    rtl = outcome.words.rtl
    title = outcome.words.gettext(
        "Bar chart of the votes at stage %(number)s: %(heading)s. "
        "The same figures are in the table “How the count went”.",
        number=column.number,
        heading=column.heading,
    )

    def x(percent: float) -> str:
        # Right to left, the picture is mirrored; text anchors then mirror by themselves.
        return f"{round(100 - percent, 2) if rtl else percent}%"

    parts = [
        f'<svg class="engage-chart" width="100%" height="{chart.height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title" focusable="false"'
        + (' direction="rtl">' if rtl else ">"),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if chart.line is not None:
        anchor = "end" if chart.line > 70 else "start" if chart.line < 30 else "middle"
        parts.append(
            f'<line x1="{x(chart.line)}" x2="{x(chart.line)}" y1="{HEAD - 4}" '
            f'y2="{chart.height}" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 4"></line>'
            f'<text x="{x(chart.line)}" y="{HEAD - 8}" font-size="14" text-anchor="{anchor}" '
            f'fill="#0b0c0c">{escape(chart.line_text)}</text>'
        )
    for bar in chart.bars:
        # The name (wrapped), the figure and the bar each on lines of their own: nothing
        # runs past the chart's edge, even on a narrow phone.
        below = bar.y + (len(bar.lines) - 1) * NAME_LINE
        parts.append(
            text_block(bar.lines, x(0), bar.y + 15, NAME_LINE, 'font-size="16" fill="#0b0c0c"')
            + f'<text x="{x(0)}" y="{below + 33:.0f}" font-size="14" fill="#0b0c0c">'
            f"{escape(bar.text)}</text>"
        )
        if bar.value:
            parts.append(
                f'<rect x="{x(bar.width) if rtl else x(0)}" y="{below + 38:.0f}" '
                f'width="{bar.width}%" height="14" fill="{bar.colour}"></rect>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704  # our tags; every text escaped
