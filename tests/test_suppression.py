"""The disclosure rule on its own: perturbed counts with the threshold on top, no app."""

import pytest

from engage.results.perturbation import Count, PTable, package_default
from engage.results.suppression import Rule, mean, share, suppress_distribution, suppress_table

NO_CHANGE = PTable((1, key, 0) for key in range(256))
# Adds 1 to every count whose cell key is odd: enough to see which key moved what.
ODD_ADDS_ONE = PTable((value, key, key % 2) for value in range(1, 751) for key in range(256))


def test_a_ward_with_nine_respondents_is_hidden_entirely():
    rule = Rule(10, NO_CHANGE)
    cells, total = suppress_distribution(
        {"very": Count(4), "fairly": Count(3), "unsafe": Count(2)}, Count(9), rule
    )
    assert total == "<10"
    assert cells == {"very": "<10", "fairly": "<10", "unsafe": "<10"}


def test_ten_respondents_are_shown_and_zero_stays_zero():
    cells, total = suppress_distribution(
        {"yes": Count(10), "no": Count(0)}, Count(10), Rule(10, NO_CHANGE)
    )
    assert (cells, total) == ({"yes": 10, "no": 0}, 10)


def test_each_cell_moves_by_its_own_key_and_totals_are_cells_of_their_own():
    rule = Rule(10, ODD_ADDS_ONE)
    cells, total = suppress_distribution(
        {"a": Count(40, 3), "b": Count(30, 4), "c": Count(12, 255)}, Count(82, 262), rule
    )
    assert cells == {"a": 41, "b": 30, "c": 13}
    assert total == 82  # key 262 % 256 = 6: not moved, and not the sum of the cells (84)


def test_a_count_perturbed_below_k_is_hidden_and_zero_is_never_moved():
    minus_two = PTable(
        (value, key, -2 if value >= 2 else 0) for value in range(1, 751) for key in range(256)
    )
    rule = Rule(10, minus_two)
    assert rule.show(Count(11, 7)) == "<10"
    assert rule.show(Count(12, 7)) == 10
    assert rule.show(Count(0, 0)) == 0


def test_large_counts_reuse_the_rows_from_501_to_750():
    # Row 501 says +3 for key 9; 751 and 1001 read that row, 750 does not.
    table = PTable([(501, 9, 3), (750, 9, -1), (1, 255, 0)])
    assert table.perturbed(Count(501, 9)) == 504
    assert table.perturbed(Count(751, 9)) == 754
    assert table.perturbed(Count(1001, 9 + 256)) == 1004
    assert table.perturbed(Count(750, 9)) == 749
    assert table.perturbed(Count(1000, 9)) == 999  # (1000 - 1) % 250 + 501 = 750


def test_the_default_ptable_hides_under_ten_and_rounds_to_fives():
    rule = Rule(10, package_default())
    assert [rule.show(Count(n, 17)) for n in (0, 1, 9, 10, 11, 12, 13, 14, 2023)] == [
        0,
        "<10",
        "<10",
        10,
        10,
        10,
        15,
        15,
        2025,
    ]


def test_a_table_perturbs_cells_margins_and_total_alike():
    shown = suppress_table(
        [[Count(20, 1), Count(3, 2)], [Count(15, 0), Count(0)]],
        [Count(23, 3), Count(15, 0)],
        [Count(35, 1), Count(3, 2)],
        Count(38, 3),
        Rule(10, ODD_ADDS_ONE),
    )
    assert shown == {
        "cells": [[21, "<10"], [15, 0]],
        "row_totals": [24, 15],
        "col_totals": [36, "<10"],
        "total": 39,
    }


def test_percentages_and_means_come_from_the_shown_counts():
    assert share(41, 82) == 50.0
    assert share("<10", 82) is None and share(5, 0) is None
    assert mean({1: 10, 5: 30}) == 4.0
    assert mean({1: "<10", 5: 30}) is None  # a hidden count could be worked out
    assert mean({}) is None


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(0, 1, 0)], "not a count of 1 or more"),
        ([(1, 256, 0)], "outside 0 to 255"),
        ([(3, 255, -4)], "would be negative"),
        ([(1, 4, 0)], "cell keys 0 to 255"),
        ([], "no rows"),
    ],
)
def test_a_ptable_that_cannot_work_is_refused_saying_why(rows, message):
    with pytest.raises(ValueError, match=message):
        PTable(rows)
