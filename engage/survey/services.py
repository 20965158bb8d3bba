"""Storing a checked response exactly once per idempotency key."""

import re
import uuid
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from engage.database import MAX_ID, begin_writing
from engage.events.models import Event
from engage.extensions import db
from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import PUBLISHED, Questionnaire, QuestionnaireVersion
from engage.results import tallies
from engage.survey.answers import Answer as Parsed
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


def find_by_key(key: str) -> Response | None:
    return db.session.scalar(sa.select(Response).where(Response.idempotency_key == key))


def _answer_rows(plan: VersionPlan, parsed: dict[str, Parsed], areas: dict[str, Area]):
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


def _response_area(plan: VersionPlan, parsed: dict[str, Parsed], areas) -> Area | None:
    for question in plan.questions:
        code = parsed[question.code].area_code if question.code in parsed else None
        if question.type == types.AREA and code:
            return areas[code]
    return None


def store_response(
    version: QuestionnaireVersion,
    parsed: dict[str, Parsed],
    key: str,
    areas: dict[str, Area],
    channel: str = ONLINE,
    language: str = "en",
    event: Event | None = None,
    submitted_at: datetime | None = None,
) -> tuple[Response, bool]:
    """Store one response; (response, False) if this key was already stored.

    The insert runs in a savepoint so that a concurrent post with the same key,
    which loses the race on the unique index, returns the stored response. The
    results tallies count it in the same transaction, so its time is fixed here: now
    unless ``submitted_at`` says otherwise (a response imported from elsewhere).
    """
    existing = find_by_key(key)
    if existing is not None:
        return existing, False
    plan = plan_for(version)
    response = Response(
        version_id=version.id,
        area=_response_area(plan, parsed, areas) or (event.default_area if event else None),
        channel=channel,
        language=language,
        event=event,
        idempotency_key=key,
        submitted_at=submitted_at or utcnow(),
    )
    begin_writing(db.session)  # the response, its answers and the tallies: all or nothing
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        stored = find_by_key(key)
        if stored is None:
            raise
        return stored, False
    # One executemany, not one ORM object and INSERT per answer.
    rows = [row | {"response_id": response.id} for row in _answer_rows(plan, parsed, areas)]
    if rows:
        db.session.execute(sa.insert(cast(sa.Table, Answer.__table__)), rows)
    tallies.record(response, rows, plan.codes())
    return response, True
