"""Changing a draft: its sections, questions, options and agency tags.

Every function refuses a version that is not a draft, flushes, and leaves the
commit to the caller. The flush-time guard in immutability.py is the backstop;
these checks come first so the admin gets a message that says what to do.
"""

from dataclasses import dataclass, field

from engage.extensions import db
from engage.partnership.models import Agency
from engage.questionnaire import types
from engage.questionnaire.models import Option, Question, QuestionnaireVersion, Section
from engage.questionnaire.services import (
    QuestionnaireError,
    bank_question,
    dependants,
    earlier_questions,
    fixed_options,
    set_agencies,
)
from engage.questionnaire.validation import condition_problem

UP, DOWN = "up", "down"


class EditRefused(QuestionnaireError):
    """A change the draft cannot take; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class QuestionFields:
    """Everything the admin sets on a question, already parsed."""

    code: str
    text: str
    type: str
    hint: str = ""
    required: bool = False
    ordered: bool = False
    about_respondent: bool = False
    min_value: int | None = None
    max_value: int | None = None
    max_choices: int | None = None
    max_length: int | None = None
    condition_code: str | None = None
    condition_options: list[str] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)


def version_of(item: QuestionnaireVersion | Section | Question | Option) -> QuestionnaireVersion:
    if isinstance(item, QuestionnaireVersion):
        return item
    if isinstance(item, Option):
        return item.question.version
    return item.version


def require_draft(item: QuestionnaireVersion | Section | Question | Option) -> None:
    version = version_of(item)
    if not version.is_draft:
        raise QuestionnaireError(
            f"Version {version.number} is published and cannot be changed. "
            "Start a new draft and make the change there."
        )


def update_details(version: QuestionnaireVersion, title: str, intro: str) -> None:
    require_draft(version)
    version.title, version.intro = title, intro
    db.session.flush()


def _renumber(items: list) -> None:
    for position, item in enumerate(items):
        item.position = position


def _swapped(items: list, item: object, direction: str) -> list | None:
    """``items`` with ``item`` moved one place, or None if it is already at that end."""
    if direction not in (UP, DOWN):
        raise EditRefused("Choose to move up or down.")
    items = list(items)
    index = items.index(item)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(items):
        return None
    items[index], items[other] = items[other], items[index]
    return items


# Sections


def add_section(version: QuestionnaireVersion, title: str, intro: str = "") -> Section:
    require_draft(version)
    section = Section(title=title, intro=intro, position=len(version.sections))
    version.sections.append(section)
    db.session.flush()
    return section


def update_section(section: Section, title: str, intro: str) -> None:
    require_draft(section)
    section.title, section.intro = title, intro
    db.session.flush()


def delete_section(section: Section) -> None:
    """Remove the section and every question in it."""
    require_draft(section)
    version = section.version
    version.sections.remove(section)
    _renumber(version.sections)
    db.session.flush()


def move_section(section: Section, direction: str) -> bool:
    require_draft(section)
    version = section.version
    reordered = _swapped(version.sections, section, direction)
    if reordered is None:
        return False
    version.sections = reordered
    _renumber(reordered)
    db.session.flush()
    return True


# Questions


def _check_code_free(version: QuestionnaireVersion, code: str, question: Question | None) -> None:
    clash = next((q for q in version.questions if q.code == code and q is not question), None)
    if clash is not None:
        raise EditRefused(
            f"The code ‘{code}’ is already used by ‘{clash.text}’. "
            "Each question needs its own code.",
            "code",
        )


def _check_fields(fields: QuestionFields, earlier: list[Question], everything: list[Question]):
    """Refuse an unknown type, or a condition that does not name an earlier question's options."""
    if fields.type not in types.TYPES:
        raise EditRefused("Select a type of answer from the list.", "type")
    if not fields.condition_code:
        if fields.condition_options:
            raise EditRefused(
                "Choose the question this one depends on, or clear the option codes.",
                "condition_code",
            )
        return
    problem = condition_problem(
        fields.code, fields.condition_code, fields.condition_options, earlier, everything
    )
    if problem:
        controller = next((q for q in earlier if q.code == fields.condition_code), None)
        about_options = controller is not None and controller.type in types.CONDITION_TYPES
        field_name = "condition_options" if about_options else "condition_code"
        raise EditRefused(problem[0].upper() + problem[1:] + ".", field_name)


def _set_type(question: Question, new_type: str) -> None:
    """Change the type, replacing options when the new type's options are fixed or absent.

    Options kept when changing to single or multiple choice become editable.
    """
    if new_type in types.FIXED_OPTIONS:
        if question.type != new_type or not question.options:
            question.options = fixed_options(new_type)
    elif new_type not in types.EDITABLE_OPTIONS:
        question.options = []
    question.type = new_type


