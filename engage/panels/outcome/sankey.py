"""The transfer-flow picture of a count: where votes went at each stage, drawn on the server.

Columns are stages. Each column has a node per option still in the count, plus one
for the votes that went nowhere (non-transferable, with any lost to rounding), so
every column adds up to the valid ballots. Between two columns each option's
votes carry over to itself, and the one option whose ballots moved that stage
(a surplus or an exclusion) sends flows to every recipient and to the
non-transferable node. Flows are in exact vote units, so they conserve votes.

``layout`` is pure maths (tested on its own); ``render`` turns it into SVG, in the
outcome's ``Words``: mirrored for a right-to-left language, so the count runs from
the right.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from engage.panels.outcome.charts import PALETTE
from engage.panels.outcome.report import (
    ENGLISH,
    NON_TRANSFERABLE,
    Outcome,
    Words,
    shown_stage,
    units,
)
from engage.svg_text import text_block, wrap

GREY = "#505a5f"
NODE_WIDTH = 14
GAP = 8
LABEL = 210  # room for the option names left of the first column and right of the last
FIT = 960  # the page column: a count of a few stages fits it without scrolling
TOP = 44  # room for the stage headings
LINE = 32  # from one label of a one-line name and its votes to the next
NAME_CHARS = 26  # a line of a name at 13px in the LABEL room
NAME_LINE = 15  # from one line of a name to the next
HEADING_LINE = 14  # from one line of a stage heading to the next


def name_lines(name: str) -> list[str]:
    """An option's name beside a column, wrapped to the room there."""
    return wrap(name, NAME_CHARS)


def label_height(name: str) -> float:
    """From the top of a name's label (name lines, then its votes) to the next label's."""
    return LINE + (len(name_lines(name)) - 1) * NAME_LINE


@dataclass
class Node:
    key: str
    column: int
    value: int  # vote units
    x: float = 0
    y: float = 0
    height: float = 0
    colour: str = GREY


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    column: int  # from this column to the next
    value: int
    y0: float  # top of the ribbon where it leaves the source
    y1: float  # top of the ribbon where it reaches the target
    thickness: float
    transfer: bool  # moved to another option (or nowhere), not carried over


@dataclass
class Layout:
    width: float
    height: float
    scale: float  # pixels per vote unit
    step: float = 150  # from one column to the next
    columns: list[list[Node]] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)

    def node(self, column: int, key: str) -> Node | None:
        return next((n for n in self.columns[column] if n.key == key), None)


def column_values(result: Mapping[str, Any], order: list[str]) -> list[dict[str, int]]:
    """Each stage's votes per continuing option, in ``order``, then the non-transferable."""
    values = []
    gone: set[str] = set()
    for stage in result["stages"]:
        gone.update(stage["excluded"])
        column = {name: units(stage["tally"][name]) for name in order if name not in gone}
        column[NON_TRANSFERABLE] = units(stage["non_transferable"]) + units(
            stage.get("rounding_loss")
        )
        values.append(column)
    return values


def _moves(
    stage: Mapping[str, Any], before: dict[str, int], after: dict[str, int]
) -> list[tuple[str, str, int, bool]]:
    """(source, target, units, transfer?) for one stage, in no particular order."""
    source = stage["from"]
    moves = [(key, key, value, False) for key, value in before.items() if key != source]
    if source is None:
        return moves
    if after.get(source):
        moves.append((source, source, after[source], False))
    for name, text in stage["transfers"].items():
        moves.append((source, name, units(text), True))
    lost = after[NON_TRANSFERABLE] - before[NON_TRANSFERABLE]
    if lost > 0:
        moves.append((source, NON_TRANSFERABLE, lost, True))
    return moves


