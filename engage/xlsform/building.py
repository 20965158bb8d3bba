"""A partnership's first questionnaire, built from an XLSForm and published.

For a partnership that has no questionnaire yet (a new installation, or the
round trip of an export): groups become sections, names become codes, choices
become options, relevant expressions become conditions and the language columns
become translations. The form's agency is tagged onto every question. Services
flush; the CLI commits.
"""

from engage.audit import services as audit
from engage.extensions import db
from engage.partnership.models import Agency, Area
from engage.partnership.services import areas
from engage.questionnaire import services as questionnaire_services
from engage.questionnaire import types
from engage.questionnaire.models import Option, Question, QuestionnaireVersion, Section
from engage.xlsform.plan import FormPlan, PlannedQuestion

# The longest text each column takes.
LIMITS = {"title": 200, "text": 500, "label": 300, "code": 64}


class BuildRefused(ValueError):
    """The form cannot become the questionnaire; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The form cannot become the questionnaire.")
        self.problems = problems


def _length_problems(plan: FormPlan) -> list[str]:
    problems = []
    texts = [(f"The title ‘{plan.title[:40]}…’", plan.title, "title")]
    for section in plan.sections:
        texts.append((f"The group ‘{section.name}’’s label", section.title, "title"))
        for question in section.questions:
            texts.append((f"Row {question.row}’s label", question.text, "text"))
            for option in question.options:
                texts.append(
                    (f"Row {question.row}’s choice ‘{option.code}’", option.label, "label")
                )
    for what, text, field in texts:
        if len(text) > LIMITS[field]:
            problems.append(f"{what} is longer than {LIMITS[field]} characters.")
    return problems


def _question(partnership_id: int, planned: PlannedQuestion, position: int, agency: Agency):
    entry = questionnaire_services.bank_question(partnership_id, planned.code)
    questionnaire_services.tag_agency(entry, agency)
    question = Question(
        bank_question=entry,
        position=position,
        code=planned.code,
        text=planned.text,
        hint=planned.hint,
        type=planned.type,
        required=planned.required,
        min_value=planned.min_value,
        max_value=planned.max_value,
        max_choices=planned.max_choices,
        max_length=planned.max_length,
        condition_code=planned.condition_code,
        condition_options=list(planned.condition_options),
        translations=planned.translations,
    )
    question.options = [
        Option(
            position=index,
            code=option.code,
            label=option.label,
            value=option.value,
            exclusive=option.exclusive,
            translations=option.translations,
        )
        for index, option in enumerate(planned.options)
    ]
    if not question.options and planned.type in types.FIXED_OPTIONS:
        question.options = questionnaire_services.fixed_options(planned.type)
    return question


def _add_areas(agency: Agency, plan: FormPlan) -> list[str]:
    """Give a partnership with no areas the wards an area question offers; say what was done."""
    partnership = agency.partnership
    area_question = next((q for q in plan.questions if q.type == types.AREA), None)
    if area_question is None:
        return []
    existing = areas(partnership)
    offered = [(o.code, o.label) for o in area_question.area_choices]
    if existing:
        if sorted(offered) != sorted((a.code, a.name) for a in existing):
            return [
                f"The question ‘{area_question.code}’ offers the partnership’s own areas, "
                "not the choices in the form."
            ]
        return []
    for code, name in offered:
        db.session.add(Area(partnership=partnership, code=code, name=name))
    db.session.flush()
    return [f"Added {len(offered)} areas from the choices of ‘{area_question.code}’."]


def build_questionnaire(plan: FormPlan, agency: Agency) -> tuple[QuestionnaireVersion, list[str]]:
    """Publish version 1 of the partnership's questionnaire from ``plan``.

    Returns the version and notes on what was done; raises BuildRefused when
    the partnership has a questionnaire already or the result cannot be published.
    """
    partnership = agency.partnership
    if questionnaire_services.questionnaire_for(partnership) is not None:
        raise BuildRefused(
            [
                f"{partnership.name} already has a questionnaire. Import the form into the "
                "question bank instead, without --as-questionnaire."
            ]
        )
    problems = _length_problems(plan)
    if not plan.sections:
        problems.append("The form has no question Engage can ask.")
    if problems:
        raise BuildRefused(problems)
    notes = _add_areas(agency, plan)
    draft = questionnaire_services.start_draft_for(partnership)
    draft.questionnaire.title = plan.title
    draft.title, draft.intro, draft.translations = plan.title, plan.intro, plan.translations
    for position, planned_section in enumerate(plan.sections):
        section = Section(
            position=position,
            title=planned_section.title,
            intro=planned_section.intro,
            translations=planned_section.translations,
        )
        draft.sections.append(section)
        for index, planned in enumerate(planned_section.questions):
            section.questions.append(_question(partnership.id, planned, index, agency))
    db.session.flush()
    try:
        questionnaire_services.publish(draft)
    except questionnaire_services.PublishRefused as refused:
        raise BuildRefused(refused.problems) from refused
    audit.record(
        audit.ADMIN,
        "questionnaire.publish",
        None,
        detail=f"Version {draft.number} from {agency.name}’s XLSForm (command line)",
    )
    return draft, notes
