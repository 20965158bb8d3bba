"""Choices for the results filters, and the admin's opt-in for the public page."""

from dataclasses import dataclass

import sqlalchemy as sa

from engage import localtime
from engage.events.models import Event
from engage.extensions import db
from engage.partnership.models import Partnership
from engage.questionnaire import types
from engage.questionnaire.models import PUBLISHED, Questionnaire, QuestionnaireVersion
from engage.questionnaire.services import current_version
from engage.results.aggregates import CHANNEL_LABELS
from engage.results.catalogue import CLOSED_TYPES, QuestionInfo, catalogue
from engage.results.filters import ResultFilter


@dataclass
class FilterChoices:
    """What the filters form offers, as (value, label) pairs."""

    wards: list[tuple[str, str]]
    events: list[tuple[int, str]]
    versions: list[tuple[int, str]]
    channels: list[tuple[str, str]]
    # Single-choice questions whose answers pick respondents: (code, text, options).
    answers: list[tuple[str, str, list[tuple[str, str]]]]


def filter_choices(partnership: Partnership, questionnaire: Questionnaire) -> FilterChoices:
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.partnership_id == partnership.id)
        .order_by(Event.starts_on.desc(), Event.name)
    )
    versions = db.session.scalars(
        sa.select(QuestionnaireVersion.number)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == PUBLISHED,
        )
        .order_by(QuestionnaireVersion.number)
    )
    return FilterChoices(
        wards=[(area.code, area.name) for area in partnership.areas],
        events=[(e.id, f"{e.name} ({localtime.day(e.starts_on)})") for e in events],
        versions=[(number, f"Version {number}") for number in versions],
        channels=list(CHANNEL_LABELS.items()),
        answers=[
            (info.code, info.text(), [(f"{info.code}:{o}", info.label(o)) for o in info.options])
            for info in catalogue(questionnaire)
            if info.type in types.CHOICE_TYPES and not info.multiple
        ],
    )


def public_candidates(questionnaire: Questionnaire) -> list[QuestionInfo]:
    """The current version's closed questions, which an admin may put on the public page.

    Free-text questions are never offered: their answers are never published.
    """
    version = current_version(questionnaire)
    if version is None:
        return []
    infos = catalogue(questionnaire, ResultFilter(versions=(version.number,)))
    return [i for i in infos if i.type in CLOSED_TYPES]


def public_questions(questionnaire: Questionnaire) -> list[QuestionInfo]:
    """The questions opted in for the public "you said" page, in questionnaire order."""
    return [i for i in public_candidates(questionnaire) if i.question.bank_question.public_results]


def set_public_questions(questionnaire: Questionnaire, codes: set[str]) -> list[str]:
    """Opt exactly these codes in (closed questions only); returns the codes now public."""
    chosen = []
    for info in public_candidates(questionnaire):
        info.question.bank_question.public_results = info.code in codes
        if info.code in codes:
            chosen.append(info.code)
    db.session.flush()
    return chosen
