"""The checks a draft must pass before it can be published."""

import re
from collections import Counter

import sqlalchemy as sa

from engage.extensions import db
from engage.questionnaire import comparability, types
from engage.questionnaire.models import (
    Option,
    Question,
    QuestionnaireVersion,
)
from engage.questionnaire.published import published_copies
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
            problems.append(
                f"The code ‘{code}’ is used by {count} questions; codes must be unique."
            )
    for question in questions:
        if not valid_code(question.code):
            problems.append(
                f"The code ‘{question.code}’ must start with a lower-case letter and use only "
                "lower-case letters, digits and underscores."
            )
        for option in question.options:
            if not valid_code(option.code):
                problems.append(
                    f"Question ‘{question.code}’ has an option code ‘{option.code}’; option codes "
                    "follow the same rule as question codes."
                )
        option_counts = Counter(o.code for o in question.options)
        for code, count in option_counts.items():
            if count > 1:
                problems.append(
                    f"Question ‘{question.code}’ has {count} options with code ‘{code}’."
                )
    return problems


def _question_problems(question: Question) -> list[str]:
    problems = []
    label = f"Question ‘{question.code}’"
    if question.type not in types.TYPES:
        problems.append(f"{label} has an unknown type ‘{question.type}’.")
    if question.type in types.CHOICE_TYPES and len(question.options) < 2:
        problems.append(f"{label} needs at least two options.")
    low, high = question.min_value, question.max_value
    if question.type == types.NUMBER and low is not None and high is not None and low > high:
        problems.append(f"{label} has a minimum greater than its maximum.")
    picks = question.max_choices
    if question.type == types.MULTIPLE and picks is not None and picks < 1:
        problems.append(f"{label} must allow at least one pick.")
    length = question.max_length
    if question.type in types.TEXT_TYPES and length is not None and length < 1:
        problems.append(f"{label} must allow at least one character.")
    return problems


def condition_problem(
    code: str,
    condition_code: str,
    condition_options: list[str],
    earlier: list[Question],
    everything: list[Question],
) -> str | None:
    """What is wrong with a condition: show ``code`` only if ``condition_code`` is one of
    ``condition_options``. A clause to finish a sentence, or None when the condition is sound."""
    if condition_code == code:
        return "a question cannot depend on its own answer"
    controller = next((q for q in earlier if q.code == condition_code), None)
    if controller is None:
        if any(q.code == condition_code for q in everything):
            return (
                f"‘{condition_code}’ comes after it; a question can only depend on an earlier one"
            )
        return f"there is no question with the code ‘{condition_code}’"
    if controller.type not in types.CONDITION_TYPES:
        return f"‘{condition_code}’ has no options to choose from"
    if not condition_options:
        return "no option codes are chosen; choose at least one"
    known = {o.code for o in controller.options}
    missing = [c for c in condition_options if c not in known]
    if missing:
        listed = ", ".join(f"‘{c}’" for c in missing)
        options = ", ".join(sorted(known)) or "none"
        return f"‘{condition_code}’ has no option {listed} (its options are: {options})"
    return None


def _condition_problems(questions: list[Question]) -> list[str]:
    problems = []
    for index, question in enumerate(questions):
        code = question.condition_code
        if not code:
            continue
        problem = condition_problem(
            question.code, code, question.condition_options or [], questions[:index], questions
        )
        if problem:
            problems.append(
                f"Question ‘{question.code}’ depends on the answer to ‘{code}’, but {problem}."
            )
    return problems


def _published_usage(version: QuestionnaireVersion) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Option codes that stored answers use, and each code's published type."""
    published = published_copies(
        version.questionnaire_id, Question.id, Question.code, Question.type
    ).subquery()
    offered = sa.select(Option.id).join(published, Option.question_id == published.c.id)
    # One pass over the answers (they are indexed by response only, so that storing a
    # response stays cheap); publishing is rare, storing is not.
    chosen = sa.select(Answer.option_id).where(Answer.option_id.in_(offered)).distinct()
    used_options = db.session.execute(
        sa.select(published.c.code, Option.code)
        .join(Option, Option.question_id == published.c.id)
        .where(Option.id.in_(chosen.scalar_subquery()))
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
        + comparability.undecided_problems(version)
    )
