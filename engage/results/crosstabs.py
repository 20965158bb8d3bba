"""Two-way results: a cross-tab, results per ward, and trends over time; already suppressed.

As in ``aggregates``, the counting reads the results columns (any pair of questions,
under any filter, on its first view), and every public function passes the counts
through ``suppression`` before returning.
"""

from dataclasses import dataclass, replace
from typing import Any

from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import Questionnaire
from engage.results import engine, reading, suppression
from engage.results.catalogue import (
    AGREE_CODES,
    BREAKDOWN_TYPES,
    TREND_TYPES,
    QuestionInfo,
    catalogue,
    find,
)
from engage.results.filters import ResultFilter

ROW_TYPES = (*types.CHOICE_TYPES, types.RATING)
TREND_PERIODS = ("week", "month")


@dataclass
class _Side:
    """One side of a table: its keys and labels, and whether a respondent can have several."""

    keys: list[str]
    labels: dict[str, str]
    multiple: bool


def _question_side(info: QuestionInfo, areas: list[Area], lang: str | None) -> _Side:
    if info.type == types.AREA:
        return _Side([a.code for a in areas], {a.code: a.name for a in areas}, False)
    if info.type == types.RATING:
        keys = [str(v) for v in range(types.RATING_MIN, types.RATING_MAX + 1)]
        return _Side(keys, {k: k for k in keys}, False)
    return _Side(
        list(info.options), {code: info.label(code, lang) for code in info.options}, info.multiple
    )


def _ward_side(areas: list[Area]) -> _Side:
    return _Side([a.code for a in areas], {a.code: a.name for a in areas}, False)


def _suppressed_table(
    rows: _Side,
    cols: _Side,
    cells: dict[tuple[str, str], int],
    row_totals: dict[str, int],
    col_totals: dict[str, int],
    total: int,
    k: int,
    bases: dict[tuple[str, str], int] | None = None,
) -> dict[str, Any]:
    """Suppress the counts of a table and lay it out; percentages are of column totals,
    or for a row option only some versions offered, of the column's respondents whose
    version offered it (``bases``; each cell then carries its ``base``)."""
    bases = bases or {}
    shown = suppression.suppress_table(
        [[cells.get((r, c), 0) for c in cols.keys] for r in rows.keys],
        [row_totals.get(r, 0) for r in rows.keys],
        [col_totals.get(c, 0) for c in cols.keys],
        total,
        k,
        rows_add_up=not cols.multiple,
        cols_add_up=not rows.multiple,
    )

    def cell(r: str, j: int, count: suppression.Cell) -> dict[str, Any]:
        base: suppression.Cell = shown["col_totals"][j]
        c = cols.keys[j]
        if (r, c) not in bases:
            return {"count": count, "percent": suppression.share(count, base)}
        base = suppression.suppress_base(bases[(r, c)], base, col_totals.get(c, 0), k)
        return {"count": count, "base": base, "percent": suppression.share(count, base)}

    return {
        "rows": [{"key": r, "label": rows.labels[r]} for r in rows.keys],
        "columns": [{"key": c, "label": cols.labels[c]} for c in cols.keys],
        "cells": [
            [cell(r, j, count) for j, count in enumerate(row)]
            for r, row in zip(rows.keys, shown["cells"], strict=True)
        ],
        "row_totals": shown["row_totals"],
        "col_totals": shown["col_totals"],
        "total": shown["total"],
        "k": k,
    }


def _newest_series(
    filters: ResultFilter, *infos: QuestionInfo
) -> tuple[ResultFilter, list[QuestionInfo], str | None]:
    """Filters narrowed to the newest series of questions whose wording changed in a way
    marked not comparable (results across a break are never added up), the questions as
    that series asked them, and a note saying so; unchanged when there is no break."""
    versions: set[int] | None = None
    for info in infos:
        runs = info.series()
        if len(runs) > 1:
            versions = set(runs[0]) if versions is None else versions & set(runs[0])
    if versions is None:
        return filters, list(infos), None
    numbers = sorted(versions)
    narrowed = [
        i.for_versions([n for n in i.versions if n in versions] or i.versions) for i in infos
    ]
    note = (
        f"Only version{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}: a "
        "question changed in a way marked not comparable, so earlier results are not added in."
    )
    return replace(filters, versions=tuple(numbers)), narrowed, note


def _add(counts: dict, key: Any, n: int) -> None:
    if key is not None and None not in (key if isinstance(key, tuple) else (key,)):
        counts[key] = counts.get(key, 0) + int(n)


def _pair_counts(questionnaire: Questionnaire, row: str, col: str, filters: ResultFilter):
    """Cells, row and column totals and the total of respondents to both (``col`` may be
    "area", the response's ward), and the bases of row options only some versions offered."""
    view, selection = reading.selected(questionnaire, filters)
    if row not in view.schema.codes or (col != "area" and col not in view.schema.codes):
        return {}, {}, {}, 0, {}
    key = reading.Keys(view, questionnaire.partnership.areas)
    table = view.table(row, col, selection)
    cells: dict[tuple[str, str], int] = {}
    row_totals: dict[str, int] = {}
    col_totals: dict[str, int] = {}
    for (r, c), n in table.cells.items():
        _add(cells, (key(row, r), key(col, c)), n)
    for r, n in table.rows.items():
        _add(row_totals, key(row, r), n)
    for c, n in table.columns.items():
        _add(col_totals, key(col, c), n)
    bases: dict[tuple[str, str], int] = {}
    for (r, c), n in table.bases.items():
        _add(bases, (key(row, r), key(col, c)), n)
    return cells, row_totals, col_totals, table.total, bases