def layout(result: Mapping[str, Any], order: list[str], plot_height: float = 0) -> Layout:
    """Place every node and flow. ``order`` lists the options top to bottom."""
    values = column_values(result, order)
    biggest = max((len(column) for column in values), default=1)
    plot_height = plot_height or max(300.0, 26.0 * biggest)
    room = (FIT - 2 * LABEL - NODE_WIDTH) / max(1, len(values) - 1)
    step = min(150.0, max(110.0, room))
    total = max(1, sum(values[0].values())) if values else 1
    scale = (plot_height - GAP * (biggest - 1)) / total
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(order)}
    chart = Layout(
        width=2 * LABEL + step * max(0, len(values) - 1) + NODE_WIDTH,
        height=TOP + plot_height + 8,
        scale=scale,
        step=step,
    )
    for index, column in enumerate(values):
        # The named columns, first and last, space small nodes out to their labels' height.
        named = index in (0, len(values) - 1)
        y = float(TOP)
        nodes: list[Node] = []
        for key, value in column.items():
            height = value * scale
            if named and nodes:
                above = nodes[-1]
                y = max(y, above.y + above.height / 2 + label_height(above.key) - height / 2)
            nodes.append(
                Node(key, index, value, LABEL + index * step, y, height, colours.get(key, GREY))
            )
            y += height + GAP
        chart.columns.append(nodes)
        chart.height = max(chart.height, y + 8)
    for index in range(1, len(values)):
        _place_flows(chart, index, result["stages"][index], values[index - 1], values[index])
    return chart


def _place_flows(
    chart: Layout,
    index: int,
    stage: Mapping[str, Any],
    before: dict[str, int],
    after: dict[str, int],
) -> None:
    """Stack the flows out of each node by their targets' order, and into each node with
    its own votes on top, so ribbons cross as little as they can."""
    rank = {key: i for i, key in enumerate(after)}
    moves = _moves(stage, before, after)
    out_at = {n.key: n.y for n in chart.columns[index - 1]}
    in_at = {n.key: n.y for n in chart.columns[index]}
    leaving = sorted(moves, key=lambda m: (rank[m[1]], m[0] != m[1]))
    placed: dict[tuple[str, str], float] = {}
    for source, target, value, _transfer in leaving:
        placed[(source, target)] = out_at[source]
        out_at[source] += value * chart.scale
    for source, target, value, transfer in sorted(moves, key=lambda m: (rank[m[1]], m[3])):
        if not value:
            continue
        chart.flows.append(
            Flow(
                source,
                target,
                index - 1,
                value,
                placed[(source, target)],
                in_at[target],
                value * chart.scale,
                transfer,
            )
        )
        in_at[target] += value * chart.scale


def describe(result: Mapping[str, Any], words: Words = ENGLISH) -> str:
    """The picture in words: what moved where at each stage."""
    sentences = []
    before = None
    for stage in result["stages"]:
        if stage["from"] and before is not None:
            gains = [
                f"{words.name(name)} ({words.figure(units(v))})"
                for name, v in stage["transfers"].items()
            ]
            lost = units(stage["non_transferable"]) - units(before["non_transferable"])
            if lost > 0:
                gains.append(
                    words.gettext("non-transferable (%(votes)s)", votes=words.figure(lost))
                )
            source = words.name(stage["from"])
            if stage["action"] == "surplus":
                heading = words.gettext("surplus of %(option)s", option=source)
            else:
                heading = words.gettext("%(option)s excluded", option=source)
            sentences.append(
                words.gettext(
                    "Stage %(number)s (%(heading)s): votes moved from %(option)s to %(gains)s.",
                    number=shown_stage(stage["stage"]),
                    heading=heading,
                    option=source,
                    gains=words.names(gains) if gains else words.gettext("nowhere"),
                )
            )
        before = stage
    return " ".join(sentences) or words.gettext(
        "No votes were transferred: the count ended at the first stage."
    )


def _ribbon(flow: Flow, x0: float, x1: float) -> str:
    middle = (x0 + x1) / 2
    top0, top1 = flow.y0, flow.y1
    bottom0, bottom1 = top0 + flow.thickness, top1 + flow.thickness
    return (
        f"M{x0:.1f} {top0:.2f}C{middle:.1f} {top0:.2f} {middle:.1f} {top1:.2f} {x1:.1f} {top1:.2f}"
        f"L{x1:.1f} {bottom1:.2f}C{middle:.1f} {bottom1:.2f} {middle:.1f} {bottom0:.2f} "
        f"{x0:.1f} {bottom0:.2f}Z"
    )


