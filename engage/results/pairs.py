"""Cross-tab pairs: the joint counts of two questions, counted once when an analyst
first asks for that cross-tab and kept up to date as responses arrive from then on.

Counting the respondents to two questions means matching a million answers to one
question with a million to the other, which takes seconds; every later view of the
same pair sums its tally instead. Registering a pair and counting what is already
stored happen in one transaction that no response can be stored in the middle of,
so the pair neither misses nor double-counts one.
"""

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from engage.extensions import db
from engage.questionnaire import types
from engage.questionnaire.models import Question, QuestionnaireVersion
from engage.results import aggregates, tallies
from engage.results.filters import ResultFilter
from engage.results.models import (
    BOTH,
    CELL,
    COLUMN_MARGIN,
    DAY,
    MONTH,
    NONE,
    ROW_MARGIN,
    CrosstabPair,
    PairTally,
)
from engage.survey.models import Answer, Response
from engage.timeutil import utcnow


def record(
    response: Response,
    values: dict[int, list[int]],
    codes: Mapping[int, str],
    day: date,
    cell: tuple,
) -> None:
    """Add a newly stored response to the tallies of its questionnaire's pairs."""
    registered = db.session.execute(
        sa.select(CrosstabPair.id, CrosstabPair.row_code, CrosstabPair.column_code)
        .join(
            QuestionnaireVersion,
            QuestionnaireVersion.questionnaire_id == CrosstabPair.questionnaire_id,
        )
        .where(QuestionnaireVersion.id == response.version_id)
    ).all()
    if not registered:
        return
    by_code = {code: values.get(question_id) for question_id, code in codes.items()}
    counts: Counter[tuple] = Counter()
    for pair_id, row_code, column_code in registered:
        rows, columns = by_code.get(row_code), by_code.get(column_code)
        if not rows or not columns:
            continue
        for span, start in ((DAY, day), (MONTH, day.replace(day=1))):
            key = (pair_id, response.version_id, span, start, *cell)
            counts[(*key, BOTH, 0, 0)] += 1
            for r in rows:
                counts[(*key, ROW_MARGIN, r, 0)] += 1
            for c in columns:
                counts[(*key, COLUMN_MARGIN, 0, c)] += 1
            for r in rows:
                for c in columns:
                    counts[(*key, CELL, r, c)] += 1
    tallies.add(PairTally, counts)


def _ids(questionnaire_id: int, code: str) -> list[int]:
    """The ids of every version's copy of a question. As a list of numbers, not a
    sub-select, so that SQLite matches answers through the (question, response) index."""
    return list(aggregates.question_ids(questionnaire_id, ResultFilter(), [code]))


def _day_counts(
    pair: CrosstabPair,
    after_id: int | None = None,
    up_to_id: int | None = None,
    kinds: tuple[int, ...] = (BOTH, ROW_MARGIN, COLUMN_MARGIN, CELL),
):
    """SELECTs of the pair's day rows counted from the stored answers (one per kind), for
    the responses with ids in (after_id, up_to_id]."""
    dialect = db.session.get_bind().dialect.name
    row, column = so.aliased(Answer), so.aliased(Answer)
    row_value, column_value = tallies.answer_value_sql(row), tallies.answer_value_sql(column)
    day = tallies.day_of(Response.submitted_at, dialect)
    key = (
        sa.literal(pair.id),
        Response.version_id,
        sa.literal(DAY),
        day,
        sa.func.coalesce(Response.area_id, NONE),
        sa.func.coalesce(Response.event_id, NONE),
        Response.channel,
    )
    grouped = key[1:2] + key[3:]
    # A few new responses (after_id): read them straight from the index. All but the
    # newest (up_to_id): "+ 0", as with a plain comparison SQLite range-scans the column
    # question's answers for each row instead of looking each one up.
    ids = [
        *([row.response_id > after_id] if after_id is not None else []),
        *([row.response_id + 0 <= up_to_id] if up_to_id is not None else []),
    ]
    base = (
        sa.select()
        .select_from(row)
        .join(
            column,
            sa.and_(
                column.question_id.in_(_ids(pair.questionnaire_id, pair.column_code)),
                column.response_id == row.response_id,
            ),
        )
        .join(Response, row.response_id == Response.id)
        .where(
            row.question_id.in_(_ids(pair.questionnaire_id, pair.row_code)),
            row_value.is_not(None),
            column_value.is_not(None),
            *ids,
        )
    )
    respondents = sa.func.count(sa.distinct(Response.id))
    zero = sa.literal(0)
    for kind, values, count in (
        (BOTH, (zero, zero), respondents),
        (ROW_MARGIN, (row_value, zero), respondents),
        (COLUMN_MARGIN, (zero, column_value), respondents),
        (CELL, (row_value, column_value), sa.func.count()),
    ):
        if kind not in kinds:
            continue
        by = [v for v in values if v is not zero]
        yield base.add_columns(*key, sa.literal(kind), *values, count).group_by(*grouped, *by)


