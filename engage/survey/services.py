"""Storing a checked response exactly once per idempotency key."""

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from engage.database import MAX_ID, begin_writing
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
ANSWER_VALUES = ("option_id", "area_id", "number_value", "text_value")


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
    """The answer rows (without the response id), as plain dicts for one executemany."""
    for question in plan.questions:
        answer = parsed.get(question.code)
        if answer is None:
            continue
        row = dict.fromkeys(ANSWER_VALUES) | {"question_id": question.id}
        if question.type in types.CHOICE_TYPES:
            for code in answer.option_codes:
                option = question.option_by_code(code)
                yield row | {"option_id": option.id if option else None}
        elif question.type == types.AREA and answer.area_code:
            yield row | {"area_id": areas[answer.area_code].id}
        elif answer.text is not None:
            yield row | {"text_value": answer.text}
        else:
            yield row | {"number_value": answer.number}


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


_INSERTS: dict[str, sa.Insert] = {}


def _insert_once(dialect: str) -> sa.Insert:
    """INSERT a response unless its key is taken, returning its new id (built once)."""
    if dialect not in _INSERTS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = cast(sa.Table, Response.__table__)
        _INSERTS[dialect] = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(table.c.id)
        )
    return _INSERTS[dialect]


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
) -> tuple[int, bool]:
    """Store one checked response; (its id, True), or (the stored one's id, False) if this
    key was already stored.

    The unique index on the key decides, in the insert itself (ON CONFLICT DO NOTHING):
    no lookup first, and two posts of one key at once store one response. The response
    carries its results row (who was asked what, and the closed answers), and its
    answers go in the same transaction, so results never see one without the other.
    Its time is now unless ``submitted_at`` says otherwise (a response from elsewhere).
    """
    area = _response_area(plan, parsed, areas)
    values = {
        "version_id": plan.id,
        "area_id": area.id if area is not None else default_area_id,
        "channel": channel,
        "language": language,
        "event_id": event_id,
        "idempotency_key": key,
        "submitted_at": submitted_at or utcnow(),
        "coded": coded_row(plan, parsed, {code: a.id for code, a in areas.items()}),
    }
    begin_writing(db.session)  # the response and its answers: all or nothing
    # Core statements on the session's connection: the ORM has no objects to track here.
    connection = db.session.connection()
    dialect = connection.dialect.name
    response_id = connection.execute(_insert_once(dialect), values).scalar()
    if response_id is None:
        stored = connection.scalar(sa.select(Response.id).where(Response.idempotency_key == key))
        assert stored is not None  # noqa: S101  # nosec B101  # the conflict was this key
        return stored, False
    rows = [row | {"response_id": response_id} for row in _answer_rows(plan, parsed, areas)]
    if rows and dialect == "postgresql":
        # One statement with an array per column: psycopg adapts six lists, not every value.
        connection.execute(
            _UNNEST_ANSWERS, {name: [row[name] for row in rows] for name in ANSWER_COLUMNS}
        )
    elif rows:
        connection.execute(sa.insert(cast(sa.Table, Answer.__table__)), rows)
    return response_id, True


ANSWER_COLUMNS = ("response_id", "question_id", *ANSWER_VALUES)
_UNNEST_ANSWERS = sa.text(
    "INSERT INTO answer (response_id, question_id, option_id, area_id, number_value, text_value) "
    "SELECT * FROM unnest(CAST(:response_id AS bigint[]), CAST(:question_id AS integer[]), "
    "CAST(:option_id AS integer[]), CAST(:area_id AS integer[]), "
    "CAST(:number_value AS integer[]), CAST(:text_value AS text[]))"
)
