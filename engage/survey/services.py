"""Storing a checked response exactly once per idempotency key."""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from engage.database import MAX_ID, begin_writing
from engage.events import links as kiosk_links
from engage.events.models import Event
from engage.extensions import db
from engage.questionnaire import types
from engage.questionnaire.models import PUBLISHED, Questionnaire, QuestionnaireVersion
from engage.survey.answers import Answer as Parsed
from engage.survey.coding import coded_row
from engage.survey.models import ONLINE, Answer, Response
from engage.survey.plans import VersionPlan, plan_for
from engage.timeutil import utcnow

_KEY = re.compile(r"[0-9a-f]{32}")
# An answer row's columns besides its response: the question and the one value it holds.
ANSWER_VALUES = ("question_id", "option_id", "area_id", "number_value", "text_value")


def new_key() -> str:
    """A fresh idempotency key for a rendered form."""
    return uuid.uuid4().hex


def valid_key(key: str | None) -> bool:
    # fullmatch: "$" would also let a key through with a newline after it.
    return bool(key and _KEY.fullmatch(key))


def published_version(
    questionnaire: Questionnaire, version_id: object
) -> QuestionnaireVersion | None:
    """The published version of this questionnaire with that id, if any."""
    try:
        vid = int(str(version_id))
    except ValueError:
        return None
    if not 0 < vid <= MAX_ID:
        return None
    return db.session.scalar(
        sa.select(QuestionnaireVersion).where(
            QuestionnaireVersion.id == vid,
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == PUBLISHED,
        )
    )


class AreaLike(Protocol):
    """An area as storing needs it: an Area, or the plain copy a kiosk keeps."""

    @property
    def id(self) -> int: ...

    @property
    def code(self) -> str: ...


def _answer_rows(plan: VersionPlan, parsed: dict[str, Parsed], areas: Mapping[str, AreaLike]):
    """The answer rows (without the response id) as tuples of ``ANSWER_VALUES``."""
    for question in plan.questions:
        answer = parsed.get(question.code)
        if answer is None:
            continue
        if question.type in types.CHOICE_TYPES:
            for code in answer.option_codes:
                option = question.option_by_code(code)
                yield question.id, option.id if option else None, None, None, None
        elif question.type == types.AREA and answer.area_code:
            yield question.id, None, areas[answer.area_code].id, None, None
        elif answer.text is not None:
            yield question.id, None, None, None, answer.text
        else:
            yield question.id, None, None, answer.number, None


def _response_area(
    plan: VersionPlan, parsed: dict[str, Parsed], areas: Mapping[str, AreaLike]
) -> AreaLike | None:
    for question in plan.questions:
        code = parsed[question.code].area_code if question.code in parsed else None
        if question.type == types.AREA and code:
            return areas[code]
    return None


def store_response(
    version: QuestionnaireVersion,
    parsed: dict[str, Parsed],
    key: str,
    areas: Mapping[str, AreaLike],
    channel: str = ONLINE,
    language: str = "en",
    event: Event | None = None,
    submitted_at: datetime | None = None,
) -> tuple[Response, bool]:
    """Store one response; (response, False) if this key was already stored."""
    response_id, created = store_checked(
        plan_for(version),
        parsed,
        key,
        areas,
        channel=channel,
        language=language,
        event_id=event.id if event else None,
        default_area_id=event.default_area_id if event else None,
        submitted_at=submitted_at,
    )
    response = db.session.get(Response, response_id)
    assert response is not None  # noqa: S101  # nosec B101  # stored or found just now
    return response, created


@dataclass(frozen=True)
class KioskLink:
    """The kiosk link a response came through: it is stored only while the event's
    link is still this token and unexpired, checked in the INSERT itself."""

    event_id: int
    token: str


RESPONSE_VALUES = (
    "version_id",
    "area_id",
    "channel",
    "language",
    "event_id",
    "idempotency_key",
    "submitted_at",
    "time_flagged",
    "coded",
)
_INSERTS: dict[tuple[str, bool], sa.Insert] = {}


def _insert_once(dialect: str, through_link: bool) -> sa.Insert:
    """INSERT a response unless its key is taken, returning its new id (built once).

    Through a kiosk link, the row is selected from the event's own row, so nothing is
    stored once the link is replaced or has expired, whatever a process remembers of
    it, and the event's default area is the one it has now."""
    key = (dialect, through_link)
    if key in _INSERTS:
        return _INSERTS[key]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(sa.Table, Response.__table__)
    if not through_link:
        statement = insert(table).values({name: sa.bindparam(name) for name in RESPONSE_VALUES})
    else:
        event = cast(sa.Table, Event.__table__)
        # PostgreSQL must be told the type of a parameter in a SELECT list; SQLite's
        # CAST to a date type would turn the text into a number, so it is only typed.
        typed = sa.cast if dialect == "postgresql" else sa.type_coerce
        values: dict[str, sa.ColumnElement[Any]] = {
            name: typed(sa.bindparam(name), table.c[name].type) for name in RESPONSE_VALUES
        }
        values["area_id"] = sa.func.coalesce(values["area_id"], event.c.default_area_id)
        values["event_id"] = event.c.id
        statement = insert(table).from_select(
            list(values),
            sa.select(*values.values()).where(
                event.c.id == sa.bindparam("link_event_id"),
                event.c.kiosk_token_hash == sa.bindparam("link_token_hash"),
                event.c.kiosk_valid_until
                >= sa.bindparam("now", type_=event.c.kiosk_valid_until.type),
            ),
        )
    _INSERTS[key] = statement.on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(
        table.c.id
    )
    return _INSERTS[key]


