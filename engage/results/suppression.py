"""The small-number rule, the same everywhere results leave Engage.

Dashboard, aggregate downloads, API aggregates and the public page all pass
their counts through here; nothing else decides what may be shown.

1. Primary suppression: a cell standing for 1 to k-1 respondents shows as "<k".
   Totals are cells too, so a ward with 9 respondents shows "<10" throughout.
2. Complementary suppression: where cells add up to a shown total, a single
   hidden cell in that line could be worked out by subtraction. So one more cell
   is hidden (the smallest non-zero shown cell of the line, or failing that its
   total), and the check repeats over every line until no hidden cell can be derived.

Zero counts are not secret: a 0 identifies nobody, so zeros are always shown
and are never chosen as the complementary cell (hiding a 0 would protect nothing,
since a hidden cell is known to be at least 1). Everything here works on plain
lists and dicts, with no Flask or database.
"""

from collections.abc import Mapping, Sequence
from typing import Any

DEFAULT_K = 10

Cell = int | str  # a count, or the "<k" marker that replaces it

Position = tuple[int, int]


def marker(k: int) -> str:
    """What a hidden cell shows: "<10" for the default k."""
    return f"<{k}"


def is_small(count: int, k: int) -> bool:
    """True for a count of 1 to k-1 respondents (zero is not small, it is nothing)."""
    return 0 < count < k


def _complete(values: dict[Position, int], lines: list[list[Position]], k: int) -> set[Position]:
    """The hidden positions: primary, then complementary until nothing is derivable.

    Each line lists the positions of cells that add up to its last position (the total).
    """
    hidden = {p for p, count in values.items() if is_small(count, k)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for p in line if p in hidden) != 1:
                continue
            cells, total = line[:-1], line[-1]
            shown = [p for p in cells if p not in hidden and values[p] > 0]
            if not shown and total not in hidden and values[total] > 0:
                shown = [total]
            if shown:
                hidden.add(min(shown, key=lambda p: (values[p], p)))
                changed = True
    return hidden


def suppress_distribution(
    counts: Mapping[str, int], total: int, k: int = DEFAULT_K, additive: bool = True
) -> tuple[dict[str, Cell], Cell]:
    """Suppress a 1-D distribution: (cells by key, total), hidden ones as "<k".

    ``additive`` says whether the counts add up to ``total`` (false for a
    multiple-choice question, where one respondent can be in several cells; then
    no cell can be derived from the total and only the primary rule applies).
    """
    keys = list(counts)
    values: dict[Position, int] = {(0, i): counts[key] for i, key in enumerate(keys)}
    total_at = (0, len(keys))
    values[total_at] = total
    lines = [[*((0, i) for i in range(len(keys))), total_at]] if additive else []
    hidden = _complete(values, lines, k)
    cells: dict[str, Cell] = {
        key: marker(k) if (0, i) in hidden else counts[key] for i, key in enumerate(keys)
    }
    return cells, marker(k) if total_at in hidden else total


def suppress_table(
    cells: Sequence[Sequence[int]],
    row_totals: Sequence[int],
    col_totals: Sequence[int],
    total: int,
    k: int = DEFAULT_K,
    rows_add_up: bool = True,
    cols_add_up: bool = True,
) -> dict[str, Any]:
    """Suppress a 2-D table with its margins; returns cells, row_totals, col_totals, total.

    ``rows_add_up``: each row's cells add up to its row total (and the column
    totals to the grand total). ``cols_add_up``: the same down the columns. Say
    false for a dimension whose respondents can fall in several columns (or rows).
    """
    n_rows, n_cols = len(row_totals), len(col_totals)
    values: dict[Position, int] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            values[(r, c)] = cells[r][c]
        values[(r, n_cols)] = row_totals[r]
    for c in range(n_cols):
        values[(n_rows, c)] = col_totals[c]
    values[(n_rows, n_cols)] = total
    lines: list[list[Position]] = []
    if rows_add_up:
        lines += [[(r, c) for c in range(n_cols + 1)] for r in range(n_rows + 1)]
    if cols_add_up:
        lines += [[(r, c) for r in range(n_rows + 1)] for c in range(n_cols + 1)]
    hidden = _complete(values, lines, k)

    def shown(p: Position) -> Cell:
        return marker(k) if p in hidden else values[p]

    return {
        "cells": [[shown((r, c)) for c in range(n_cols)] for r in range(n_rows)],
        "row_totals": [shown((r, n_cols)) for r in range(n_rows)],
        "col_totals": [shown((n_rows, c)) for c in range(n_cols)],
        "total": shown((n_rows, n_cols)),
    }


def suppress_base(base: int, total: Cell, whole: int, k: int = DEFAULT_K) -> Cell:
    """The base of an option only some respondents were offered (their version had it),
    beside ``total``, its line's shown total of ``whole`` respondents.

    Hidden when it is small, when the respondents not offered the option (``whole`` -
    ``base``) are, which a shown total would give away by subtraction, or when the
    total is hidden itself."""
    if isinstance(total, str) or is_small(base, k) or is_small(whole - base, k):
        return marker(k)
    return base


def share(count: Cell, total: Cell) -> float | None:
    """A percentage to one decimal place, or None when either figure is hidden or zero."""
    if isinstance(count, str) or isinstance(total, str) or not total:
        return None
    return round(100 * count / total, 1)
