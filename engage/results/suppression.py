"""The disclosure rule, the same everywhere results leave Engage. No Flask or database.

Dashboard, cross-tabs, trends, the public page, API aggregates, aggregate downloads and
panel evidence all pass their counts through here; nothing else decides what is shown.

1. Every count is perturbed by its cell key (``perturbation``): the same respondents
   always give the same figure, and the difference of two overlapping tables is no
   longer a true small count. Totals and bases are cells of their own, perturbed by
   their own keys, so they are not the sums of the shown cells.
2. The threshold stays on top: a perturbed count below k shows as "<k".

Zero is not perturbed and shows as 0: a cell nobody is in identifies nobody, and the
method never invents respondents. Percentages and means are worked out from the shown
(perturbed) counts, so anyone can check them from the table they sit in.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engage.results.perturbation import Count, PTable

DEFAULT_K = 10

Cell = int | str  # a perturbed count, or the "<k" marker that replaces it


def marker(k: int) -> str:
    """What a hidden cell shows: "<10" for the default k."""
    return f"<{k}"


@dataclass(frozen=True)
class Rule:
    """The threshold k and the ptable: how a true count becomes the figure shown."""

    k: int
    ptable: PTable

    def show(self, count: Count) -> Cell:
        if count.n <= 0:
            return 0
        perturbed = self.ptable.perturbed(count)
        return marker(self.k) if perturbed < self.k else perturbed


def suppress_distribution(
    counts: Mapping[str, Count], total: Count, rule: Rule
) -> tuple[dict[str, Cell], Cell]:
    """A 1-D distribution as shown: (cells by key, total)."""
    return {key: rule.show(count) for key, count in counts.items()}, rule.show(total)


def suppress_table(
    cells: Sequence[Sequence[Count]],
    row_totals: Sequence[Count],
    col_totals: Sequence[Count],
    total: Count,
    rule: Rule,
) -> dict[str, Any]:
    """A 2-D table with its margins as shown: cells, row_totals, col_totals, total."""
    return {
        "cells": [[rule.show(c) for c in row] for row in cells],
        "row_totals": [rule.show(c) for c in row_totals],
        "col_totals": [rule.show(c) for c in col_totals],
        "total": rule.show(total),
    }


def share(count: Cell, total: Cell) -> float | None:
    """A percentage to one decimal place, or None when either figure is hidden or zero."""
    if isinstance(count, str) or isinstance(total, str) or not total:
        return None
    return round(100 * count / total, 1)


def mean(cells: Mapping[int, Cell]) -> float | None:
    """The mean value from the shown count of each value; None if any count is hidden
    (the mean of the true counts could give a hidden one away) or nobody answered."""
    if any(isinstance(n, str) for n in cells.values()):
        return None
    shown = {value: int(n) for value, n in cells.items()}
    respondents = sum(shown.values())
    if not respondents:
        return None
    return sum(value * n for value, n in shown.items()) / respondents
