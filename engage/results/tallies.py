"""Keeping the running counts in ``results.models``: a stored response's increments,
increments in bulk, the filters as conditions on the tallies, and a full rebuild.

Increments are "upserts" (INSERT ... ON CONFLICT DO UPDATE) on the tallies' primary
keys, sent in key order so that two transactions adding to the same rows on
PostgreSQL take their row locks in the same order and never deadlock.
"""

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from engage.extensions import db
from engage.partnership.models import Area
from engage.questionnaire.models import QuestionnaireVersion
from engage.results.filters import ResultFilter
from engage.results.models import (
    DAY,
    MONTH,
    NONE,
    RESPONDENTS,
    VALUE,
    AnswerTally,
    PairTally,
    ResponseTally,
)
from engage.survey.models import Answer, Response

Cell = tuple[int, int, str]  # ward, event, channel


def _count_column(table: sa.Table) -> sa.Column:
    (column,) = [c for c in table.columns if not c.primary_key]
    return column


_UPSERTS: dict[tuple[str, str], sa.Insert] = {}


def _cached_upsert(table: sa.Table, dialect: str) -> sa.Insert:
    """``upsert``, built once per table and dialect (a submission sends three)."""
    key = (table.name, dialect)
    if key not in _UPSERTS:
        _UPSERTS[key] = upsert(table, dialect)
    return _UPSERTS[key]


def upsert(table: sa.Table, dialect: str) -> sa.Insert:
    """INSERT one row of ``table`` that adds its count to an existing row with its key."""
    count = _count_column(table)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={count.name: count + stmt.excluded[count.name]},
    )


_ARRAYS: dict[str, sa.TextClause] = {}


def _array_upsert(table: sa.Table) -> sa.TextClause:
    """PostgreSQL: every row in one statement, a typed array per column (``unnest``):
    one statement to plan and run instead of one per row."""
    if table.name not in _ARRAYS:
        count = _count_column(table)
        keys = [c.name for c in table.primary_key.columns]
        names = [*keys, count.name]
        arrays = ", ".join(
            f"CAST(:{c.name} AS {c.type.compile(dialect=postgresql.dialect())}[])"
            for c in table.columns
            if c.name in names
        )
        _ARRAYS[table.name] = sa.text(
            f"INSERT INTO {table.name} ({', '.join(c.name for c in table.columns)}) "  # noqa: S608  # nosec B608  # our names
            f"SELECT * FROM unnest({arrays}) ON CONFLICT ({', '.join(keys)}) DO UPDATE "
            f"SET {count.name} = {table.name}.{count.name} + excluded.{count.name}"
        )
    return _ARRAYS[table.name]


def add(model: Any, counts: Mapping[tuple, int]) -> None:
    """Add ``counts`` ({primary key tuple: n}) to ``model``'s tally, in this transaction."""
    if not counts:
        return
    table = model.__table__
    names = [c.name for c in table.primary_key.columns] + [_count_column(table).name]
    ordered = sorted(counts.items())
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        columns = list(zip(*((*key, n) for key, n in ordered), strict=True))
        db.session.execute(_array_upsert(table), dict(zip(names, map(list, columns), strict=True)))
        return
    rows = [dict(zip(names, (*key, n), strict=True)) for key, n in ordered]
    db.session.execute(_cached_upsert(table, dialect), rows)


def answer_value(answer: Mapping[str, Any]) -> int | None:
    """What an answer row counts as: its option, its area, or its number (None for text)."""
    for name in ("option_id", "area_id", "number_value"):
        if answer[name] is not None:
            return answer[name]
    return None


def month_of(day: date) -> date:
    return day.replace(day=1)


def record(response: Response, answers: list[dict[str, Any]], codes: Mapping[int, str]) -> None:
    """Add a newly stored (flushed) response and its answer rows to every tally; ``codes``
    are its version's question codes by id."""
    day = response.submitted_at.astimezone(UTC).date()
    cell: Cell = (response.area_id or NONE, response.event_id or NONE, response.channel)
    add(ResponseTally, {(response.version_id, day, *cell, response.language): 1})
    values: dict[int, list[int]] = {}
    for answer in answers:
        if answer["text_value"] is None:
            value = answer_value(answer)
            values.setdefault(answer["question_id"], [])
            if value is not None:
                values[answer["question_id"]].append(value)
    counts: Counter[tuple] = Counter()
    for span, start in ((DAY, day), (MONTH, month_of(day))):
        for question_id, found in values.items():
            counts[(question_id, span, start, *cell, RESPONDENTS, 0)] += 1
            for value in found:
                counts[(question_id, span, start, *cell, VALUE, value)] += 1
    add(AnswerTally, counts)
    from engage.results import pairs  # pairs builds on this module

    pairs.record(response, values, codes, day, cell)


# --- Reading: the filters as conditions ----------------------------------------------


def _no_limit(until: date | None) -> bool:
    return until is None or until >= date.max  # until 9999-12-31 is no limit at all


Range = tuple[str, date | None, date | None]


def span_ranges(since: date | None, until: date | None) -> list[Range]:
    """(span, first start, last start) ranges that together cover [since, until] exactly:
    the whole months from the month rows, the days at either edge from the day rows."""
    until = None if _no_limit(until) else until
    first = since if since is None or since.day == 1 else _next_month(since)
    last_excluded = None if until is None else month_of(until + timedelta(days=1))
    if first is not None and last_excluded is not None and first >= last_excluded:
        return [(DAY, since, until)]
    ranges: list[Range] = [
        (MONTH, first, None if last_excluded is None else last_excluded - timedelta(days=1))
    ]
    if since is not None and first is not None and since < first:
        ranges.append((DAY, since, first - timedelta(days=1)))
    if until is not None and last_excluded is not None and last_excluded <= until:
        ranges.append((DAY, last_excluded, until))
    return ranges