def _count(pair: CrosstabPair, after_id: int | None = None, run: Any = None) -> None:
    """Add the pair's day rows for the stored responses (after ``after_id``)."""
    run = run or db.session.execute
    dialect = db.engine.dialect.name
    names = [c.name for c in TABLE.columns]
    for select in _day_counts(pair, after_id):
        run(tallies.upsert(TABLE, dialect).from_select(names, select))


def _months(pair: CrosstabPair, run: Any = None) -> None:
    tallies.roll_up_months(PairTally, [PairTally.pair_id == pair.id], db.engine.dialect.name, run)


def pair_for(questionnaire_id: int, row_code: str, column_code: str) -> CrosstabPair:
    """The registered pair of these codes, counted and committed now if it is new.

    The counting runs on a connection of its own. On SQLite, the stored responses are
    counted first into a scratch table, without holding the database's write lock (ids
    rise in the order responses are committed there); then the pair is registered,
    copied from the scratch table and the responses stored meanwhile are added, under
    the lock, briefly. On PostgreSQL, stores wait on a table lock meanwhile.
    """
    found = _registered(questionnaire_id, row_code, column_code)
    if found is not None:
        return found
    draft = CrosstabPair(
        id=0, questionnaire_id=questionnaire_id, row_code=row_code, column_code=column_code
    )
    sqlite = db.engine.dialect.name == "sqlite"
    with db.engine.connect() as connection:
        up_to = None
        if sqlite:
            up_to = connection.scalar(sa.select(sa.func.max(Response.id))) or 0
            _count_into_scratch(connection, draft, up_to)
            connection.commit()  # ends the read: the write below sees what is new
        else:
            connection.execute(sa.text("LOCK TABLE response IN SHARE ROW EXCLUSIVE MODE"))
        try:
            pair_id = connection.execute(
                sa.insert(CrosstabPair)
                .values(
                    questionnaire_id=questionnaire_id,
                    row_code=row_code,
                    column_code=column_code,
                    created_at=utcnow(),
                )
                .returning(CrosstabPair.id)
            ).scalar_one()
        except IntegrityError:  # registered by another analyst a moment ago
            connection.rollback()
        else:
            pair = CrosstabPair(id=pair_id, questionnaire_id=questionnaire_id)
            pair.row_code, pair.column_code = row_code, column_code
            if sqlite:
                columns = [c.name for c in TABLE.columns]
                copied = sa.select(
                    sa.literal(pair_id), *[SCRATCH.c[n] for n in columns if n != "pair_id"]
                )
                connection.execute(sa.insert(TABLE).from_select(columns, copied))
            _count(pair, after_id=up_to, run=connection.execute)
            _months(pair, run=connection.execute)
            connection.commit()
        finally:
            if sqlite:
                SCRATCH.drop(connection, checkfirst=True)
                connection.commit()
    found = _registered(questionnaire_id, row_code, column_code)
    assert found is not None  # noqa: S101  # nosec B101  # registered just now, here or elsewhere
    return found