def crosstab(
    questionnaire: Questionnaire, row_code: str, col_code: str, filters: ResultFilter, k: int
) -> dict[str, Any] | None:
    """A closed question (rows) by an area or "about you" question (columns).

    Cells count respondents who answered both; percentages are of the column total.
    None when either code cannot be used that way.
    """
    infos = {i.code: i for i in catalogue(questionnaire, filters)}
    row, col = infos.get(row_code), infos.get(col_code)
    if row is None or col is None or row_code == col_code:
        return None
    if row.type not in ROW_TYPES or col.type not in BREAKDOWN_TYPES:
        return None
    filters, (row, col), note = _newest_series(filters, row, col)
    areas = questionnaire.partnership.areas
    cells, row_totals, col_totals, total, bases = _pair_counts(
        questionnaire, row.code, col.code, filters
    )
    table = _suppressed_table(
        _question_side(row, areas, None),
        _question_side(col, areas, None),
        cells,
        row_totals,
        col_totals,
        total,
        k,
        bases,
    )
    return {
        "row": {"code": row.code, "text": row.text(), "wordings": row.wordings()},
        "column": {"code": col.code, "text": col.text(), "wordings": col.wordings()},
        "series_note": note,
        **table,
    }


def ward_results(
    questionnaire: Questionnaire, info: QuestionInfo, k: int, lang: str | None = None
) -> dict[str, Any]:
    """Headline results of one question per ward (the public page): choices by ward.

    For a rating or number question, the average per ward (shown only for k or
    more respondents) instead of the choices.
    """
    areas = questionnaire.partnership.areas
    # Every version that asked it (the page lists the current version's questions), so
    # the rows and the counts cover the same respondents.
    info = find(questionnaire, info.code) or info
    filters, (info,), note = _newest_series(ResultFilter(), info)
    head = {
        "code": info.code,
        "text": info.text(lang),
        "type": info.type,
        "k": k,
        "series_note": note,
    }
    cells, row_totals, respondents, _total, bases = _pair_counts(
        questionnaire, info.code, "area", filters
    )
    if info.type in types.CHOICE_TYPES:
        table = _suppressed_table(
            _question_side(info, areas, lang),
            _ward_side(areas),
            cells,
            row_totals,
            respondents,
            sum(respondents.values()),
            k,
            bases,
        )
        return head | table
    totals: dict[str, tuple[int, int]] = {}
    for (value, ward), n in cells.items():
        count, so_far = totals.get(ward, (0, 0))
        totals[ward] = (count + n, so_far + int(value) * n)
    wards = []
    for area in areas:
        n = respondents.get(area.code, 0)
        count, value_sum = totals.get(area.code, (0, 0))
        small = suppression.is_small(n, k)
        wards.append(
            {
                "key": area.code,
                "label": area.name,
                "respondents": suppression.marker(k) if small else n,
                "mean": None if small or not count else round(value_sum / count, 1),
            }
        )
    return head | {"wards": wards}


def trend(
    questionnaire: Questionnaire, code: str, filters: ResultFilter, k: int, period: str = "month"
) -> dict[str, Any] | None:
    """Mean rating, or percentage agreeing, per week or month; None for other questions.

    A period with fewer than k respondents shows no value. For agreement, the
    agreeing and other respondents are a suppressed pair, so neither can be derived.
    """
    info = next((i for i in catalogue(questionnaire, filters) if i.code == code), None)
    if info is None or info.type not in TREND_TYPES or period not in TREND_PERIODS:
        return None
    filters, (info,), note = _newest_series(filters, info)
    view, selection = reading.selected(questionnaire, filters)
    if code not in view.schema.codes:
        return None
    options = view.schema.codes[code].options
    agree = [i for i, option in enumerate(options) if option in AGREE_CODES]
    found = view.by_period(code, selection, period, agree)
    # Per period: respondents, and the sum of ratings or the number agreeing.
    periods = {
        engine.from_day_number(start): [n, total if info.type == types.RATING else hits, n]
        for start, (n, total, hits) in found.items()
    }
    points = []
    for start in sorted(periods):
        n, measure, rated = periods[start]
        if info.type == types.RATING:
            small = suppression.is_small(n, k)
            shown: Any = suppression.marker(k) if small else n
            shown_value: Any = None if small or not rated else round(measure / rated, 1)
        else:
            cells, shown = suppression.suppress_distribution(
                {"agree": measure, "other": n - measure}, n, k
            )
            shown_value = suppression.share(cells["agree"], shown)
        points.append({"period": start.isoformat(), "respondents": shown, "value": shown_value})
    return {
        "code": code,
        "text": info.text(),
        "type": info.type,
        "measure": "mean" if info.type == types.RATING else "percent_agree",
        "period": period,
        "points": points,
        "k": k,
        "series_note": note,
        "wordings": info.wordings(),
    }
