"""Two-way results: a cross-tab, results per ward, and trends over time; already suppressed.

As in ``aggregates``, the database counts (distinct responses, GROUP BY) and
every public function passes the counts through ``suppression`` before returning.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import Option, Question, Questionnaire
from engage.results import suppression
from engage.results.catalogue import (
    AGREE_CODES,
    BREAKDOWN_TYPES,
    TREND_TYPES,
    QuestionInfo,
    catalogue,
    period_start,
)
from engage.results.filters import ResultFilter, response_conditions
from engage.survey.models import Answer, Response

ROW_TYPES = (*types.CHOICE_TYPES, types.RATING)
TREND_PERIODS = ("week", "month")


@dataclass
class _Dimension:
    """One side of a table: its keys and labels, a value column, and the joins it needs."""

    keys: list[str]
    labels: dict[str, str]
    multiple: bool
    value: Any
    join: Callable[[sa.Select], sa.Select]


def _question_dimension(info: QuestionInfo, areas: list[Area], lang: str | None) -> _Dimension:
    answer, question = so.aliased(Answer), so.aliased(Question)

    def base(stmt: sa.Select) -> sa.Select:
        return stmt.join(answer, answer.response_id == Response.id).join(
            question, sa.and_(answer.question_id == question.id, question.code == info.code)
        )

    if info.type == types.AREA:
        area = so.aliased(Area)
        return _Dimension(
            [a.code for a in areas],
            {a.code: a.name for a in areas},
            False,
            area.code,
            lambda stmt: base(stmt).join(area, answer.area_id == area.id),
        )
    if info.type == types.RATING:
        keys = [str(v) for v in range(types.RATING_MIN, types.RATING_MAX + 1)]
        return _Dimension(
            keys,
            {k: k for k in keys},
            False,
            answer.number_value,
            lambda stmt: base(stmt).where(answer.number_value.is_not(None)),
        )
    option = so.aliased(Option)
    return _Dimension(
        list(info.options),
        {code: info.label(code, lang) for code in info.options},
        info.multiple,
        option.code,
        lambda stmt: base(stmt).join(option, answer.option_id == option.id),
    )


def _ward_dimension(areas: list[Area]) -> _Dimension:
    return _Dimension(
        [a.code for a in areas],
        {a.code: a.name for a in areas},
        False,
        Area.code,
        lambda stmt: stmt.join(Area, Response.area_id == Area.id),
    )


def _table(
    questionnaire: Questionnaire, rows: _Dimension, cols: _Dimension, filters: ResultFilter, k: int
) -> dict[str, Any]:
    """Count distinct responses per (row, column) and the margins, then suppress."""
    count = sa.func.count(sa.distinct(Response.id))

    def query(*columns):
        stmt = cols.join(rows.join(sa.select(*columns, count).select_from(Response)))
        stmt = stmt.where(*response_conditions(filters, questionnaire.id))
        return db.session.execute(stmt.group_by(*columns) if columns else stmt).all()

    cells = {(str(r), str(c)): n for r, c, n in query(rows.value, cols.value)}
    row_totals = {str(r): n for r, n in query(rows.value)}
    col_totals = {str(c): n for c, n in query(cols.value)}
    total = query()[0][0]
    shown = suppression.suppress_table(
        [[cells.get((r, c), 0) for c in cols.keys] for r in rows.keys],
        [row_totals.get(r, 0) for r in rows.keys],
        [col_totals.get(c, 0) for c in cols.keys],
        total,
        k,
        rows_add_up=not cols.multiple,
        cols_add_up=not rows.multiple,
    )
    return {
        "rows": [{"key": r, "label": rows.labels[r]} for r in rows.keys],
        "columns": [{"key": c, "label": cols.labels[c]} for c in cols.keys],
        "cells": [
            [
                {"count": cell, "percent": suppression.share(cell, shown["col_totals"][j])}
                for j, cell in enumerate(row)
            ]
            for row in shown["cells"]
        ],
        "row_totals": shown["row_totals"],
        "col_totals": shown["col_totals"],
        "total": shown["total"],
        "k": k,
    }


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
    areas = questionnaire.partnership.areas
    table = _table(
        questionnaire,
        _question_dimension(row, areas, None),
        _question_dimension(col, areas, None),
        filters,
        k,
    )
    return {
        "row": {"code": row.code, "text": row.text()},
        "column": {"code": col.code, "text": col.text()},
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
    head = {"code": info.code, "text": info.text(lang), "type": info.type, "k": k}
    if info.type in types.CHOICE_TYPES:
        rows = _question_dimension(info, areas, lang)
        return head | _table(questionnaire, rows, _ward_dimension(areas), ResultFilter(), k)
    stmt = (
        sa.select(
            Area.code, sa.func.count(sa.distinct(Response.id)), sa.func.avg(Answer.number_value)
        )
        .select_from(Answer)
        .join(Question, sa.and_(Answer.question_id == Question.id, Question.code == info.code))
        .join(Response, Answer.response_id == Response.id)
        .join(Area, Response.area_id == Area.id)
        .where(
            Answer.number_value.is_not(None), *response_conditions(ResultFilter(), questionnaire.id)
        )
        .group_by(Area.code)
    )
    found = {code: (n, mean) for code, n, mean in db.session.execute(stmt)}
    wards = []
    for area in areas:
        n, mean = found.get(area.code, (0, None))
        small = suppression.is_small(n, k)
        wards.append(
            {
                "key": area.code,
                "label": area.name,
                "respondents": suppression.marker(k) if small else n,
                "mean": None if small or mean is None else round(float(mean), 1),
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
    when = period_start(Response.submitted_at, period)
    stmt = (
        sa.select(when, sa.func.count(sa.distinct(Response.id)))
        .select_from(Answer)
        .join(Question, sa.and_(Answer.question_id == Question.id, Question.code == code))
        .join(Response, Answer.response_id == Response.id)
        .where(*response_conditions(filters, questionnaire.id))
        .group_by(when)
        .order_by(when)
    )
    if info.type == types.RATING:
        stmt = stmt.add_columns(sa.func.avg(Answer.number_value)).where(
            Answer.number_value.is_not(None)
        )
    else:
        agreeing = sa.case((Option.code.in_(AGREE_CODES), 1), else_=0)
        stmt = stmt.add_columns(sa.func.sum(agreeing)).join(Option, Answer.option_id == Option.id)
    points = []
    for start, n, measure in db.session.execute(stmt):
        if info.type == types.RATING:
            small = suppression.is_small(n, k)
            shown: Any = suppression.marker(k) if small else n
            value = None if small else round(float(measure), 1)
        else:
            agree = int(measure or 0)
            cells, shown = suppression.suppress_distribution(
                {"agree": agree, "other": n - agree}, n, k
            )
            value = suppression.share(cells["agree"], shown)
        points.append({"period": str(start)[:10], "respondents": shown, "value": value})
    return {
        "code": code,
        "text": info.text(),
        "type": info.type,
        "measure": "mean" if info.type == types.RATING else "percent_agree",
        "period": period,
        "points": points,
        "k": k,
    }