TABLE = cast(sa.Table, PairTally.__table__)
# A temporary table (of this connection only, so writing it takes no database lock).
SCRATCH = sa.Table(
    "pair_scratch",
    sa.MetaData(),
    *[sa.Column(c.name, c.type) for c in TABLE.columns],
    prefixes=["TEMPORARY"],
)


def _multiple(questionnaire_id: int, code: str) -> bool:
    found = db.session.scalar(
        sa.select(Question.type).where(Question.id.in_(_ids(questionnaire_id, code))).limit(1)
    )
    return found == types.MULTIPLE


def _count_into_scratch(connection: sa.Connection, draft: CrosstabPair, up_to: int) -> None:
    """The pair's day rows for the responses up to id ``up_to``, into the scratch table.

    The cells are always counted from the answers; the margins too where a side allows
    several answers, but otherwise they are sums of the cells (a respondent with one
    answer on a side is in one cell per answer on the other), as are the respondents to
    both: the sum of the margin of a side with one answer each.
    """
    several_rows = _multiple(draft.questionnaire_id, draft.row_code)
    several_columns = _multiple(draft.questionnaire_id, draft.column_code)
    kinds = (CELL,) + ((ROW_MARGIN,) if several_columns else ())
    kinds += (COLUMN_MARGIN,) if several_rows else ()
    kinds += (BOTH,) if several_rows and several_columns else ()
    SCRATCH.drop(connection, checkfirst=True)
    SCRATCH.create(connection)
    names = [c.name for c in SCRATCH.columns]
    for select in _day_counts(draft, up_to_id=up_to, kinds=kinds):
        connection.execute(sa.insert(SCRATCH).from_select(names, select))
    cell = [SCRATCH.c[n] for n in ("version_id", "span", "start", "area_id", "event_id", "channel")]
    zero = sa.literal(0)

    def derive(kind: int, source: int, row: Any, column: Any) -> None:
        grouped = [v for v in (row, column) if v is not zero]
        select = (
            sa.select(
                zero, *cell, sa.literal(kind), row, column, sa.func.sum(SCRATCH.c.respondents)
            )
            .where(SCRATCH.c.kind == source)
            .group_by(*cell, *grouped)
        )
        connection.execute(sa.insert(SCRATCH).from_select(names, select))

    if not several_columns:
        derive(ROW_MARGIN, CELL, SCRATCH.c.row_value, zero)
    if not several_rows:
        derive(COLUMN_MARGIN, CELL, zero, SCRATCH.c.column_value)
    if not (several_rows and several_columns):
        derive(BOTH, COLUMN_MARGIN if several_rows else ROW_MARGIN, zero, zero)


def _registered(questionnaire_id: int, row_code: str, column_code: str) -> CrosstabPair | None:
    return db.session.scalar(
        sa.select(CrosstabPair).where(
            CrosstabPair.questionnaire_id == questionnaire_id,
            CrosstabPair.row_code == row_code,
            CrosstabPair.column_code == column_code,
        )
    )


def recount(questionnaire_id: int) -> None:
    """Count this questionnaire's pairs afresh and commit (after a bulk load)."""
    ids = sa.select(CrosstabPair.id).where(CrosstabPair.questionnaire_id == questionnaire_id)
    if db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())):
        db.session.execute(sa.delete(PairTally).where(PairTally.pair_id.in_(ids)))
        for pair in db.session.scalars(
            sa.select(CrosstabPair).where(CrosstabPair.questionnaire_id == questionnaire_id)
        ):
            _count(pair)
            _months(pair)
        db.session.commit()


def rebuild_all() -> None:
    """Count every registered pair afresh (their old rows are already deleted)."""
    for pair in db.session.scalars(sa.select(CrosstabPair)):
        _count(pair)
        _months(pair)
