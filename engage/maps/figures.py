"""One answer's share per ward, from a suppressed ward table, as the map and its table
show it. No Flask or database: the figures come already perturbed and thresholded
(``crosstabs.ward_results`` or ``crosstabs.crosstab``), and nothing here sees a raw count.
"""

from dataclasses import dataclass
from typing import Any

from engage.results.suppression import Cell

SHOWN, SMALL, HIDDEN, EMPTY = "shown", "small", "hidden", "empty"
# A base below the small-base threshold (ENGAGE_SMALL_BASE, as the dashboard warns), or
# weighted an effective base under ENGAGE_MIN_EFFECTIVE_BASE, is shown but hatched: a
# percentage of a few dozen people moves a lot with each one, so the map marks it rather
# than colour it like the others.


@dataclass(frozen=True)
class WardFigure:
    code: str
    name: str
    percent: float | None  # None when hidden, or nobody in the ward answered
    count: Cell
    base: Cell
    state: str  # SHOWN, SMALL, HIDDEN or EMPTY
    # Weighted: the share's 95 % interval (proportions), where the share is shown.
    ci_low: float | None = None
    ci_high: float | None = None


def option_by_ward(table: dict[str, Any], option: str, small_base: int) -> list[WardFigure]:
    """Each ward's share choosing ``option``, in the table's ward order; [] when the
    table has no such option. The base is the ward's respondents (or, for an option
    only some versions offered, those who were offered it)."""
    keys = [row["key"] for row in table["rows"]]
    if option not in keys:
        return []
    cells = table["cells"][keys.index(option)]
    # Weighted: a ward whose effective base is under the minimum is marked as a small
    # base is, hatched with its note, not coloured like the others.
    low = [c["low_base"] for c in (table.get("weighting") or {}).get("columns", [])]
    figures = []
    for j, ward in enumerate(table["columns"]):
        cell = cells[j]
        base = cell.get("base", table["col_totals"][j])
        state = _state(cell, base, small_base)
        if state == SHOWN and j < len(low) and low[j]:
            state = SMALL
        figures.append(
            WardFigure(
                ward["key"],
                ward["label"],
                cell["percent"],
                cell["count"],
                base,
                state,
                cell.get("ci_low"),
                cell.get("ci_high"),
            )
        )
    return figures


def _state(cell: dict[str, Any], base: Cell, small_base: int) -> str:
    if base == 0:
        return EMPTY
    if cell["percent"] is None:
        return HIDDEN
    return SMALL if isinstance(base, int) and base < small_base else SHOWN
