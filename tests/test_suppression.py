"""The small-number rule on its own: plain lists and dicts, no app or database."""

from engage.results.suppression import share, suppress_distribution, suppress_table


def test_a_ward_with_nine_respondents_is_hidden_entirely():
    cells, total = suppress_distribution({"very": 4, "fairly": 3, "unsafe": 2}, 9, k=10)
    assert total == "<10"
    assert cells == {"very": "<10", "fairly": "<10", "unsafe": "<10"}


def test_ten_respondents_are_shown():
    cells, total = suppress_distribution({"yes": 10, "no": 0}, 10, k=10)
    assert (cells, total) == ({"yes": 10, "no": 0}, 10)


def test_zero_is_shown_and_never_used_as_the_complementary_cell():
    cells, total = suppress_distribution({"a": 30, "b": 0, "c": 3, "d": 40}, 73, k=10)
    assert cells == {"a": "<10", "b": 0, "c": "<10", "d": 40}
    assert total == 73


def test_one_hidden_cell_derivable_from_the_total_hides_the_next_smallest():
    # Shown: 40 + 30 + ? = 75, so ? = 5 could be worked out without a second hidden cell.
    cells, total = suppress_distribution({"a": 40, "b": 30, "c": 5}, 75, k=10)
    assert cells == {"a": 40, "b": "<10", "c": "<10"}
    assert total == 75


def test_two_hidden_cells_need_no_more():
    cells, _ = suppress_distribution({"a": 40, "b": 3, "c": 4}, 47, k=10)
    assert cells == {"a": 40, "b": "<10", "c": "<10"}


def test_multiple_choice_cells_do_not_add_up_so_only_the_primary_rule_applies():
    cells, total = suppress_distribution({"parks": 40, "lighting": 5}, 42, k=10, additive=False)
    assert cells == {"parks": 40, "lighting": "<10"}
    assert total == 42


def test_k_is_configurable():
    cells, total = suppress_distribution({"a": 4, "b": 6}, 10, k=5)
    assert cells == {"a": "<5", "b": "<5"}
    assert total == 10


def test_table_row_with_one_hidden_cell_gets_a_complementary_cell():
    # Row "north": 20 + 3 = 23 shown as a total; 3 could be derived from 23 - 20.
    shown = suppress_table(
        cells=[[20, 3], [30, 40]],
        row_totals=[23, 70],
        col_totals=[50, 43],
        total=93,
        k=10,
    )
    hidden = [
        (r, c)
        for r, row in enumerate(shown["cells"])
        for c, cell in enumerate(row)
        if cell == "<10"
    ]
    assert (0, 1) in hidden
    assert len(hidden) >= 2
    assert_nothing_derivable(shown)


def test_table_keeps_suppressing_until_nothing_is_derivable():
    shown = suppress_table(
        cells=[[50, 2, 30], [40, 25, 35], [60, 45, 20]],
        row_totals=[82, 100, 125],
        col_totals=[150, 72, 85],
        total=307,
        k=10,
    )
    assert shown["cells"][0][1] == "<10"
    assert_nothing_derivable(shown)


def test_table_small_margin_is_hidden_too():
    shown = suppress_table([[5, 3], [40, 50]], [8, 90], [45, 53], 98, k=10)
    assert shown["row_totals"][0] == "<10"
    assert shown["cells"][0] == ["<10", "<10"]
    assert_nothing_derivable(shown)


def test_table_zero_cells_stay_visible():
    shown = suppress_table([[0, 30], [20, 25]], [30, 45], [20, 55], 75, k=10)
    assert shown["cells"] == [[0, 30], [20, 25]]


def test_share_is_none_for_hidden_figures():
    assert share(25, 100) == 25.0
    assert share("<10", 100) is None
    assert share(5, "<10") is None
    assert share(0, 0) is None


def assert_nothing_derivable(shown):
    """No row or column (margins included) has exactly one hidden figure."""
    grid = [row + [total] for row, total in zip(shown["cells"], shown["row_totals"], strict=True)]
    grid.append(shown["col_totals"] + [shown["total"]])
    lines = grid + [list(col) for col in zip(*grid, strict=True)]
    for line in lines:
        assert sum(1 for cell in line if cell == "<10") != 1, line
