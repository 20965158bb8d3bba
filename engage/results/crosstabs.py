"""Two-way results: a cross-tab, results per ward, and trends over time; already suppressed.

As in ``aggregates``, the counting reads the results columns (any pair of questions,
under any filter, on its first view), and every public function passes the counts
through ``suppression`` before returning. Given a ``weighting``, each counts only the
respondents with a weight and shows weighted shares and means (``weighted_pairs``).
"""

from dataclasses import dataclass, replace
from typing import Any

from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import Questionnaire
from engage.results import engine, perturbation, reading, suppression, weighted_pairs
from engage.results.aggregates import rule
from engage.results.catalogue import (
    AGREE_CODES,
    BREAKDOWN_TYPES,
    TREND_TYPES,
    QuestionInfo,
    catalogue,
    find,
)
from engage.results.estimated import Weighting
from engage.results.filters import ResultFilter
from engage.results.perturbation import NONE, Count

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
    cells: dict[tuple[str, str], Count],
    row_totals: dict[str, Count],
    col_totals: dict[str, Count],
    total: Count,
    k: int,
    bases: dict[tuple[str, str], Count] | None = None,
) -> dict[str, Any]:
    """Perturb the counts of a table and lay it out; percentages are of column totals,
    or for a row option only some versions offered, of the column's respondents whose
    version offered it (``bases``; each cell then carries its ``base``)."""
    bases = bases or {}
    shown_rule = rule(k)
    shown = suppression.suppress_table(
        [[cells.get((r, c), NONE) for c in cols.keys] for r in rows.keys],
        [row_totals.get(r, NONE) for r in rows.keys],
        [col_totals.get(c, NONE) for c in cols.keys],
        total,
        shown_rule,
    )

    def cell(r: str, j: int, count: suppression.Cell) -> dict[str, Any]:
        base: suppression.Cell = shown["col_totals"][j]
        c = cols.keys[j]
        if (r, c) not in bases:
            return {"count": count, "percent": suppression.share(count, base)}
        base = shown_rule.show(bases[(r, c)])
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


def _add(counts: dict, key: Any, n: Count) -> None:
    if key is not None and None not in (key if isinstance(key, tuple) else (key,)):
        counts[key] = counts.get(key, NONE) + n


def _pair_counts(
    questionnaire: Questionnaire,
    row: str,
    col: str,
    filters: ResultFilter,
    weighting: Weighting | None = None,
):
    """Cells, row and column totals and the total of respondents to both (``col`` may be
    "area", the response's ward), the bases of row options only some versions offered,
    and, weighted, the sums the weighted figures are made of (None unweighted); weighted,
    every count is of the respondents with a weight only."""
    view, selection = reading.selected(questionnaire, filters)
    if row not in view.schema.codes or (col != "area" and col not in view.schema.codes):
        return {}, {}, {}, NONE, {}, None
    if weighting is not None:
        selection = weighting.only_weighted(view, selection)
    key = reading.Keys(view, questionnaire.partnership.areas)
    table = view.table(row, col, selection)
    cells: dict[tuple[str, str], Count] = {}
    row_totals: dict[str, Count] = {}
    col_totals: dict[str, Count] = {}
    for (r, c), n in table.cells.items():
        _add(cells, (key(row, r), key(col, c)), n)
    for r, n in table.rows.items():
        _add(row_totals, key(row, r), n)
    for c, n in table.columns.items():
        _add(col_totals, key(col, c), n)
    bases: dict[tuple[str, str], Count] = {}
    for (r, c), n in table.bases.items():
        _add(bases, (key(row, r), key(col, c)), n)
    sums = None
    if weighting is not None:
        sums = weighted_pairs.PairSums.of(
            view.weighted_table(row, col, selection, weighting.weights),
            lambda r: key(row, r),
            lambda c: key(col, c),
        )
    return cells, row_totals, col_totals, table.total, bases, sums