def _apply(question: Question, fields: QuestionFields) -> None:
    _set_type(question, fields.type)
    question.text = fields.text
    question.hint = fields.hint
    question.required = fields.required
    question.ordered = fields.ordered and fields.type == types.SINGLE
    question.about_respondent = fields.about_respondent
    is_number = fields.type == types.NUMBER
    question.min_value = fields.min_value if is_number else None
    question.max_value = fields.max_value if is_number else None
    question.max_choices = fields.max_choices if fields.type == types.MULTIPLE else None
    question.max_length = fields.max_length if fields.type in types.TEXT_TYPES else None
    question.condition_code = fields.condition_code or None
    question.condition_options = list(fields.condition_options) if fields.condition_code else []
    set_agencies(question.bank_question, fields.agencies)


def add_question(section: Section, fields: QuestionFields) -> Question:
    """Add a question at the end of ``section``."""
    require_draft(section)
    version = section.version
    _check_code_free(version, fields.code, None)
    _check_fields(fields, earlier_questions(section), version.questions)
    entry = bank_question(version.questionnaire.partnership_id, fields.code)
    question = Question(code=fields.code, position=len(section.questions), bank_question=entry)
    section.questions.append(question)
    _apply(question, fields)
    db.session.flush()
    return question


def update_question(question: Question, fields: QuestionFields) -> None:
    """Change a question; renaming its code also renames it in other questions' conditions."""
    require_draft(question)
    version = question.version
    _check_code_free(version, fields.code, question)
    _check_fields(fields, earlier_questions(question.section, question), version.questions)
    if fields.code != question.code:
        for dependant in dependants(question):
            dependant.condition_code = fields.code
        question.bank_question = bank_question(version.questionnaire.partnership_id, fields.code)
        question.code = fields.code
    _apply(question, fields)
    db.session.flush()


def delete_question(question: Question) -> None:
    """Remove the question; questions that depend on it are caught when publishing."""
    require_draft(question)
    section = question.section
    section.questions.remove(question)
    _renumber(section.questions)
    db.session.flush()


def move_question(question: Question, direction: str) -> bool:
    """Move one place; from the top or bottom of a section, into the neighbouring section."""
    require_draft(question)
    section = question.section
    reordered = _swapped(section.questions, question, direction)
    if reordered is not None:
        section.questions = reordered
        _renumber(reordered)
        db.session.flush()
        return True
    sections = section.version.sections
    index = sections.index(section) + (-1 if direction == UP else 1)
    if not 0 <= index < len(sections):
        return False
    target = sections[index]
    # No flush in between: the question would be deleted as an orphan of its old section.
    with db.session.no_autoflush:
        others = list(target.questions)
        section.questions.remove(question)
        target.questions = [*others, question] if direction == UP else [question, *others]
        _renumber(section.questions)
        _renumber(target.questions)
    db.session.flush()
    return True


# Options


def require_editable_options(question: Question) -> None:
    if question.type not in types.EDITABLE_OPTIONS:
        raise QuestionnaireError(
            f"The options of a ‘{types.TYPE_LABELS.get(question.type, question.type)}’ "
            "question are fixed and cannot be edited."
        )


def _check_option_code_free(question: Question, code: str, option: Option | None) -> None:
    if any(o.code == code and o is not option for o in question.options):
        raise EditRefused(f"This question already has an option with the code ‘{code}’.", "code")


def add_option(
    question: Question,
    code: str,
    label: str,
    exclusive: bool = False,
    missing: bool | None = None,
) -> Option:
    """Add an option at the end, with the next unused numeric value. ``missing`` None:
    a missing code if its code is one of the usual ones (``types.MISSING_CODES``)."""
    require_draft(question)
    require_editable_options(question)
    _check_option_code_free(question, code, None)
    value = max((o.value for o in question.options), default=0) + 1
    option = Option(
        code=code,
        label=label,
        exclusive=exclusive,
        missing=code in types.MISSING_CODES if missing is None else missing,
        value=value,
        position=len(question.options),
    )
    question.options.append(option)
    db.session.flush()
    return option


def update_option(
    option: Option, code: str, label: str, exclusive: bool, missing: bool = False
) -> None:
    """Change an option; a new code is carried into conditions that name the old one."""
    question = option.question
    require_draft(question)
    require_editable_options(question)
    _check_option_code_free(question, code, option)
    if code != option.code:
        for dependant in dependants(option):
            dependant.condition_options = [
                code if c == option.code else c for c in dependant.condition_options
            ]
    option.code, option.label, option.exclusive = code, label, exclusive
    option.missing = missing
    db.session.flush()


def delete_option(option: Option) -> None:
    question = option.question
    require_draft(question)
    require_editable_options(question)
    question.options.remove(option)
    _renumber(question.options)
    db.session.flush()


def move_option(option: Option, direction: str) -> bool:
    question = option.question
    require_draft(question)
    require_editable_options(question)
    reordered = _swapped(question.options, option, direction)
    if reordered is None:
        return False
    question.options = reordered
    _renumber(reordered)
    db.session.flush()
    return True
