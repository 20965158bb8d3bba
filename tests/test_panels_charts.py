"""The results pictures' layout maths: bars on one scale, flows that conserve votes."""

import os
import re

import pytest

from engage.counting import Ballot, Election, count, load_ballot_file
from engage.panels.outcome import charts, sankey
from engage.panels.outcome.report import NON_TRANSFERABLE, UNIT, read_outcome, units

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDER = os.path.join(ROOT, "..", "shared", "conformance", "scottish-stv")


def small_stv():
    """Ten ballots, two seats: a surplus, then two exclusions with non-transferable votes."""
    ballots = (
        [Ballot(("Parks", "Potholes"))] * 5
        + [Ballot(("Potholes", "Street lighting"))] * 2
        + [Ballot(("Street lighting",))] * 2
        + [Ballot(("Less litter", "Parks", "Street lighting"))]
    )
    election = Election(["Parks", "Potholes", "Street lighting", "Less litter"], ballots, seats=2)
    return count(election, "stv", seed="42").to_dict()


def fractional_stv():
    """A surplus that moves at a fractional value, so flows carry fractions of votes."""
    ballots = (
        [Ballot(("Parks", "Potholes", "Bins"))] * 7
        + [Ballot(("Parks", "Bins"))] * 4
        + [Ballot(("Potholes",))] * 3
        + [Ballot(("Bins", "Library"))] * 3
        + [Ballot(("Library", "Parks"))] * 2
    )
    election = Election(["Parks", "Potholes", "Bins", "Library"], ballots, seats=2)
    return count(election, "stv", seed="7").to_dict()


def conformance_result():
    path = os.path.join(FOLDER, "Govan-2007.blt")
    if not os.path.exists(path):
        pytest.skip(f"the conformance data ({FOLDER}) is not on this machine")
    return count(load_ballot_file(path), "stv", seed="1").to_dict()


def check_conservation(result):
    outcome = read_outcome(result)
    chart = sankey.layout(result, outcome.order)
    total = result["ballots"] * UNIT
    for index, column in enumerate(chart.columns):
        # Every column accounts for every valid ballot, in votes and in pixels.
        assert sum(node.value for node in column) == total
        drawn = sum(node.height for node in column)
        assert drawn == pytest.approx(total * chart.scale)
        stage = result["stages"][index]
        for node in column:
            if node.key != NON_TRANSFERABLE:
                assert node.value == units(stage["tally"][node.key])
    for index in range(1, len(chart.columns)):
        flows = [f for f in chart.flows if f.column == index - 1]
        for node in chart.columns[index - 1]:
            assert sum(f.value for f in flows if f.source == node.key) == node.value
        for node in chart.columns[index]:
            assert sum(f.value for f in flows if f.target == node.key) == node.value
        # Ribbons start and end inside their nodes.
        for flow in flows:
            source = chart.node(index - 1, flow.source)
            target = chart.node(index, flow.target)
            assert (
                source.y - 1e-6
                <= flow.y0
                <= flow.y0 + flow.thickness
                <= (source.y + source.height + 1e-6)
            )
            assert (
                target.y - 1e-6
                <= flow.y1
                <= flow.y1 + flow.thickness
                <= (target.y + target.height + 1e-6)
            )
    return chart


def test_flows_carry_each_option_over_and_move_the_surplus_to_its_recipients():
    result = small_stv()
    chart = check_conservation(result)
    moved = [(f.source, f.target, f.value) for f in chart.flows if f.column == 0 and f.transfer]
    assert moved == [("Parks", "Potholes", UNIT)]
    # Less litter's ballot goes to Parks (already chosen), then Street lighting.
    second = [(f.source, f.target, f.value) for f in chart.flows if f.column == 1 and f.transfer]
    assert second == [("Less litter", "Street lighting", UNIT)]
    # An excluded option has no node after the stage that excluded it.
    assert [n.key for n in chart.columns[2]] == [
        "Parks",
        "Potholes",
        "Street lighting",
        NON_TRANSFERABLE,
    ]


def test_fractional_transfers_conserve_votes_exactly():
    result = fractional_stv()
    moved = [units(v) for stage in result["stages"] for v in stage["transfers"].values()]
    assert any(value % UNIT for value in moved)
    check_conservation(result)


def test_a_real_ward_count_lays_out_with_votes_conserved():
    result = conformance_result()
    chart = check_conservation(result)
    assert len(chart.columns) == len(result["stages"])
    svg = sankey.render(chart, read_outcome(result), "Flows", sankey.describe(result), "ward")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="ward-title">Flows</title>' in svg


def test_the_description_says_what_moved_where():
    text = sankey.describe(small_stv())
    assert "Stage 2 (surplus of Parks): votes moved from Parks to Potholes (1)." in text
    assert (
        "Stage 3 (Less litter excluded): votes moved from Less litter to Street lighting (1)."
        in (text)
    )


