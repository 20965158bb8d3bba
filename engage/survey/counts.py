"""Per-question counts, done by the database and joined across versions by code.

The answer index that starts with question_id lets each count read only the index
entries of the questions that carry the code.
"""

import sqlalchemy as sa

from engage.extensions import db
from engage.questionnaire.models import Option, Question, QuestionnaireVersion, Section
from engage.survey.models import Answer


def _question_ids(questionnaire_id: int, code: str) -> sa.Select:
    """Ids of every published or draft copy of the question with ``code``."""
    return (
        sa.select(Question.id)
        .join(Section, Question.section_id == Section.id)
        .join(QuestionnaireVersion, Section.version_id == QuestionnaireVersion.id)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id, Question.code == code)
    )


def option_counts(questionnaire_id: int, code: str) -> dict[str, int]:
    """How many answers chose each option code of a choice question, over all versions."""
    rows = db.session.execute(
        sa.select(Option.code, sa.func.count())
        .select_from(Answer)
        .join(Option, Answer.option_id == Option.id)
        .where(Answer.question_id.in_(_question_ids(questionnaire_id, code)))
        .group_by(Option.code)
    )
    return {option_code: count for option_code, count in rows}


def number_counts(questionnaire_id: int, code: str) -> dict[int, int]:
    """How many answers gave each value of a rating or number question, over all versions."""
    rows = db.session.execute(
        sa.select(Answer.number_value, sa.func.count())
        .where(
            Answer.question_id.in_(_question_ids(questionnaire_id, code)),
            Answer.number_value.is_not(None),
        )
        .group_by(Answer.number_value)
    )
    return {value: count for value, count in rows if value is not None}


def respondents(questionnaire_id: int, code: str) -> int:
    """How many responses answered the question at all (a multiple choice counts once)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Answer.response_id))).where(
                Answer.question_id.in_(_question_ids(questionnaire_id, code))
            )
        )
        or 0
    )