def _labels(
    nodes: list[Node], x: float, anchor: str, elected: set[str], words: Words
) -> tuple[list[str], float]:
    """Each option's name and votes beside a column, pushed apart so they never overlap;
    and how low they go."""
    parts = []
    floor, room = -100.0, 0.0
    for node in nodes:
        floor = max(node.y + node.height / 2 - 2, floor + room)
        mark = "✓ " if node.key in elected else ""
        name = words.gettext("Non-transferable") if node.key == NON_TRANSFERABLE else node.key
        lines = name_lines(mark + name)
        votes_at = floor + (len(lines) - 1) * NAME_LINE + 14
        # The whole name also in a <title>, as a tooltip over the label.
        parts.append(
            f"<g><title>{escape(name)}</title>"
            + text_block(
                lines,
                f"{x:.1f}",
                floor,
                NAME_LINE,
                f'font-size="13" text-anchor="{anchor}" fill="#0b0c0c"',
            )
            + f'<text x="{x:.1f}" y="{votes_at:.1f}" font-size="12" text-anchor="{anchor}" '
            f'fill="#505a5f">{escape(words.votes(node.value))}</text></g>'
        )
        room = LINE + (len(lines) - 1) * NAME_LINE
    return parts, floor + room - 12


def render(chart: Layout, outcome: Outcome, title: str, desc: str, chart_id: str) -> Markup:
    """The SVG: ribbons under the nodes, stage headings on top, names left and right."""
    words = outcome.words

    def mirror(x: float) -> float:
        # Right to left, every x is mirrored; text anchors then mirror by themselves.
        return chart.width - x if words.rtl else x

    headings = [wrap(column.heading, int(chart.step / 6.5)) for column in outcome.columns]
    # Headings of several lines push the picture down, out of their way.
    drop = (max((len(lines) for lines in headings), default=1) - 1) * HEADING_LINE
    body: list[str] = []
    height = chart.height
    if chart.columns:
        first, last = chart.columns[0], chart.columns[-1]
        left, low_left = _labels(first, mirror(LABEL - 6), "end", set(), words)
        right, low_right = _labels(
            last, mirror(last[0].x + NODE_WIDTH + 6), "start", set(outcome.elected), words
        )
        body += left + right
        height = max(height, low_left, low_right)
    height += drop
    parts = [
        f'<svg class="engage-sankey" width="{chart.width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {chart.width:.0f} {height:.0f}" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"'
        + (' direction="rtl">' if words.rtl else ">"),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    colours = {n.key: n.colour for column in chart.columns for n in column}
    for column, nodes, lines in zip(outcome.columns, chart.columns, headings, strict=True):
        x = mirror(nodes[0].x + NODE_WIDTH / 2)
        stage = words.gettext("Stage %(number)s", number=column.number)
        parts.append(
            f'<text x="{x:.1f}" y="16" font-size="13" font-weight="bold" text-anchor="middle" '
            f'fill="#0b0c0c">{escape(stage)}</text>'
            + text_block(
                lines,
                f"{x:.1f}",
                32,
                HEADING_LINE,
                'font-size="12" text-anchor="middle" fill="#0b0c0c"',
            )
        )
    parts.append(f'<g transform="translate(0 {drop})">' if drop else "<g>")
    for flow in chart.flows:
        x0 = mirror(chart.columns[flow.column][0].x + NODE_WIDTH)
        x1 = mirror(chart.columns[flow.column + 1][0].x)
        opacity = "0.55" if flow.transfer else "0.25"
        parts.append(
            f'<path d="{_ribbon(flow, x0, x1)}" fill="{colours[flow.source]}" '
            f'fill-opacity="{opacity}"></path>'
        )
    for nodes in chart.columns:
        for node in nodes:
            left_edge = mirror(node.x + NODE_WIDTH if words.rtl else node.x)
            parts.append(
                f'<rect x="{left_edge:.1f}" y="{node.y:.2f}" width="{NODE_WIDTH}" '
                f'height="{max(node.height, 1):.2f}" fill="{node.colour}"></rect>'
            )
    parts += body
    parts.append("</g></svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704  # our tags; every text escaped
