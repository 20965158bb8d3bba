"""Finding versions, starting a draft, and publishing it.

Services flush; the caller (a view or a CLI command) commits.
"""

from typing import Any

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
from engage.survey.models import Response
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


def version_by_number(questionnaire: Questionnaire, number: int) -> QuestionnaireVersion | None:
    return db.session.scalar(
        sa.select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.number == number,
        )
    )


def earlier_questions(section: Section, question: Question | None = None) -> list[Question]:
    """The questions before ``question``, or before the end of ``section`` for a new one."""
    earlier: list[Question] = []
    for candidate_section in section.version.sections:
        for candidate in candidate_section.questions:
            if candidate is question:
                return earlier
            earlier.append(candidate)
        if candidate_section is section and question is None:
            return earlier
    return earlier


def dependants(item: Section | Question | Option) -> list[Question]:
    """Other questions whose condition names ``item`` (or, for a section, one of its questions)."""
    if isinstance(item, Option):
        return [q for q in dependants(item.question) if item.code in (q.condition_options or [])]
    inside = item.questions if isinstance(item, Section) else [item]
    codes = {q.code for q in inside}
    return [q for q in item.version.questions if q.condition_code in codes and q not in inside]


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


def set_agencies(entry: BankQuestion, agencies: list[Agency]) -> None:
    """Tag exactly ``agencies``; the tags live on the bank entry, so every version shares them."""
    for agency in list(entry.agencies):
        if agency not in agencies:
            entry.agencies.remove(agency)
    for agency in agencies:
        tag_agency(entry, agency)


def _next_number(questionnaire: Questionnaire) -> int:
    highest = db.session.scalar(
        sa.select(sa.func.max(QuestionnaireVersion.number)).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id
        )
    )
    return (highest or 0) + 1


def copy_translations(obj: Any) -> dict:
    """A deep copy, so the draft's translations never share a dict with a published row."""
    return {lang: dict(fields) for lang, fields in (obj.translations or {}).items()}


def _copy_question(question: Question) -> Question:
    copy = Question(
        bank_question=question.bank_question,
        position=question.position,
        code=question.code,
        text=question.text,
        hint=question.hint,
        type=question.type,
        required=question.required,
        ordered=question.ordered,
        about_respondent=question.about_respondent,
        min_value=question.min_value,
        max_value=question.max_value,
        max_choices=question.max_choices,
        max_length=question.max_length,
        condition_code=question.condition_code,
        condition_options=list(question.condition_options or []),
        translations=copy_translations(question),
    )
    for option in question.options:
        copy.options.append(
            Option(
                position=option.position,
                code=option.code,
                label=option.label,
                value=option.value,
                exclusive=option.exclusive,
                missing=option.missing,
                translations=copy_translations(option),
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
        translations=copy_translations(source) if source else {},
    )
    db.session.add(draft)
    if source is not None:
        for section in source.sections:
            new_section = Section(
                position=section.position,
                title=section.title,
                intro=section.intro,
                translations=copy_translations(section),
            )
            draft.sections.append(new_section)
            for question in section.questions:
                new_section.questions.append(_copy_question(question))
    db.session.flush()
    return draft


def start_draft_for(partnership: Partnership) -> QuestionnaireVersion:
    """The open draft, creating the partnership's questionnaire first if there is none."""
    questionnaire = questionnaire_for(partnership)
    if questionnaire is None:
        questionnaire = Questionnaire(
            partnership=partnership, title=f"{partnership.name} residents’ survey"
        )
        db.session.add(questionnaire)
        db.session.flush()
    return start_draft(questionnaire)


def response_counts(questionnaire: Questionnaire) -> dict[int, int]:
    """The number of stored responses to each version, by version id."""
    rows = db.session.execute(
        sa.select(Response.version_id, sa.func.count(Response.id))
        .join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire.id)
        .group_by(Response.version_id)
    )
    return {version_id: count for version_id, count in rows}


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
