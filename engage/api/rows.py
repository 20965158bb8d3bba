"""Row-level responses for the API: one object per response, answers keyed by question code.

Pages are walked with a cursor that carries the last id seen, so a client that
follows ``next`` sees every response exactly once even while new ones arrive.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import db
from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import (
    Option,
    Question,
    QuestionnaireVersion,
    bank_question_agency,
)
from engage.results.filters import ResultFilter, response_conditions
from engage.survey.models import Answer, Response


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    # The cursor for the next page, or None on the last page.
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"r{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The last id a cursor stands for, or None when it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not text.startswith("r") or not text[1:].isdigit():
        return None
    return int(text[1:])


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC; SQLite hands timestamps back without their zone."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _answer_value(question_type: str, option: str | None, area: str | None, number, text):
    if question_type in types.CHOICE_TYPES:
        return option
    if question_type == types.AREA:
        return area
    if question_type in types.TEXT_TYPES:
        return text
    return number


def _answers(response_ids: list[int], user: User, mine: bool) -> dict[int, dict[str, Any]]:
    """Answers of the given responses by response id, then question code."""
    answer_area = so.aliased(Area)
    conditions = [Answer.response_id.in_(response_ids)]
    # Free-text answers can identify people: only users an admin trusts receive them.
    if not user.free_text_access:
        conditions.append(Question.type.not_in(types.TEXT_TYPES))
    if mine:
        conditions.append(
            Question.bank_question_id.in_(
                sa.select(bank_question_agency.c.bank_question_id).where(
                    bank_question_agency.c.agency_id == user.agency_id
                )
            )
        )
    rows = db.session.execute(
        sa.select(
            Answer.response_id,
            Question.code,
            Question.type,
            Option.code,
            answer_area.code,
            Answer.number_value,
            Answer.text_value,
        )
        .join(Question, Answer.question_id == Question.id)
        .outerjoin(Option, Answer.option_id == Option.id)
        .outerjoin(answer_area, Answer.area_id == answer_area.id)
        .where(*conditions)
        .order_by(Answer.response_id, Answer.id)
    )
    answers: dict[int, dict[str, Any]] = {}
    for response_id, code, question_type, option, area, number, text in rows:
        value = _answer_value(question_type, option, area, number, text)
        by_code = answers.setdefault(response_id, {})
        if question_type == types.MULTIPLE:
            by_code.setdefault(code, []).append(value)
        else:
            by_code[code] = value
    return answers


def response_page(
    questionnaire_id: int,
    filters: ResultFilter,
    user: User,
    after: int = 0,
    limit: int = 500,
    since_at: datetime | None = None,
) -> Page:
    """Up to ``limit`` responses with ids above ``after`` that pass the filters, oldest first."""
    conditions = response_conditions(filters, questionnaire_id)
    if since_at is not None:
        conditions.append(Response.submitted_at >= since_at)
    heads = db.session.execute(
        sa.select(
            Response.id,
            Response.submitted_at,
            QuestionnaireVersion.number,
            Response.channel,
            Response.language,
            Area.code,
            Response.event_id,
        )
        .join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
        .outerjoin(Area, Response.area_id == Area.id)
        .where(*conditions, Response.id > after)
        .order_by(Response.id)
        .limit(limit + 1)
    ).all()
    more = len(heads) > limit
    heads = heads[:limit]
    answers = _answers([head[0] for head in heads], user, filters.mine) if heads else {}
    rows = [
        {
            "id": response_id,
            "submitted_at": iso(submitted_at),
            "version": version,
            "channel": channel,
            "language": language,
            "ward": ward,
            "event": event_id,
            "answers": answers.get(response_id, {}),
        }
        for response_id, submitted_at, version, channel, language, ward, event_id in heads
    ]
    return Page(rows=rows, next_cursor=encode_cursor(heads[-1][0]) if more else None)
