"""One way in for a submitted response, whatever carried it: a kiosk upload, an
imported queue file, or (through the same checks) the web form.

A payload is a plain mapping::

    {"key": "<32 hex>", "version": <version id>, "lang": "en",
     "answers": {"<question code>": ["<value>", ...]},
     "answered_at": "<ISO 8601 time with its zone>"}

``answered_at`` (optional) is when the resident finished on the tablet; it dates the
response when it is plausible (``engage.survey.answered``).

The same key always stores at most one response, so a payload may arrive any
number of times by any route.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engage.events.models import Event
from engage.i18n import LANGUAGES
from engage.partnership.services import areas as partnership_areas
from engage.questionnaire.models import Questionnaire
from engage.survey import services
from engage.survey.answered import answered_time, reported
from engage.survey.answers import check_answers
from engage.survey.models import KIOSK
from engage.survey.plans import published_plan
from engage.survey.services import AreaLike, KioskLink
from engage.timeutil import utcnow

STORED = "stored"
DUPLICATE = "duplicate"
INVALID = "invalid"
LINK_CLOSED = "link closed"  # the kiosk link was replaced or expired: nothing stored


@dataclass
class Outcome:
    status: str
    response_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    time_flagged: bool = False  # stored with the receive time: the tablet's was not believed


def _answers(payload: Mapping[str, Any]) -> dict[str, list[str]] | None:
    answers = payload.get("answers")
    if not isinstance(answers, Mapping):
        return None
    cleaned: dict[str, list[str]] = {}
    for code, values in answers.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
            return None
        cleaned[str(code)] = [str(v) for v in values]
    return cleaned


def submit_payload(
    questionnaire: Questionnaire | int,
    payload: Mapping[str, Any],
    channel: str = KIOSK,
    event: Event | None = None,
    areas: Sequence[AreaLike] | None = None,
    link: KioskLink | None = None,
    alone: bool = False,
    link_issued_at: datetime | None = None,
) -> Outcome:
    """Check and store one payload; the caller commits. Never stores half a response.

    A payload sent again is checked again (it passes, as it did the first time: a
    published version never changes) and the key's unique index then stores nothing.
    Through a kiosk ``link``, it is stored only while that link is the event's own.
    ``alone``: nothing else is written before the caller commits (``store_checked``).
    ``link_issued_at``: when the kiosk link it came through was issued; the tablet's
    time of answering is believed only from then on.
    """
    key = payload.get("key")
    if not isinstance(key, str) or not services.valid_key(key):
        return Outcome(INVALID, message="The response has no valid key.")
    questionnaire_id = questionnaire if isinstance(questionnaire, int) else questionnaire.id
    plan = published_plan(questionnaire_id, payload.get("version"))
    if plan is None:
        return Outcome(
            INVALID, message="The response names a questionnaire version that is not published."
        )
    answers = _answers(payload)
    if answers is None:
        return Outcome(INVALID, message="The answers must map question codes to lists of values.")
    lang = payload.get("lang")
    lang = lang if isinstance(lang, str) and lang in LANGUAGES else "en"
    if areas is None:
        assert not isinstance(questionnaire, int)  # noqa: S101  # nosec B101  # callers give areas
        areas = partnership_areas(questionnaire.partnership)
    by_code = {a.code: a for a in areas}
    checked = check_answers(plan.questions, answers, by_code)
    if not checked.ok:
        return Outcome(INVALID, errors=checked.errors, message="Some answers need fixing.")
    when = answered_time(reported(payload), link_issued_at, utcnow())
    response_id, created = services.store_checked(
        plan,
        checked.answers,
        key,
        by_code,
        channel=channel,
        language=str(lang),
        event_id=event.id if event else None,
        default_area_id=event.default_area_id if event else None,
        submitted_at=when.at,
        time_flagged=when.flagged,
        link=link,
        alone=alone,
    )
    if response_id is None:
        return Outcome(LINK_CLOSED, message="This kiosk link is not valid or has expired.")
    if not created:
        return Outcome(DUPLICATE, response_id=response_id)
    return Outcome(STORED, response_id=response_id, time_flagged=when.flagged)