def store_checked(
    plan: VersionPlan,
    parsed: dict[str, Parsed],
    key: str,
    areas: Mapping[str, AreaLike],
    channel: str = ONLINE,
    language: str = "en",
    event_id: int | None = None,
    default_area_id: int | None = None,
    submitted_at: datetime | None = None,
    link: KioskLink | None = None,
    alone: bool = False,
    time_flagged: bool = False,
) -> tuple[int | None, bool]:
    """Store one checked response; (its id, True), or (the stored one's id, False) if this
    key was already stored, or (None, False) if ``link`` no longer lets it be stored.

    The unique index on the key decides, in the insert itself (ON CONFLICT DO NOTHING):
    no lookup first, and two posts of one key at once store one response. The response
    carries its results row (who was asked what, and the closed answers), and its
    answers go in the same transaction, so results never see one without the other.
    Its time is now unless ``submitted_at`` says otherwise (a response from elsewhere,
    dated by the tablet; ``time_flagged`` when the tablet's time was not believed).
    A response stored ``alone`` (the only write of its request, as a kiosk upload) is
    committed by its own statement on PostgreSQL when the session has not begun.
    """
    area = _response_area(plan, parsed, areas)
    now = utcnow()
    values: dict[str, Any] = {
        "version_id": plan.id,
        # Through a link, the event's default area is read with the link (the INSERT).
        "area_id": area.id if area is not None else None if link else default_area_id,
        "channel": channel,
        "language": language,
        "event_id": link.event_id if link else event_id,
        "idempotency_key": key,
        "submitted_at": submitted_at or now,
        "time_flagged": time_flagged,
        "coded": coded_row(plan, parsed, {code: a.id for code, a in areas.items()}),
    }
    if link:
        values |= {
            "link_event_id": link.event_id,
            "link_token_hash": kiosk_links.digest(link.token),
            "now": now,
        }
    session = db.session()
    if alone and session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        # Its one statement is all or nothing by itself: no BEGIN and COMMIT round trips.
        connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    else:
        begin_writing(db.session)  # the response and its answers: all or nothing
        # Core statements on the session's connection: no ORM objects to track here.
        connection = db.session.connection()
    dialect = connection.dialect.name
    rows = list(_answer_rows(plan, parsed, areas))
    if dialect == "postgresql":
        # One statement, one round trip: the response, then its answers from one array
        # per column (psycopg adapts five lists, not every value), if it was stored.
        for index, name in enumerate(ANSWER_VALUES):
            values[f"answer_{name}"] = [row[index] for row in rows]
        response_id = connection.execute(_store_all_at_once(link is not None), values).scalar()
    else:
        response_id = connection.execute(_insert_once(dialect, link is not None), values).scalar()
        if response_id is not None and rows:
            # The driver's own executemany of plain tuples: no per-row work in between.
            connection.exec_driver_sql(_INSERT_ANSWERS, [(response_id, *row) for row in rows])
    if response_id is None:
        # The key was stored before (by any route), or the link let nothing in.
        stored = connection.scalar(sa.select(Response.id).where(Response.idempotency_key == key))
        return stored, False
    return response_id, True


_INSERT_ANSWERS = (
    "INSERT INTO answer (response_id, question_id, option_id, area_id, number_value,"
    " text_value) VALUES (?, ?, ?, ?, ?, ?)"
)
_AT_ONCE: dict[bool, sa.Select] = {}


def _store_all_at_once(through_link: bool) -> sa.Select:
    """PostgreSQL: INSERT the response (as ``_insert_once``) and, if it went in, its
    answers, in one statement; it returns the new response's id, or nothing."""
    if through_link in _AT_ONCE:
        return _AT_ONCE[through_link]
    stored = _insert_once("postgresql", through_link).cte("stored")
    table = cast(sa.Table, Answer.__table__)
    arrays = [
        sa.cast(sa.bindparam(f"answer_{name}"), postgresql.ARRAY(table.c[name].type))
        for name in ANSWER_VALUES
    ]
    given = sa.func.unnest(*arrays).table_valued(*ANSWER_VALUES).render_derived("given")
    answers = sa.insert(table).from_select(
        ["response_id", *ANSWER_VALUES],
        sa.select(stored.c.id, *given.c).select_from(stored).join(given, sa.true()),
    )
    _AT_ONCE[through_link] = sa.select(stored.c.id).add_cte(answers.cte("answers"))
    return _AT_ONCE[through_link]
