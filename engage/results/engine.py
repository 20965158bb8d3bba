"""Keeping each process's results columns (``columns``) in step with the stored responses.

Every web or job process keeps, per questionnaire, its responses' results rows decoded
into numpy columns. The first request loads them all (a few seconds per million
responses); each later request reads only the responses stored since, so a page sees
every response acknowledged before it began. Nothing is written when a page is read,
and storing a response writes only its own row.

Which rows are new:

- SQLite lets one writer at a time commit, and a response's id is the next above every
  committed one, so "ids above the last one read" is exact.
- PostgreSQL commits concurrent transactions in any order, so an id can appear below
  one already read. Each response records the transaction that stored it (``txid``). A
  reader first takes the oldest transaction still running (the snapshot's xmin): every
  transaction before it has finished, so no row of theirs can appear later. It then
  reads every visible row of the transactions from its last such mark on, skipping those
  it already read ahead of the mark last time. Rows of transactions past the new mark
  are remembered until the mark passes them. A long transaction elsewhere (a bulk load,
  a session left open) only makes that remembered set larger, never a row missed.

The columns start again from nothing when the questionnaire's published versions change
or when ``results_state.epoch`` does (a restore or a recount that corrected rows).
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context

from engage import localtime
from engage.extensions import db
from engage.questionnaire.models import PUBLISHED, Questionnaire, QuestionnaireVersion
from engage.results.columns import Columns, Schema, Version, View
from engage.results.days import local_days
from engage.results.models import ResultsState
from engage.survey.plans import plan_for

CACHE = "engage.results_columns"
BATCH = 50_000  # rows fetched at a time
EPOCH_DAY = date(1970, 1, 1)


@dataclass
class _Entry:
    key: tuple
    columns: Columns
    mark: int = 0  # the last id read (SQLite), or the xmin read up to (PostgreSQL)
    ahead: set[int] = field(default_factory=set)  # PostgreSQL: ids read past the mark
    lock: threading.Lock = field(default_factory=threading.Lock)


def _cache() -> dict[int, _Entry]:
    return current_app.extensions.setdefault(CACHE, {})


def _published(questionnaire_id: int) -> list[QuestionnaireVersion]:
    return list(
        db.session.scalars(
            sa.select(QuestionnaireVersion).where(
                QuestionnaireVersion.questionnaire_id == questionnaire_id,
                QuestionnaireVersion.status == PUBLISHED,
            )
        )
    )


def schema_for(versions: list[QuestionnaireVersion]) -> Schema:
    return Schema([Version(v.id, v.number, plan_for(v).layout) for v in versions])


def schema(questionnaire_id: int) -> Schema:
    """Who was asked what, per published version: the one rule every output reads."""
    return schema_for(_published(questionnaire_id))


def view(questionnaire: Questionnaire) -> View:
    """The questionnaire's results columns, with every response committed until now.

    Within one request the first answer is kept: a page that shows an overview and every
    question reads the versions, the epoch and the new rows once, and all its figures
    come from the same moment."""
    if not has_request_context():
        return _fresh_view(questionnaire)
    kept = g.setdefault("results_views", {})
    if questionnaire.id not in kept:
        kept[questionnaire.id] = _fresh_view(questionnaire)
    return kept[questionnaire.id]


def _fresh_view(questionnaire: Questionnaire) -> View:
    versions = _published(questionnaire.id)
    epoch = db.session.scalar(sa.select(ResultsState.epoch).where(ResultsState.id == 1))
    key = (epoch, tuple(sorted((v.id, v.published_at) for v in versions)))
    cache = _cache()
    entry = cache.get(questionnaire.id)
    if entry is None or entry.key != key:
        entry = cache[questionnaire.id] = _Entry(key, Columns(schema_for(versions)))
    with entry.lock:
        try:
            _read_new(entry, [v.id for v in versions])
        except BaseException:
            cache.pop(questionnaire.id, None)  # half read: start again next time
            raise
        return entry.columns.view()


def forget() -> None:
    """Drop this process's columns (tests and commands that rewrite rows call it)."""
    _cache().clear()


