"""Weighted two-way results (the cross-tab, results per ward, trends): each shown
percentage made the weighted share, with its 95 % interval, and each column's effective
base. No Flask.

As on the overview (``estimated``), weighted figures count only the respondents with a
weight: the counts, bases and hidden cells beside them are the small-number rules
applied to those respondents' unweighted counts, and a weighted figure is shown only
where the unweighted one it replaces would be. A cell is one option of its column (of
the column's respondents offered it, when only some versions did), so its estimate,
standard error and interval come from ``engage.weighting.estimates`` with the column as
the base. Weighted figures are rounded, not perturbed (``estimated.DECIMALS``).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engage.results.columns import WeightedSums, WeightedTable
from engage.results.estimated import DECIMALS, Weighting
from engage.weighting.estimates import Estimate, Sums, from_sums

Triple = tuple[int, float, float]  # respondents, Σw, Σw²
NOBODY: Triple = (0, 0.0, 0.0)


def _plus(a: Triple, b: Triple) -> Triple:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2]


@dataclass
class PairSums:
    """``WeightedTable`` by the keys results show (option, ward or value codes)."""

    cells: dict[tuple[str, str], Triple]
    rows: dict[str, Triple]
    columns: dict[str, Triple]
    bases: dict[tuple[str, str], Triple]

    @classmethod
    def of(
        cls,
        table: WeightedTable,
        row_key: Callable[[int], str | None],
        col_key: Callable[[int], str | None],
    ) -> "PairSums":
        """``row_key(key)``, ``col_key(key)``: the shown key of an internal one (None: not
        shown)."""

        def by(found: dict, key: Any, sums: Triple) -> None:
            if key is not None and None not in (key if isinstance(key, tuple) else (key,)):
                found[key] = _plus(found.get(key, NOBODY), sums)

        cells: dict[tuple[str, str], Triple] = {}
        rows: dict[str, Triple] = {}
        columns: dict[str, Triple] = {}
        bases: dict[tuple[str, str], Triple] = {}
        for (r, c), sums in table.cells.items():
            by(cells, (row_key(r), col_key(c)), sums)
        for r, sums in table.rows.items():
            by(rows, row_key(r), sums)
        for c, sums in table.columns.items():
            by(columns, col_key(c), sums)
        for (r, c), sums in table.bases.items():
            by(bases, (row_key(r), col_key(c)), sums)
        return cls(cells, rows, columns, bases)


def share(base: Triple, part: Triple) -> Estimate:
    """The weighted share of ``part`` in ``base``, with its uncertainty."""
    n, w, w2 = base
    _n, pw, pw2 = part
    return from_sums(Sums(n, w, w2, [pw], [pw2]))[0]


def effective_base(sums: Triple) -> float:
    """Kish's effective base, (Σw)² / Σw²."""
    _n, w, w2 = sums
    return w * w / w2 if w2 > 0 else 0.0


def _rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(value, DECIMALS)


def estimate_fields(found: Estimate | None) -> dict[str, Any]:
    """A shown percentage's weighted figures: the percentage itself (one decimal place)
    and the proportion, standard error and 95 % interval (``DECIMALS``); all None when
    hidden or not estimable."""
    if found is None or math.isnan(found.estimate):
        return dict.fromkeys(("percent", "estimate", "se", "ci_low", "ci_high"))
    return {
        "percent": round(100 * found.estimate, 1),
        "estimate": _rounded(found.estimate),
        "se": _rounded(found.se),
        "ci_low": _rounded(found.ci_low),
        "ci_high": _rounded(found.ci_high),
    }


HIDDEN_ROW = "hidden"  # a chart row drawn hidden whole


def _shown(cell: Any) -> bool:
    return not isinstance(cell, str) and cell is not None


def column_bases(
    keys: list[str], shown: list[Any], sums: PairSums, weighting: Weighting
) -> list[dict[str, Any]]:
    """Each column's effective base (None where its count is hidden, 0 for nobody) and
    whether it is under the minimum (``low_base``: shown greyed, with a warning)."""
    found = []
    for key, total in zip(keys, shown, strict=True):
        column = sums.columns.get(key, NOBODY)
        effective = effective_base(column)
        found.append(
            {
                "effective_base": round(effective) if _shown(total) else None,
                "low_base": column[0] > 0 and effective < weighting.min_effective_base,
            }
        )
    return found


