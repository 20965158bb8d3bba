"""A questionnaire built from an XLSForm: a partnership's first (published), or the
next draft of the existing one.

Groups become sections, names become codes, choices become options, relevant
expressions become conditions and the language columns become translations.

- ``build_questionnaire``: for a partnership that has no questionnaire yet (a new
  installation, or the round trip of an export); the form's agency is tagged onto
  every question, and version 1 is published.
- ``build_draft``: a workbook made by ``xlsform export`` and edited in Excel (as
  KoboToolbox users "replace a form") becomes the next draft. Questions and options
  are matched by code, so results keep joining across versions: a matched option
  keeps its numeric value, and a question keeps its bank entry and agency tags.
  Publishing stays a separate step, with the usual checks.

Services flush; the callers commit.
"""

from engage.accounts.models import User
from engage.audit import services as audit
from engage.extensions import db
from engage.partnership.models import Agency, Area
from engage.partnership.services import areas
from engage.questionnaire import services as questionnaire_services
from engage.questionnaire import types
from engage.questionnaire.models import Option, Question, QuestionnaireVersion, Section
from engage.xlsform.mapping import plan_form
from engage.xlsform.plan import FormPlan, PlannedQuestion
from engage.xlsform.reading import read_form

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


def _question(
    partnership_id: int,
    planned: PlannedQuestion,
    position: int,
    agency: Agency,
    values: dict[str, int] | None = None,
):
    """A new question from the plan; ``values``: option values to keep, by option code
    (a question the questionnaire already asks), and then only new codes are tagged."""
    entry = questionnaire_services.bank_question(partnership_id, planned.code)
    if values is None or not entry.agencies:
        questionnaire_services.tag_agency(entry, agency)
    question = Question(
        bank_question=entry,
        position=position,
        code=planned.code,
        text=planned.text,
        hint=planned.hint,
        type=planned.type,
        required=planned.required,
        ordered=planned.ordered and planned.type == types.SINGLE,
        min_value=planned.min_value,
        max_value=planned.max_value,
        max_choices=planned.max_choices,
        max_length=planned.max_length,
        condition_code=planned.condition_code,
        condition_options=list(planned.condition_options),
        translations=planned.translations,
    )
    if planned.about_respondent is not None:
        question.about_respondent = planned.about_respondent
    question.options = [
        Option(
            position=index,
            code=option.code,
            label=option.label,
            value=value,
            exclusive=option.exclusive,
            missing=option.code in types.MISSING_CODES
            if option.missing is None
            else option.missing,
            translations=option.translations,
        )
        for index, (option, value) in enumerate(
            zip(planned.options, _option_values(planned, values or {}), strict=True)
        )
    ]
    if not question.options and planned.type in types.FIXED_OPTIONS:
        question.options = questionnaire_services.fixed_options(planned.type)
    return question


def _option_values(planned: PlannedQuestion, kept: dict[str, int]) -> list[int]:
    """Each planned option's numeric value: the one its code had (so statistics files
    keep their coding), else the workbook's, else the next one free."""
    taken = set(kept.values())
    values = []
    for option in planned.options:
        if option.code in kept:
            values.append(kept[option.code])
            continue
        value = option.value
        if value in taken:
            value = max(taken) + 1
        taken.add(value)
        values.append(value)
    return values


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
    _fill(draft, plan, agency, None)
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


def build_draft(
    plan: FormPlan, agency: Agency, replace_draft: bool = False
) -> tuple[QuestionnaireVersion, list[str]]:
    """Make ``plan`` the next draft of the partnership's questionnaire (not published).

    Returns the draft and notes on what changed against the current version; raises
    BuildRefused when there is no questionnaire, when a draft is open (unless
    ``replace_draft``: its sections are replaced) or when a text is too long.
    """
    partnership = agency.partnership
    questionnaire = questionnaire_services.questionnaire_for(partnership)
    if questionnaire is None:
        raise BuildRefused(
            [
                f"{partnership.name} has no questionnaire yet. Import the form as the first "
                "one (--as-questionnaire)."
            ]
        )
    open_draft = questionnaire_services.draft_version(questionnaire)
    problems = _length_problems(plan)
    if open_draft is not None and not replace_draft:
        problems.append(
            f"Version {open_draft.number} is already a draft, with changes of its own. "
            "Publish it first, or replace it with this workbook (--replace-draft, or "
            "“Replace the open draft” on the import page)."
        )
    if not plan.sections:
        problems.append("The form has no question Engage can ask.")
    if problems:
        raise BuildRefused(problems)
    current = questionnaire_services.current_version(questionnaire)
    before = {q.code: q for q in current.questions} if current else {}
    draft = open_draft or questionnaire_services.start_draft(questionnaire)
    draft.sections.clear()  # a replaced draft's own sections go (delete-orphan)
    db.session.flush()
    _fill(draft, plan, agency, before)
    return draft, _changes(before, draft)


def _fill(
    draft: QuestionnaireVersion, plan: FormPlan, agency: Agency, before: dict[str, Question] | None
) -> None:
    """The plan's sections and questions into an empty draft. ``before``: the current
    version's questions by code, whose option values matched questions keep."""
    draft.title, draft.intro, draft.translations = plan.title, plan.intro, plan.translations
    partnership_id = agency.partnership.id
    for position, planned_section in enumerate(plan.sections):
        section = Section(
            position=position,
            title=planned_section.title,
            intro=planned_section.intro,
            translations=planned_section.translations,
        )
        draft.sections.append(section)
        for index, planned in enumerate(planned_section.questions):
            kept = before.get(planned.code) if before is not None else None
            values = {o.code: o.value for o in kept.options} if kept is not None else None
            section.questions.append(_question(partnership_id, planned, index, agency, values))
    db.session.flush()


def _changes(before: dict[str, Question], draft: QuestionnaireVersion) -> list[str]:
    """What the draft changes against the current version, one line each."""
    after = {q.code: q for q in draft.questions}
    notes = [f"New question ‘{code}’." for code in after if code not in before]
    notes += [f"Question ‘{code}’ is left out." for code in before if code not in after]
    for code, question in after.items():
        old = before.get(code)
        if old is None:
            continue
        if old.text != question.text:
            notes.append(f"Question ‘{code}’ is reworded.")
        old_options = {o.code: o.label for o in old.options}
        for option in question.options:
            if option.code not in old_options:
                notes.append(f"Question ‘{code}’ has a new option ‘{option.code}’.")
            elif old_options[option.code] != option.label:
                notes.append(f"Question ‘{code}’: option ‘{option.code}’ is relabelled.")
        for removed in old_options.keys() - {o.code for o in question.options}:
            notes.append(f"Question ‘{code}’ no longer offers ‘{removed}’.")
    return notes


def draft_from_workbook(
    data: bytes, agency: Agency, user: User | None, replace_draft: bool = False
) -> tuple[QuestionnaireVersion, list[str]]:
    """Read a workbook and make it the next draft (``build_draft``), audited; returns
    the draft and notes: rows not imported, then what changed. Raises FormError for a
    workbook that is not a form, BuildRefused as ``build_draft`` does."""
    plan = plan_form(read_form(data))
    draft, changes = build_draft(plan, agency, replace_draft)
    where = "" if user is not None else " (command line)"
    audit.record(
        audit.ADMIN,
        "questionnaire.import_draft",
        user,
        detail=f"Version {draft.number} (draft) from {agency.name}’s workbook{where}",
    )
    unsupported = [
        f"Not imported: row {item.row}, {item.written_type}: {item.reason}."
        for item in plan.unsupported
    ]
    return draft, unsupported + changes
