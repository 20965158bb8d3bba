"""Finding versions, starting a draft, and publishing it.

Services flush; the caller (a view or a CLI command) commits.
"""

import sqlalchemy as sa

from engage.extensions import db
from engage.partnership.models import Agency, Partnership
from engage.questionnaire import types
from engage.questionnaire.models import (
    DRAFT,
    PUBLISHED,
    BankQuestion,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)
from engage.questionnaire.validation import publish_problems
from engage.timeutil import utcnow


class QuestionnaireError(ValueError):
    """A change that cannot be made, with a message that says why."""


class PublishRefused(QuestionnaireError):
    """Publishing was refused; ``problems`` lists everything to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The draft cannot be published yet.")
        self.problems = problems


def questionnaire_for(partnership: Partnership) -> Questionnaire | None:
    return db.session.scalar(
        sa.select(Questionnaire).where(Questionnaire.partnership_id == partnership.id)
    )


def current_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The most recently published version: the one residents answer."""
    return db.session.scalar(
        sa.select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == PUBLISHED,
        )
        .order_by(QuestionnaireVersion.number.desc())
        .limit(1)
    )


def draft_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return db.session.scalar(
        sa.select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == DRAFT,
        )
    )


def bank_question(partnership_id: int, code: str) -> BankQuestion:
    """The bank entry for ``code``, created on first use."""
    entry = db.session.scalar(
        sa.select(BankQuestion).where(
            BankQuestion.partnership_id == partnership_id, BankQuestion.code == code
        )
    )
    if entry is None:
        entry = BankQuestion(partnership_id=partnership_id, code=code)
        db.session.add(entry)
        db.session.flush()
    return entry


def tag_agency(entry: BankQuestion, agency: Agency) -> bool:
    """Record that ``agency`` uses the question; False if it already did."""
    if agency in entry.agencies:
        return False
    entry.agencies.append(agency)
    return True


def _next_number(questionnaire: Questionnaire) -> int:
    highest = db.session.scalar(
        sa.select(sa.func.max(QuestionnaireVersion.number)).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id
        )
    )
    return (highest or 0) + 1


def _copy_question(question: Question) -> Question:
    copy = Question(
        bank_question=question.bank_question,
        position=question.position,
        code=question.code,
        text=question.text,
        hint=question.hint,
        type=question.type,
        required=question.required,
        min_value=question.min_value,
        max_value=question.max_value,
        max_choices=question.max_choices,
        max_length=question.max_length,
        condition_code=question.condition_code,
        condition_options=list(question.condition_options or []),
    )
    for option in question.options:
        copy.options.append(
            Option(
                position=option.position,
                code=option.code,
                label=option.label,
                value=option.value,
                exclusive=option.exclusive,
            )
        )
    return copy


def start_draft(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The open draft, or a new one copied from the current published version."""
    existing = draft_version(questionnaire)
    if existing is not None:
        return existing
    source = current_version(questionnaire)
    draft = QuestionnaireVersion(
        questionnaire=questionnaire,
        number=_next_number(questionnaire),
        status=DRAFT,
        title=source.title if source else questionnaire.title,
        intro=source.intro if source else "",
    )
    db.session.add(draft)
    if source is not None:
        for section in source.sections:
            new_section = Section(
                position=section.position, title=section.title, intro=section.intro
            )
            draft.sections.append(new_section)
            for question in section.questions:
                new_section.questions.append(_copy_question(question))
    db.session.flush()
    return draft


def fixed_options(question_type: str) -> list[Option]:
    """New option rows for types whose options never vary (agreement, yes/no)."""
    return [
        Option(position=index, code=code, label=label, value=index + 1)
        for index, (code, label) in enumerate(types.FIXED_OPTIONS.get(question_type, []))
    ]


def publish(version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Make the draft the current version, or raise PublishRefused with every problem."""
    if version.status != DRAFT:
        raise QuestionnaireError(f"Version {version.number} is already published.")
    problems = publish_problems(version)
    if problems:
        raise PublishRefused(problems)
    version.status = PUBLISHED
    version.published_at = utcnow()
    db.session.flush()
    return version