def weigh_table(table: dict[str, Any], sums: PairSums, weighting: Weighting) -> None:
    """Make the shown percentages of ``table`` (laid out by ``crosstabs``) the weighted
    shares of their columns, each with its interval; add each column's effective base,
    and, for the chart, the weighted sums along each row (``along_rows``)."""
    row_keys = [row["key"] for row in table["rows"]]
    col_keys = [col["key"] for col in table["columns"]]
    chart_cells = []
    for r, cells in zip(row_keys, table["cells"], strict=True):
        chart_row = []
        for c, cell in zip(col_keys, cells, strict=True):
            found = None
            if cell["percent"] is not None:
                offered = "base" in cell  # only some versions offered the row's option
                base = sums.bases.get((r, c), NOBODY) if offered else sums.columns.get(c, NOBODY)
                found = share(base, sums.cells.get((r, c), NOBODY))
            cell.update(estimate_fields(found))
            count = cell["count"]
            weighted = sums.cells.get((r, c), NOBODY)[1]
            chart_row.append({"count": weighted if _shown(count) else count})
        chart_cells.append(chart_row)
    table["weighting"] = {
        "scheme": weighting.scheme,
        "min_effective_base": weighting.min_effective_base,
        "columns": column_bases(col_keys, table["col_totals"], sums, weighting),
        "chart": {
            "cells": chart_cells,
            # A row with a hidden cell is drawn hidden whole: the rest of its bar would
            # be the hidden cells' exact weighted share, which is not perturbed.
            "row_totals": [
                sums.rows.get(r, NOBODY)[1]
                if _shown(total) and all(_shown(cell["count"]) for cell in cells)
                else HIDDEN_ROW
                for r, total, cells in zip(
                    row_keys, table["row_totals"], table["cells"], strict=True
                )
            ],
        },
    }


def along_rows(table: dict[str, Any]) -> dict[str, Any]:
    """The table the cross-tab's chart draws: weighted, the weighted sums of the shown
    cells and row totals, a row with any hidden cell hidden whole; as answered, the
    table itself."""
    weighting = table.get("weighting")
    if not weighting:
        return table
    return {**table, **weighting["chart"]}


def ward_means(sums: PairSums) -> dict[str, float | None]:
    """Per ward, the weighted mean of a rating or number (its row keys are the values)."""
    totals: dict[str, float] = {}
    for (value, ward), (_n, w, _w2) in sums.cells.items():
        totals[ward] = totals.get(ward, 0.0) + float(value) * w
    return {
        ward: totals.get(ward, 0.0) / w if w > 0 else None
        for ward, (_n, w, _w2) in sums.columns.items()
    }


def weigh_point(
    point: dict[str, Any],
    sums: WeightedSums | None,
    agree: set[int] | None,
    weighting: Weighting,
) -> None:
    """Make a trend's point (a period's figure, where shown) weighted: the weighted mean
    rating, or the weighted percentage agreeing with its interval (``agree``: the
    agreeing option indexes); and add the period's effective base."""
    n, w, w2 = (sums.n, sums.w, sums.w2) if sums else NOBODY
    shown = _shown(point["respondents"]) and point["respondents"]
    point["effective_base"] = round(effective_base((n, w, w2))) if shown else None
    point["low_base"] = n > 0 and effective_base((n, w, w2)) < weighting.min_effective_base
    if agree is None:  # a rating: the weighted mean
        if point["value"] is not None and sums is not None and w > 0:
            point["value"] = round(sum(key * wy for key, wy in sums.wy.items()) / w, 1)
        return
    found = None
    if point["value"] is not None and sums is not None:
        part = (
            0,
            sum(v for key, v in sums.wy.items() if key in agree),
            sum(v for key, v in sums.w2y.items() if key in agree),
        )
        found = share((n, w, w2), part)
    fields = estimate_fields(found)
    point["value"] = fields.pop("percent")
    point.update(fields)


def _plain(count: Any, base: Any) -> Estimate | None:
    """As answered, a shown count's share of a shown base with its uncertainty."""
    if not (_shown(count) and _shown(base)) or not base:
        return None
    return from_sums(Sums(int(base), base, base, [count], [count]))[0]


def plain_intervals(table: dict[str, Any]) -> None:
    """As answered: each shown cross-tab percentage's 95 % interval, worked out from the
    shown counts only (so it gives nothing away the counts do not)."""
    for cells in table["cells"]:
        for j, cell in enumerate(cells):
            base = cell["base"] if "base" in cell else table["col_totals"][j]
            found = _plain(cell["count"], base) if cell["percent"] is not None else None
            cell["ci_low"] = None if found is None else _rounded(found.ci_low)
            cell["ci_high"] = None if found is None else _rounded(found.ci_high)


def plain_point_interval(point: dict[str, Any]) -> None:
    """As answered: a trend period's percent agreeing with its 95 % interval, from the
    shown percentage and respondents."""
    value, respondents = point["value"], point["respondents"]
    found = None
    if value is not None and _shown(respondents) and respondents:
        found = _plain(value / 100 * respondents, respondents)
    point["ci_low"] = None if found is None else _rounded(found.ci_low)
    point["ci_high"] = None if found is None else _rounded(found.ci_high)
