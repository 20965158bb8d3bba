"""Small factory functions for test data. They flush; the test commits when it needs to."""

import itertools

from engage.accounts.services import create_user
from engage.extensions import db
from engage.partnership.models import Agency, Area, Partnership
from engage.questionnaire import services, types
from engage.questionnaire.models import (
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)

PASSWORD = "correct horse battery"  # noqa: S105
_counter = itertools.count(1)

AGENCIES = [
    ("council", "Riverside City Council", "Council"),
    ("police", "Riverside Police", "Police"),
    ("housing", "Riverside Homes", "Housing"),
    ("fire", "Riverside Fire and Rescue", "Fire"),
    ("health", "Riverside Health Partnership", "Health"),
    ("vcs", "Riverside Voluntary Sector Network", "VCS"),
]
WARDS = [("north", "North Ward"), ("south", "South Ward"), ("east", "East Ward")]


def make_partnership(name: str = "Riverside Partnership") -> Partnership:
    partnership = Partnership(slug="riverside", name=name)
    db.session.add(partnership)
    for slug, agency_name, short in AGENCIES:
        db.session.add(
            Agency(partnership=partnership, slug=slug, name=agency_name, short_name=short)
        )
    for code, ward in WARDS:
        db.session.add(Area(partnership=partnership, code=code, name=ward))
    db.session.flush()
    return partnership


def agency(partnership: Partnership, slug: str) -> Agency:
    return next(a for a in partnership.agencies if a.slug == slug)


def make_user(partnership: Partnership, role: str, agency_slug: str = "council", email=None):
    email = email or f"{role}{next(_counter)}@example.org"
    return create_user(email, PASSWORD, role, agency(partnership, agency_slug), name=role.title())


def add_question(section: Section, code: str, qtype: str, text: str | None = None, **fields):
    """Add a question (with fixed options for agreement and yes/no) to a draft section."""
    partnership_id = section.version.questionnaire.partnership_id
    option_specs = fields.pop("options", None)
    agencies = fields.pop("agencies", [])
    question = Question(
        code=code,
        text=text or f"Question {code}",
        type=qtype,
        position=len(section.questions),
        bank_question=services.bank_question(partnership_id, code),
        **fields,
    )
    section.questions.append(question)
    if option_specs is not None:
        for index, spec in enumerate(option_specs):
            code_, label, *rest = spec
            question.options.append(
                Option(
                    position=index,
                    code=code_,
                    label=label,
                    value=index + 1,
                    exclusive=bool(rest and rest[0]),
                )
            )
    else:
        question.options.extend(services.fixed_options(qtype))
    for agency_ in agencies:
        services.tag_agency(question.bank_question, agency_)
    db.session.flush()
    return question


def make_draft(partnership: Partnership, title: str = "Riverside residents' survey"):
    questionnaire = services.questionnaire_for(partnership)
    if questionnaire is None:
        questionnaire = Questionnaire(partnership=partnership, title=title)
        db.session.add(questionnaire)
        db.session.flush()
    return services.start_draft(questionnaire)


def make_questionnaire(partnership: Partnership, publish: bool = True) -> QuestionnaireVersion:
    """Version 1 with a question of every type, tagged to agencies; published by default."""
    draft = make_draft(partnership)
    council, police = agency(partnership, "council"), agency(partnership, "police")
    area = Section(position=0, title="Your area")
    draft.sections.append(area)
    add_question(
        area, "ward", types.AREA, "Which ward do you live in?", required=True, agencies=[council]
    )
    add_question(
        area,
        "improve",
        types.MULTIPLE,
        "What would most improve your area?",
        max_choices=2,
        options=[
            ("parks", "Parks"),
            ("lighting", "Street lighting"),
            ("litter", "Less litter"),
            ("none", "None of these", True),
        ],
        agencies=[council, police],
    )
    add_question(
        area, "satisfied", types.RATING, "How satisfied are you with your area?", agencies=[council]
    )
    safe = Section(position=1, title="Feeling safe")
    draft.sections.append(safe)
    add_question(
        safe,
        "safe_dark",
        types.SINGLE,
        "How safe do you feel outside after dark?",
        required=True,
        options=[("very", "Very safe"), ("fairly", "Fairly safe"), ("unsafe", "Unsafe")],
        agencies=[police, council],
    )
    add_question(
        safe,
        "why_unsafe",
        types.LONG_TEXT,
        "What makes you feel unsafe?",
        condition_code="safe_dark",
        condition_options=["unsafe"],
        agencies=[police],
    )
    add_question(
        safe,
        "police_agree",
        types.AGREEMENT,
        "The police deal with what matters here.",
        agencies=[police],
    )
    you = Section(position=2, title="About you")
    draft.sections.append(you)
    add_question(
        you,
        "smoke_alarm",
        types.YES_NO,
        "Do you have a working smoke alarm?",
        agencies=[agency(partnership, "fire")],
    )
    add_question(
        you,
        "household",
        types.NUMBER,
        "How many people live in your home?",
        min_value=1,
        max_value=20,
    )
    add_question(you, "street", types.SHORT_TEXT, "Which street do you live on?", max_length=50)
    if publish:
        services.publish(draft)
    return draft
