"""The partnership this installation serves, and which agency uses which question."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import g

from engage.extensions import db
from engage.partnership.models import Agency, Area, Partnership
from engage.questionnaire.models import (
    Question,
    QuestionnaireVersion,
    Section,
    bank_question_agency,
)


def current_partnership() -> Partnership | None:
    """The partnership this installation serves (the first one created), cached per request."""
    if "partnership" not in g:
        g.partnership = db.session.scalar(sa.select(Partnership).order_by(Partnership.id).limit(1))
    return g.partnership


def agencies(partnership: Partnership) -> list[Agency]:
    return list(
        db.session.scalars(
            sa.select(Agency).where(Agency.partnership_id == partnership.id).order_by(Agency.name)
        )
    )


def areas(partnership: Partnership) -> list[Area]:
    return list(
        db.session.scalars(
            sa.select(Area).where(Area.partnership_id == partnership.id).order_by(Area.name)
        )
    )


def agency_by_slug(partnership: Partnership, slug: str) -> Agency | None:
    return db.session.scalar(
        sa.select(Agency).where(Agency.partnership_id == partnership.id, Agency.slug == slug)
    )


@dataclass
class AgencyQuestion:
    """A question an agency uses, and the other agencies that use it too."""

    code: str
    text: str
    section: str
    shared_with: list[str]


@dataclass
class AgencyUsage:
    """One agency's questions in a questionnaire version, in questionnaire order."""

    agency: Agency
    questions: list[AgencyQuestion] = field(default_factory=list)


@dataclass
class VersionUsage:
    """Who uses what in a version: per agency, plus the questions no agency has claimed."""

    agencies: list[AgencyUsage]
    unclaimed: list[AgencyQuestion]


def version_usage(partnership: Partnership, version: QuestionnaireVersion | None) -> VersionUsage:
    """Each agency's questions in ``version``, from one query over the version's questions."""
    usage = {agency.id: AgencyUsage(agency) for agency in agencies(partnership)}
    if version is None:
        return VersionUsage(list(usage.values()), [])
    rows = db.session.execute(
        sa.select(Question.code, Question.text, Section.title, Agency.id, Agency.short_name)
        .join(Section, Question.section_id == Section.id)
        .outerjoin(
            bank_question_agency,
            bank_question_agency.c.bank_question_id == Question.bank_question_id,
        )
        .outerjoin(Agency, Agency.id == bank_question_agency.c.agency_id)
        .where(Section.version_id == version.id)
        .order_by(Section.position, Question.position, Question.id, Agency.name)
    ).all()
    users: dict[str, list[tuple[int, str]]] = {}
    details: dict[str, tuple[str, str]] = {}
    for code, text, section, agency_id, short_name in rows:
        details.setdefault(code, (text, section))
        found = users.setdefault(code, [])
        if agency_id is not None:
            found.append((agency_id, short_name))
    unclaimed = []
    for code, (text, section) in details.items():
        if not users[code]:
            unclaimed.append(AgencyQuestion(code, text, section, []))
        for agency_id, _name in users[code]:
            others = [name for other_id, name in users[code] if other_id != agency_id]
            if agency_id in usage:
                usage[agency_id].questions.append(AgencyQuestion(code, text, section, others))
    return VersionUsage(list(usage.values()), unclaimed)