def test_names_are_escaped_in_the_svg():
    ballots = [Ballot(("<b>Parks</b>",))] * 3 + [Ballot(("Bins & bags",))] * 2 + [Ballot(("X",))]
    election = Election(["<b>Parks</b>", "Bins & bags", "X"], ballots)
    result = count(election, "irv", seed="1").to_dict()
    outcome = read_outcome(result)
    svg = sankey.render(sankey.layout(result, outcome.order), outcome, "T", "D", "s")
    assert "<b>" not in svg and "&lt;b&gt;Parks" in svg and "Bins &amp; bags" in svg
    assert "<b>" not in charts.stage_chart(outcome, 0, "c")


def test_stage_bars_share_one_scale_and_show_the_quota():
    outcome = read_outcome(small_stv())
    first = charts.stage_layout(outcome, 0)
    later = charts.stage_layout(outcome, 3)
    parks = [bar for bar in first.bars if bar.label == "Parks"][0]
    assert parks.width == charts.SPAN  # 5 votes, the largest figure of the count
    assert first.line == later.line == pytest.approx(charts.SPAN * 4 / 5)
    assert first.line_text == "Quota: 4"
    assert parks.text == "5 ✓ chosen"
    assert [bar.text for bar in later.bars][:2] == ["4 ✓", "3 ✓ chosen"]
    # The option dropped at stage 2 is gone from stage 3's chart; the non-transferable stays.
    assert [bar.label for bar in later.bars] == [
        "Parks",
        "Potholes",
        "Street lighting",
        NON_TRANSFERABLE,
    ]
    svg = charts.stage_chart(outcome, 0, "stage-0")
    assert 'role="img"' in svg and re.search(r"<title id=\"stage-0-title\">[^<]+</title>", svg)
    assert "stroke-dasharray" in svg  # the quota line


# 90 characters.
LONG_NAME = (
    "Reopen the town library on Saturday afternoons and evenings for pupils and their families."
)


def long_name_count():
    """A count whose first option has a 90-character name."""
    name = LONG_NAME
    ballots = [Ballot((name, "Bins"))] * 4 + [Ballot(("Bins",))] * 3 + [Ballot(("Parks",))] * 2
    election = Election([name, "Bins", "Parks"], ballots)
    return name, count(election, "irv", seed="1").to_dict()


def label_blocks(svg: str) -> list[tuple[str, list[str], list[float]]]:
    """Each name label of the flow picture: its <title>, its lines and their baselines."""
    import xml.etree.ElementTree as ET

    blocks = []
    for group in ET.fromstring(str(svg)).iter("g"):  # noqa: S314  # our own picture
        title = group.find("title")
        text = group.find("text")
        if title is None or text is None:
            continue
        spans = text.findall("tspan")
        blocks.append(
            (title.text or "", [s.text or "" for s in spans], [float(s.get("y")) for s in spans])
        )
    return blocks


def test_a_long_option_name_wraps_whole_in_the_flow_picture_and_the_stage_chart():
    name, result = long_name_count()
    assert len(name) == 90
    outcome = read_outcome(result)
    svg = sankey.render(sankey.layout(result, outcome.order), outcome, "T", "D", "long")
    assert "…" not in svg
    blocks = label_blocks(svg)
    mine = [lines for title, lines, _ in blocks if title == name]
    # Beside the first column and the last, each time the whole name on several lines.
    assert len(mine) == 2
    for lines in mine:
        assert len(lines) > 1
        assert " ".join(lines).removeprefix("✓ ") == name
        assert all(len(line) <= sankey.NAME_CHARS for line in lines)
    # Labels on one side never overlap: each starts below the one above it ends.
    left = blocks[: len(outcome.order) + 1]
    for (_, _, ys), (_, _, below) in zip(left, left[1:], strict=False):
        assert below[0] >= ys[-1] + 14 + 12
    height = float(re.search(r'height="(\d+)"', svg).group(1))
    assert max(y for _, _, ys in blocks for y in ys) + 14 < height

    stage = charts.stage_chart(outcome, 0, "stage-1")
    assert "…" not in stage
    spans = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", stage)
    assert " ".join(spans).startswith(name)
    bars = charts.stage_layout(outcome, 0).bars
    assert " ".join(bars[0].lines) == name and len(bars[0].lines) == 3
    # The next bar's name starts below the long name's bar.
    assert bars[1].y >= bars[0].y + charts.ROW + 2 * charts.NAME_LINE


def test_a_word_longer_than_a_line_is_broken_not_dropped():
    from engage.svg_text import wrap

    word = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
    lines = wrap(f"Visit {word} station", 20)
    assert all(len(line) <= 20 for line in lines)
    assert "".join(lines).replace(" ", "") == f"Visit{word}station"
    assert wrap("", 10) == [""]
