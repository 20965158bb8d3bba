"""Headline figures for the staff home page, the partnership page and `stats --json`."""

import sqlalchemy as sa

from engage.extensions import db
from engage.partnership.models import Agency
from engage.partnership.services import current_partnership
from engage.questionnaire.models import (
    BankQuestion,
    Question,
    QuestionnaireVersion,
    Section,
    bank_question_agency,
)
from engage.questionnaire.services import current_version, questionnaire_for
from engage.survey.models import Response


def headline_stats() -> dict:
    """Agencies; questions (shared, single-agency) in the current version; all responses."""
    empty = {
        "partnership": None,
        "agencies": 0,
        "questions": 0,
        "questions_shared": 0,
        "questions_single_agency": 0,
        "responses": 0,
        "responses_current_version": 0,
        "version": None,
    }
    partnership = current_partnership()
    if partnership is None:
        return empty
    stats = dict(empty, partnership=partnership.name)
    stats["agencies"] = db.session.scalar(
        sa.select(sa.func.count(Agency.id)).where(Agency.partnership_id == partnership.id)
    )
    questionnaire = questionnaire_for(partnership)
    version = current_version(questionnaire) if questionnaire else None
    if version is None:
        return stats
    agency_counts = (
        sa.select(BankQuestion.id, sa.func.count(bank_question_agency.c.agency_id).label("n"))
        .join(Question, Question.bank_question_id == BankQuestion.id)
        .join(Section, Question.section_id == Section.id)
        .outerjoin(bank_question_agency, bank_question_agency.c.bank_question_id == BankQuestion.id)
        .where(Section.version_id == version.id)
        .group_by(BankQuestion.id)
    ).subquery()
    counts = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(agency_counts.c.n >= 2),
            sa.func.count().filter(agency_counts.c.n == 1),
        ).select_from(agency_counts)
    ).one()
    stats["questions"], stats["questions_shared"], stats["questions_single_agency"] = counts
    stats["version"] = version.number
    stats["responses_current_version"] = db.session.scalar(
        sa.select(sa.func.count(Response.id)).where(Response.version_id == version.id)
    )
    stats["responses"] = db.session.scalar(
        sa.select(sa.func.count(Response.id))
        .join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
        .where(QuestionnaireVersion.questionnaire_id == version.questionnaire_id)
    )
    return stats
