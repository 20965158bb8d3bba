"""The results charts drawn as SVG text: a cross-tab's stacked bars and a trend's line.
Pure functions, so these tests feed them tables and series as the results engine gives
them, and read the pictures they draw."""

import re
from datetime import date

from engage.percent import percent_text
from engage.results import chart_parts
from engage.results.periods import long_label, period_end, short_label
from engage.results.stacked_chart import rows_of, stacked_chart
from engage.results.trend_chart import trend_chart
from engage.svg_text import wrap


def table(cells, row_totals, columns=("North", "South")):
    return {
        "rows": [{"key": f"r{i}", "label": f"Answer {i}"} for i in range(len(cells))],
        "columns": [{"key": c.lower(), "label": c} for c in columns],
        "cells": [[{"count": n} for n in row] for row in cells],
        "row_totals": row_totals,
    }


def test_each_bar_shares_its_row_out_to_100_per_cent():
    (row,) = rows_of(table([[30, 10]], [40]))
    assert [s.percent for s in row.shares] == [75.0, 25.0]
    assert row.shares[1].start == 75.0 and row.hidden == 0


def test_a_hidden_cell_is_drawn_hidden_not_as_nothing():
    (row,) = rows_of(table([[30, "<10"]], [36]))
    assert row.shares[0].percent == round(100 * 30 / 36, 1)
    assert row.shares[1].percent is None and row.shares[1].width == 0
    assert round(row.hidden, 1) == round(100 - 100 * 30 / 36, 1)

    chart = stacked_chart(table([[30, "<10"]], [36]), "c", "A chart", percent_text)
    assert "Answer 0: hidden" in chart.svg
    assert chart.legend[-1][1] == "Hidden figures"


def test_a_row_whose_total_is_hidden_is_all_hidden():
    (row,) = rows_of(table([["<10", "<10"]], ["<10"]))
    assert row.hidden == 100 and all(s.percent is None for s in row.shares)


def test_the_key_tells_columns_apart_by_more_than_colour():
    chart = stacked_chart(table([[5, 5, 5]], [15], ("A", "B", "C")), "c", "t", percent_text)
    assert [label for _swatch, label in chart.legend] == ["A", "B", "C"]
    patterns = re.findall(r'<pattern id="c-p\d".*?</pattern>', str(chart.svg))
    marks = [re.sub(r'id="[^"]*"|fill="#\w+"', "", p) for p in patterns]
    assert len(set(marks)) == 3  # each fill has its own marks, not just its own hue
    assert 'role="img"' in chart.svg and '<title id="c-title">t</title>' in chart.svg


def test_long_labels_are_broken_into_lines_that_fit_a_phone():
    label = "How satisfied are you with the way the council runs things here, all in all?"
    lines = wrap(label, chart_parts.LINE_CHARS)
    assert len(lines) == 3 and all(len(line) <= chart_parts.LINE_CHARS for line in lines)
    assert " ".join(lines) == label  # wrapped, never cut
    crossed = table([[30, 10]], [40])
    crossed["rows"][0]["label"] = label
    svg = str(stacked_chart(crossed, "c", "t", lambda p: f"{p:.1f}%").svg)
    drawn = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert drawn == lines and "…" not in svg


def series(points, period="month", measure="percent_agree"):
    return {
        "text": "I can have a say",
        "period": period,
        "measure": measure,
        "points": [{"period": p, "respondents": n, "value": v} for p, n, v in points],
    }


def draw(points, today, period="month"):
    return trend_chart(series(points, period), today, "t", percent_text, lambda v: f"{v:.0f}%")


def test_the_last_month_is_marked_partial_while_it_is_not_over():
    points = [("2026-10-01", 230, 29.8), ("2026-11-01", 230, 37.0), ("2026-12-01", 31, 61.3)]
    chart = draw(points, date(2026, 12, 5))

    assert chart.partial_note == "December 2026 is not over yet: n = 31"
    assert [r.partial for r in chart.rows] == [False, False, True]
    assert str(chart.svg).count("stroke-dasharray") == 1  # only the segment into December
    assert [r.label for r in chart.rows] == ["Oct 2026", "Nov 2026", "Dec 2026"]

    assert draw(points, date(2027, 1, 1)).partial_note is None  # once it is over


def test_a_hidden_figure_leaves_a_gap_in_the_line():
    points = [("2026-09-01", 90, 30.0), ("2026-10-01", "<10", None), ("2026-11-01", 80, 40.0)]
    chart = draw(points, date(2027, 1, 1))
    assert chart.has_gaps
    assert re.findall(r"<line x1=\"[\d.]+%\"", str(chart.svg)) == []  # no segment joins them
    assert str(chart.svg).count("<circle") == 2


def test_weeks_read_as_the_week_commencing():
    assert short_label(date(2025, 12, 1), "week") == "w/c 1 Dec 2025"
    assert long_label(date(2026, 11, 30), "week") == "the week commencing 30 November 2026"
    assert period_end(date(2026, 12, 1), "month") == date(2027, 1, 1)
    chart = draw([("2026-11-30", 40, 37.5)], date(2026, 12, 2), "week")
    assert chart.partial_note == "The week commencing 30 November 2026 is not over yet: n = 40"


def test_a_phone_shows_fewer_period_labels_than_a_laptop():
    points = [(f"2026-{m:02d}-01", 100, 30.0) for m in range(1, 13)]
    svg = str(draw(points, date(2027, 1, 1)).svg)
    on_phone = svg.count('class="engage-tick"')
    assert 2 <= on_phone <= 4  # a few, evenly spread, the first and the last among them
    assert on_phone + svg.count('class="engage-tick engage-tick--wide"') == 12