def _next_month(day: date) -> date:
    return month_of(month_of(day) + timedelta(days=32))


def _between(column: Any, low: date | None, high: date | None) -> list[sa.ColumnElement]:
    return ([column >= low] if low else []) + ([column <= high] if high else [])


def _who(table: Any, filters: ResultFilter) -> list[sa.ColumnElement]:
    conditions: list[sa.ColumnElement] = []
    if filters.wards:
        conditions.append(table.area_id.in_(sa.select(Area.id).where(Area.code.in_(filters.wards))))
    if filters.events:
        conditions.append(table.event_id.in_(filters.events))
    if filters.channels:
        conditions.append(table.channel.in_(filters.channels))
    return conditions


def cell_conditions(table: Any, filters: ResultFilter) -> list[sa.ColumnElement]:
    """The ward, event, channel and date filters as conditions on a tally's columns:
    month rows for whole months, day rows for the rest."""
    until = None if _no_limit(filters.until) else filters.until
    if table is ResponseTally:
        return _who(table, filters) + _between(table.day, filters.since, until)
    ranges = span_ranges(filters.since, filters.until)
    spans = [
        sa.and_(table.span == span, *_between(table.start, low, high)) for span, low, high in ranges
    ]
    return [*_who(table, filters), spans[0] if len(spans) == 1 else sa.or_(*spans)]


def day_conditions(table: Any, filters: ResultFilter) -> list[sa.ColumnElement]:
    """The same filters on the day rows only (for counts by day or week)."""
    until = None if _no_limit(filters.until) else filters.until
    return [*_who(table, filters), table.span == DAY, *_between(table.start, filters.since, until)]


def version_ids(filters: ResultFilter, questionnaire_id: int) -> sa.Select:
    """The ids of this questionnaire's versions that pass the version filter."""
    return sa.select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == questionnaire_id,
        *([QuestionnaireVersion.number.in_(filters.versions)] if filters.versions else []),
    )


# --- Rebuilding from the stored answers ----------------------------------------------


def day_of(column: Any, dialect: str) -> sa.ColumnElement:
    """The UTC date of a timestamp column, as a date."""
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone(sa.literal_column("'UTC'"), column), sa.Date)
    return sa.func.date(column)


def month_start(column: Any, dialect: str) -> sa.ColumnElement:
    """The first day of the month of a date column, as a date."""
    if dialect == "postgresql":
        return sa.cast(sa.func.date_trunc(sa.literal_column("'month'"), column), sa.Date)
    return sa.func.strftime(sa.literal_column("'%Y-%m-01'"), column)


def answer_value_sql(answer: Any = Answer) -> sa.ColumnElement:
    return sa.func.coalesce(answer.option_id, answer.area_id, answer.number_value)


def roll_up_months(
    model: Any, where: list[sa.ColumnElement], dialect: str, run: Any = None
) -> None:
    """Add month rows to ``model`` summed from its day rows that match ``where``."""
    table = model.__table__
    keys = [c for c in table.primary_key.columns]
    count = _count_column(table)
    columns = [
        sa.literal(MONTH).label("span")
        if c.name == "span"
        else month_start(c, dialect).label("start")
        if c.name == "start"
        else c
        for c in keys
    ]
    grouped = [c for c in columns if c.name != "span"]
    select = (
        sa.select(*columns, sa.func.sum(count))
        .where(table.c.span == DAY, *where)
        .group_by(*grouped)
    )
    (run or db.session.execute)(upsert(table, dialect).from_select([*keys, count], select))


def rebuild() -> None:
    """Count every stored response afresh into the tallies (after a restore from an old
    backup, say, or to check them); registered cross-tab pairs are rebuilt too."""
    from engage.results import pairs

    dialect = db.session.get_bind().dialect.name
    for model in (PairTally, AnswerTally, ResponseTally):
        db.session.execute(sa.delete(model))
    day = day_of(Response.submitted_at, dialect)
    cell = (
        sa.func.coalesce(Response.area_id, NONE),
        sa.func.coalesce(Response.event_id, NONE),
        Response.channel,
    )
    db.session.execute(
        sa.insert(ResponseTally).from_select(
            ["version_id", "day", "area_id", "event_id", "channel", "language", "responses"],
            sa.select(Response.version_id, day, *cell, Response.language, sa.func.count()).group_by(
                Response.version_id, day, *cell, Response.language
            ),
        )
    )
    value = answer_value_sql()
    names = [c.name for c in AnswerTally.__table__.columns]
    for kind, value_column, count in (
        (RESPONDENTS, sa.literal(0), sa.func.count(sa.distinct(Answer.response_id))),
        (VALUE, value, sa.func.count()),
    ):
        select = (
            sa.select(
                Answer.question_id,
                sa.literal(DAY),
                day,
                *cell,
                sa.literal(kind),
                value_column,
                count,
            )
            .join(Response, Answer.response_id == Response.id)
            .where(Answer.text_value.is_(None))
            .group_by(Answer.question_id, day, *cell)
        )
        if kind == VALUE:
            select = select.where(value.is_not(None)).group_by(value)
        db.session.execute(sa.insert(AnswerTally).from_select(names, select))
    roll_up_months(AnswerTally, [], dialect)
    pairs.rebuild_all()
