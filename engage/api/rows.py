"""Row-level responses for the API: one object per response, answers keyed by question code.

The rows come from the downloads' row source (``engage.exports.rows``): one reading of
responses, one notion of "my agency's questions", one treatment of free text.

Pages are walked with a cursor that carries the last id seen, so a client that
follows ``next`` sees every response exactly once even while new ones arrive.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engage.accounts.models import User
from engage.exports import rows as row_source
from engage.exports import values
from engage.exports.layout import Layout
from engage.i18n import DEFAULT_LANGUAGE
from engage.questionnaire import types
from engage.questionnaire.models import Questionnaire
from engage.results.filters import ResultFilter
from engage.survey.models import Response


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


def _readers(layout: Layout, style: str) -> list[tuple[str, Any]]:
    """How each question's value is read from a row, with option answers as ``style``
    says: (code, reader(row) -> value or None)."""
    position = {name: index for index, name in enumerate(layout.names)}
    readers: list[tuple[str, Any]] = []
    for question in layout.questions:
        columns = [position[name] for name in question.columns]
        if question.type == types.MULTIPLE:
            chosen = [
                (i, values.written(o, style))
                for i, o in zip(columns, question.options, strict=True)
            ]

            def picked(row, chosen=chosen):
                return [answer for i, answer in chosen if row[i] == 1] or None

            readers.append((question.code, picked))
        elif question.type in types.CHOICE_TYPES:
            table = {o.value: values.written(o, style) for o in question.options}
            readers.append((question.code, lambda row, i=columns[0], k=table: k.get(row[i])))
        elif question.type == types.AREA and style == values.LABELS:
            names = layout.columns[columns[0]].value_labels
            readers.append(
                (question.code, lambda row, i=columns[0], k=names: k.get(row[i], row[i]))
            )
        else:  # areas (their codes), numbers and free text, as stored
            readers.append((question.code, lambda row, i=columns[0]: row[i]))
    return readers


def response_page(
    questionnaire: Questionnaire,
    filters: ResultFilter,
    user: User,
    after: int = 0,
    limit: int = 500,
    since_at: datetime | None = None,
    style: str = values.DEFAULT,
    lang: str = DEFAULT_LANGUAGE,
) -> Page:
    """Up to ``limit`` responses with ids above ``after`` that pass the filters, oldest
    first, read from the one row source the downloads use (``engage.exports.rows``)."""
    plan = row_source.build_plan(
        questionnaire, filters, user.free_text_access, user.agency_id, lang=lang
    )
    if since_at is not None:
        plan.conditions.append(Response.submitted_at >= since_at)
    rows, more = row_source.page_after(plan, after, limit)
    readers = _readers(plan.layout, style)
    objects = []
    for row in rows:
        response_id, submitted_at, version, channel, event_id, ward, language = row[:7]
        weight = row[row_source.WEIGHT]
        answers = {code: value for code, read in readers if (value := read(row)) is not None}
        objects.append(
            {
                "id": response_id,
                "submitted_at": iso(submitted_at),
                "version": version,
                "channel": channel,
                "language": language,
                "ward": ward,
                "event": event_id,
                "weight": weight,
                "answers": answers,
            }
        )
    return Page(rows=objects, next_cursor=encode_cursor(rows[-1][0]) if more else None)
