"""A question's answers as horizontal bars, drawn as SVG for a phone's width. No Flask.

Each answer's name sits on lines of its own above its bar (wrapped, never cut), and
its figure just past the bar's end: the longest bar is kept short enough that the
figure still fits on a 360px-wide screen. A hidden figure gets no bar, only its
marker. In a right-to-left language the picture is mirrored and bars grow from the
right. The figures are also the page's table; ``desc`` lists them as text too.
"""

from dataclasses import dataclass

from markupsafe import Markup, escape

from engage.svg_text import text_block, wrap

BLUE = "#1d70b8"
INK = "#0b0c0c"
GREY = "#505a5f"
NAME_CHARS = 32  # a line of a name at 16px in about 320px
NAME_LINE = 20
BAR = 18
GAP = 14  # below a bar, before the next name
LONGEST = 72.0  # 100% as a share of the width, in per cent: room for "100.0%" after it
# Names of a few characters (a rating's "0" to "10") go beside their bars, not above.
SHORT = 3
BESIDE = 12.0  # where the bars start then, in per cent of the width
BESIDE_ROW = BAR + 10


@dataclass(frozen=True)
class Bar:
    label: str
    figure: str  # what is written by the bar: "41.2%", or the hidden marker "<10"
    percent: float | None  # None: the figure is hidden, so no bar


def beside(bars: list[Bar]) -> bool:
    return all(len(bar.label) <= SHORT for bar in bars)


def height(bars: list[Bar]) -> float:
    if beside(bars):
        return len(bars) * BESIDE_ROW + 6
    return sum(len(wrap(bar.label, NAME_CHARS)) * NAME_LINE + BAR + GAP for bar in bars) + 6


def draw(bars: list[Bar], chart_id: str, title: str, rtl: bool = False) -> Markup:
    """The bars as one accessible SVG: role="img", named by ``title`` and described by
    every answer with its figure."""

    def x(percent: float) -> str:
        return f"{round(100 - percent, 2) if rtl else round(percent, 2)}%"

    desc = "; ".join(f"{bar.label}: {bar.figure}" for bar in bars)
    parts = [
        f'<svg class="engage-chart engage-answer-chart" width="100%" height="{height(bars):.0f}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false"'
        + (' direction="rtl">' if rtl else ">"),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    short = beside(bars)
    start, longest = (BESIDE, LONGEST - BESIDE) if short else (0.0, LONGEST)
    y = 0.0
    for bar in bars:
        if short:
            parts.append(
                f'<text x="{x(0)}" y="{y + 14:.0f}" font-size="16" fill="{INK}">'
                f"{escape(bar.label)}</text>"
            )
        else:
            lines = wrap(bar.label, NAME_CHARS)
            parts.append(text_block(lines, x(0), y + 16, NAME_LINE, f'font-size="16" fill="{INK}"'))
            y += len(lines) * NAME_LINE + 4
        if bar.percent is None:
            parts.append(
                f'<text x="{x(start)}" y="{y + 14:.0f}" font-size="14" fill="{GREY}">'
                f"{escape(bar.figure)}</text>"
            )
        else:
            width = round(max(0.0, min(bar.percent, 100.0)) * longest / 100, 2)
            parts.append(
                f'<rect x="{x(start + width) if rtl else x(start)}" y="{y:.0f}" '
                f'width="{width}%" height="{BAR}" fill="{BLUE}"></rect>'
                f'<text x="{x(start + width + 1.5)}" y="{y + 14:.0f}" font-size="14" '
                f'fill="{INK}">{escape(bar.figure)}</text>'
            )
        y += BESIDE_ROW if short else BAR + GAP - 4
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704  # our tags; every text escaped