def _seconds(dialect: str) -> str:
    """The moment a response was stored, as whole seconds since the epoch (``days`` turns
    it into the partnership's day)."""
    if dialect == "postgresql":
        return "FLOOR(EXTRACT(EPOCH FROM submitted_at))::bigint"
    return "CAST(strftime('%s', submitted_at) AS INTEGER)"


def _read_new(entry: _Entry, version_ids: list[int]) -> None:
    if not version_ids:
        return
    # A connection of its own: it reads only what is committed, never this request's
    # own unfinished writes, which could still be rolled back. Rows come through the
    # driver's own cursor: wrapping a million rows in SQLAlchemy's rows costs a quarter
    # of a cold read.
    with db.engine.connect() as connection:
        dialect = connection.dialect.name
        fields = (
            f"id, version_id, {_seconds(dialect)}, coalesce(area_id, 0), coalesce(event_id, 0), "
            "channel, language, coded, record_key"
        )
        versions = ", ".join(str(int(v)) for v in version_ids)
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            if dialect == "postgresql":
                _read_by_transaction(entry, connection, cursor, fields, versions)
            else:
                cursor.execute(
                    f"SELECT {fields} FROM response WHERE version_id IN ({versions}) "  # noqa: S608  # nosec B608  # ids and our SQL
                    "AND id > ? ORDER BY id",
                    (entry.mark,),
                )
                while rows := cursor.fetchmany(BATCH):
                    _append(entry.columns, rows)
                    entry.mark = rows[-1][0]
        finally:
            cursor.close()


def _read_by_transaction(entry: _Entry, connection, cursor, fields: str, versions: str) -> None:
    """PostgreSQL: the rows of the transactions from the last mark on (module docstring)."""
    upto = connection.scalar(
        sa.text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
    )
    cursor.execute(
        f"SELECT {fields}, txid FROM response WHERE version_id IN ({versions}) "  # noqa: S608  # nosec B608  # ids and our SQL
        "AND txid >= %(mark)s",
        {"mark": entry.mark},
    )
    ahead: set[int] = set()
    while rows := cursor.fetchmany(BATCH):
        ahead.update(r[0] for r in rows if r[9] >= upto)
        _append(entry.columns, [r for r in rows if r[0] not in entry.ahead])
    entry.mark, entry.ahead = upto, ahead


def _append(columns: Columns, rows: Sequence[Any]) -> None:
    """Decode fetched rows (grouped by version, then put back in their order); each row's
    moment becomes its day in the partnership's time zone."""
    days = local_days([row[2] for row in rows], localtime.zone()).tolist()
    by_version: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        by_version.setdefault(row[1], []).append(i)
    missing = [row[0] for row in rows if row[7] is None]
    if missing:
        raise RuntimeError(
            f"Responses {missing[:5]} have no results row: run `flask recount-results`."
        )
    for version_id, indexes in by_version.items():
        picked = [rows[i] for i in indexes]
        codes = columns.schema.decode(version_id, [r[7] for r in picked])
        fixed = {
            "id": [r[0] for r in picked],
            "version": [r[1] for r in picked],
            "day": [days[i] for i in indexes],
            "area": [r[3] for r in picked],
            "event": [r[4] for r in picked],
            "channel": [r[5] for r in picked],
            "language": [r[6] for r in picked],
            "key": [r[8] for r in picked],
        }
        columns.append(fixed, codes)


def day_number(day: date) -> int:
    """A date as the columns keep it: days since 1970-01-01."""
    return (day - EPOCH_DAY).days


def from_day_number(number: int) -> date:
    return date.fromordinal(EPOCH_DAY.toordinal() + int(number))


def warm_in_background(app: Flask) -> threading.Thread:
    """Read every questionnaire's results rows in a daemon thread (for server workers).

    A failure (a database not migrated yet, say) is logged and left to the first page,
    which reads the rows itself.
    """

    def warm() -> None:
        try:
            with app.app_context():
                for questionnaire in db.session.scalars(sa.select(Questionnaire)):
                    view(questionnaire)
                db.session.remove()
        except Exception:  # noqa: BLE001  # nosec B110  # the first page reads them instead
            app.logger.warning("Reading the results rows ahead failed", exc_info=True)

    thread = threading.Thread(target=warm, name="engage-results-warm", daemon=True)
    thread.start()
    return thread