def crosstab(
    questionnaire: Questionnaire,
    row_code: str,
    col_code: str,
    filters: ResultFilter,
    k: int,
    weighting: Weighting | None = None,
) -> dict[str, Any] | None:
    """A closed question (rows) by an area or "about you" question (columns).

    Cells count respondents who answered both; percentages are of the column total
    (weighted: the weighted shares of the column, with their intervals, and each
    column's effective base). None when either code cannot be used that way.
    """
    infos = {i.code: i for i in catalogue(questionnaire, filters)}
    row, col = infos.get(row_code), infos.get(col_code)
    if row is None or col is None or row_code == col_code:
        return None
    if row.type not in ROW_TYPES or col.type not in BREAKDOWN_TYPES:
        return None
    filters, (row, col), note = _newest_series(filters, row, col)
    areas = questionnaire.partnership.areas
    cells, row_totals, col_totals, total, bases, sums = _pair_counts(
        questionnaire, row.code, col.code, filters, weighting
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
    if weighting is not None and sums is not None:
        weighted_pairs.weigh_table(table, sums, weighting)
    else:
        weighted_pairs.plain_intervals(table)
    return {
        "row": {"code": row.code, "text": row.text(), "wordings": row.wordings()},
        "column": {"code": col.code, "text": col.text(), "wordings": col.wordings()},
        "series_note": note,
        **table,
    }


def ward_results(
    questionnaire: Questionnaire,
    info: QuestionInfo,
    k: int,
    lang: str | None = None,
    filters: ResultFilter | None = None,
    weighting: Weighting | None = None,
) -> dict[str, Any]:
    """Results of one question per ward (the public page, the maps): choices by ward.

    A respondent's ward is the response's, as the dashboard's ward filter has it. For a
    rating or number question, the average per ward (shown only for k or more
    respondents) instead of the choices. ``filters`` are the dashboard's (staff pages).
    Weighted: the weighted shares (as ``crosstab``) or the weighted averages.
    """
    areas = questionnaire.partnership.areas
    # Every version that asked it (the page lists the current version's questions), so
    # the rows and the counts cover the same respondents.
    info = find(questionnaire, info.code) or info
    filters, (info,), note = _newest_series(filters or ResultFilter(), info)
    head = {
        "code": info.code,
        "text": info.text(lang),
        "type": info.type,
        "k": k,
        "series_note": note,
    }
    cells, row_totals, respondents, _total, bases, sums = _pair_counts(
        questionnaire, info.code, "area", filters, weighting
    )
    if info.type in types.CHOICE_TYPES:
        table = _suppressed_table(
            _question_side(info, areas, lang),
            _ward_side(areas),
            cells,
            row_totals,
            respondents,
            perturbation.total(respondents.values()),
            k,
            bases,
        )
        if weighting is not None and sums is not None:
            weighted_pairs.weigh_table(table, sums, weighting)
        else:
            weighted_pairs.plain_intervals(table)
        return head | table
    shown_rule = rule(k)
    per_ward: dict[str, dict[int, suppression.Cell]] = {}
    for (value, ward), n in cells.items():
        per_ward.setdefault(ward, {})[int(value)] = shown_rule.show(n)
    weighted_means = weighted_pairs.ward_means(sums) if weighting and sums else None
    wards = []
    for area in areas:
        shown = shown_rule.show(respondents.get(area.code, NONE))
        found = suppression.mean(per_ward.get(area.code, {}))
        if weighted_means is not None and found is not None:  # shown where unweighted is
            found = weighted_means.get(area.code)
        mean = None if isinstance(shown, str) or found is None else round(found, 1)
        wards.append({"key": area.code, "label": area.name, "respondents": shown, "mean": mean})
    result = head | {"wards": wards}
    if weighting is not None and sums is not None:
        keys = [a.code for a in areas]
        shown_totals = [w["respondents"] for w in wards]
        result["weighting"] = {
            "scheme": weighting.scheme,
            "min_effective_base": weighting.min_effective_base,
            "columns": weighted_pairs.column_bases(keys, shown_totals, sums, weighting),
        }
    return result


def trend(
    questionnaire: Questionnaire,
    code: str,
    filters: ResultFilter,
    k: int,
    period: str = "month",
    weighting: Weighting | None = None,
) -> dict[str, Any] | None:
    """Mean rating, or percentage agreeing, per week or month; None for other questions.

    Every figure comes from perturbed counts: the mean from each rating's shown count
    (none when one is hidden), the percentage from the agreeing and all respondents.
    Weighted, each period counts its respondents with a weight, and its figure (where
    shown) is their weighted mean or weighted percentage, with its interval: the
    scheme's weights, not weights worked out again for the period.
    """
    info = next((i for i in catalogue(questionnaire, filters) if i.code == code), None)
    if info is None or info.type not in TREND_TYPES or period not in TREND_PERIODS:
        return None
    filters, (info,), note = _newest_series(filters, info)
    view, selection = reading.selected(questionnaire, filters)
    if code not in view.schema.codes:
        return None
    period_sums = {}
    if weighting is not None:
        selection = weighting.only_weighted(view, selection)
        period_sums = view.weighted_by_period(code, selection, period, weighting.weights)
    options = view.schema.codes[code].options
    agree = {i for i, option in enumerate(options) if option in AGREE_CODES}
    shown_rule = rule(k)
    points = []
    for start, counts in sorted(view.by_period(code, selection, period).items()):
        respondents = perturbation.total(counts.values())
        if info.type == types.RATING:
            shown: Any = shown_rule.show(respondents)
            found = suppression.mean({v: shown_rule.show(n) for v, n in counts.items()})
            value = None if isinstance(shown, str) or found is None else round(found, 1)
        else:
            agreeing = perturbation.total(n for i, n in counts.items() if i in agree)
            cells, shown = suppression.suppress_distribution(
                {"agree": agreeing}, respondents, shown_rule
            )
            value = suppression.share(cells["agree"], shown)
        day = engine.from_day_number(start)
        point = {"period": day.isoformat(), "respondents": shown, "value": value}
        if weighting is not None:
            weighted_pairs.weigh_point(
                point,
                period_sums.get(start),
                None if info.type == types.RATING else agree,
                weighting,
            )
        elif info.type != types.RATING:
            weighted_pairs.plain_point_interval(point)
        points.append(point)
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
        "weighting": None
        if weighting is None
        else {"scheme": weighting.scheme, "min_effective_base": weighting.min_effective_base},
    }
