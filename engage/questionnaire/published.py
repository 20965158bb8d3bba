"""The published copies of a questionnaire's questions, as one query to build on."""

from typing import Any

import sqlalchemy as sa

from engage.questionnaire.models import PUBLISHED, Question, QuestionnaireVersion, Section


def published_copies(questionnaire_id: int, *entities: Any) -> sa.Select:
    """SELECT ``entities`` (the Question by default) over every published version's copy
    of every question of the questionnaire, with Section and QuestionnaireVersion joined
    for ordering and filtering."""
    return (
        sa.select(*(entities or (Question,)))
        .join(Section, Question.section_id == Section.id)
        .join(QuestionnaireVersion, Section.version_id == QuestionnaireVersion.id)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.status == PUBLISHED,
        )
    )
