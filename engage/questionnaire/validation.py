"""The checks a draft must pass before it can be published."""

import re
from collections import Counter

import sqlalchemy as sa

from engage.extensions import db
from engage.questionnaire import types
from engage.questionnaire.models import (
    PUBLISHED,
    Option,
    Question,
    QuestionnaireVersion,
    Section,
)
from engage.survey.models import Answer

# Letters, digits and underscores, starting with a letter: valid in SPSS, R and Stata too.
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def valid_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def _structure_problems(version: QuestionnaireVersion) -> list[str]:
    problems = []
    if not version.sections:
        problems.append("The questionnaire has no sections.")
    for section in version.sections:
        if not section.questions:
            problems.append(f"Section ‘{section.title}’ has no questions.")
    return problems


def _code_problems(questions: list[Question]) -> list[str]:
    problems = []
    for code, count in Counter(q.code for q in questions).items():
        if count > 1:
            problems.append(f"The code ‘{code}’ is used by {count} questions; codes must be unique.")
    for question in questions:
        if not valid_code(question.code):
            problems.append(
                f"The code ‘{question.code}’ must start with a lower-case letter and use only "
                "lower-case letters, digits and underscores."
            )
        option_counts = Counter(o.code for o in question.options)
        for code, count in option_counts.items():
            if count > 1:
                problems.append(f"Question ‘{question.code}’ has {count} options with code ‘{code}’.")
    return problems


def _question_problems(question: Question) -> list[str]:
    problems = []
    label = f"Question ‘{question.code}’"
    if question.type not in types.TYPES:
        problems.append(f"{label} has an unknown type ‘{question.type}’.")
    if question.type in types.CHOICE_TYPES and len(question.options) < 2:
        problems.append(f"{label} needs at least two options.")
    if question.type == types.NUMBER:
        if (
            question.min_value is not None
            and question.max_value is not None
            and question.min_value > question.max_value
        ):
            problems.append(f"{label} has a minimum greater than its maximum.")
    if question.type == types.MULTIPLE and question.max_choices is not None:
        if question.max_choices < 1:
            problems.append(f"{label} must allow at least one pick.")
    return problems


def _condition_problems(questions: list[Question]) -> list[str]:
    problems = []
    earlier: dict[str, Question] = {}
    positions = {q.code: index for index, q in enumerate(questions)}
    for question in questions:
        code = question.condition_code
        if code:
            label = f"Question ‘{question.code}’ is shown only if ‘{code}’"
            if code not in positions:
                problems.append(f"{label}, but there is no question with that code.")
            elif code not in earlier:
                problems.append(f"{label}, but that question comes later; it must come earlier.")
            else:
                controller = earlier[code]
                if controller.type not in types.CONDITION_TYPES:
                    problems.append(f"{label}, but that question has no options to choose from.")
                known = {o.code for o in controller.options}
                missing = [c for c in question.condition_options or [] if c not in known]
                if missing:
                    problems.append(
                        f"{label} is {', '.join(missing)}, but ‘{code}’ has no such option."
                    )
                if not question.condition_options:
                    problems.append(f"{label} is one of no options; pick at least one.")
        earlier.setdefault(question.code, question)
    return problems


def _published_usage(version: QuestionnaireVersion) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Option codes that stored answers use, and each code's published type."""
    published = (
        sa.select(Question.id, Question.code, Question.type)
        .join(Section, Question.section_id == Section.id)
        .join(QuestionnaireVersion, Section.version_id == QuestionnaireVersion.id)
        .where(
            QuestionnaireVersion.questionnaire_id == version.questionnaire_id,
            QuestionnaireVersion.status == PUBLISHED,
        )
    ).subquery()
    used_options = db.session.execute(
        sa.select(published.c.code, Option.code)
        .join(Option, Option.question_id == published.c.id)
        .where(
            sa.exists().where(Answer.question_id == Option.question_id, Answer.option_id == Option.id)
        )
        .distinct()
    )
    used: dict[str, set[str]] = {}
    for question_code, option_code in used_options:
        used.setdefault(question_code, set()).add(option_code)
    published_types = {code: qtype for _id, code, qtype in db.session.execute(sa.select(published))}
    return used, published_types


def _compatibility_problems(version: QuestionnaireVersion, questions: list[Question]) -> list[str]:
    problems = []
    used, published_types = _published_usage(version)
    for question in questions:
        earlier_type = published_types.get(question.code)
        if earlier_type and earlier_type != question.type:
            problems.append(
                f"Question ‘{question.code}’ was published as {types.TYPE_LABELS[earlier_type]} "
                f"and is now {types.TYPE_LABELS.get(question.type, question.type)}; results would "
                "not join. Give the changed question a new code."
            )
        present = {o.code for o in question.options}
        for removed in sorted(used.get(question.code, set()) - present):
            problems.append(
                f"Question ‘{question.code}’ no longer has option ‘{removed}’, which published "
                "results use. Put the option back (you can reword its label)."
            )
    return problems


def publish_problems(version: QuestionnaireVersion) -> list[str]:
    """Everything that stops ``version`` being published; empty when it can be."""
    questions = version.questions
    return (
        _structure_problems(version)
        + _code_problems(questions)
        + [p for q in questions for p in _question_problems(q)]
        + _condition_problems(questions)
        + _compatibility_problems(version, questions)
    )
