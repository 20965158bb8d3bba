"""Checking a resident's answers against the questionnaire. No Flask in here.

``check_answers`` takes the questions in order and the raw submitted values
(a list of strings per question code) and returns the parsed answers plus a
message per question that needs fixing. Questions hidden by their condition
are skipped: their answers are dropped and their required flag does not apply.

Messages are ``Problem`` strings: the English text, which also carries its msgid
and parameters so that a page can show it in the resident's language.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engage.database import MAX_ID
from engage.questionnaire import types


def N_(msgid: str) -> str:
    """Mark ``msgid`` for ``pybabel extract`` (-k N_) without translating it here."""
    return msgid


class Problem(str):
    """A message about an answer: reads as English, translatable as ``msgid % params``."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> "Problem":
        problem = super().__new__(cls, msgid % params if params else msgid)
        problem.msgid = msgid
        problem.params = params
        return problem


# Control characters other than tab and newline cannot be stored (PostgreSQL refuses NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Answer:
    """A parsed answer: option codes, a number, a text, or an area code."""

    option_codes: list[str] = field(default_factory=list)
    number: int | None = None
    text: str | None = None
    area_code: str | None = None


@dataclass
class Checked:
    answers: dict[str, Answer]
    errors: dict[str, str]  # each message is a Problem
    shown: set[str] = field(default_factory=set)  # the questions that apply, by code

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(value: str) -> str:
    """Normalise line endings and Unicode form, drop control characters, trim."""
    if value.isascii() and value.isprintable():
        return value.strip()  # an option code or a number: nothing else to do
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = unicodedata.normalize("NFC", _CONTROL.sub("", value))
    return value.strip()


def _values(raw: Sequence[str]) -> list[str]:
    return [v for v in (clean_text(x) for x in raw) if v]


def max_length(question: Any) -> int:
    return question.max_length or types.DEFAULT_MAX_LENGTH.get(question.type, 200)


def number_range_message(low: int | None, high: int | None) -> Problem:
    if low is not None and high is not None:
        return Problem(N_("Enter a whole number from %(low)s to %(high)s"), low=low, high=high)
    if low is not None:
        return Problem(N_("Enter a whole number of %(low)s or more"), low=low)
    if high is not None:
        return Problem(N_("Enter a whole number of %(high)s or less"), high=high)
    return Problem(N_("Enter a whole number, like 12"))


def _check_choice(question: Any, values: list[str]) -> tuple[Answer | None, Problem | None]:
    # A version's plan keeps its options by code; a draft's question is read afresh.
    by_code = getattr(question, "by_code", None) or {o.code: o for o in question.options}
    if any(v not in by_code for v in values):
        return None, Problem(N_("Select from the options shown"))
    values = list(dict.fromkeys(values))
    if question.type != types.MULTIPLE:
        if len(values) > 1:
            return None, Problem(N_("Select only one option"))
        return Answer(option_codes=values), None
    if question.max_choices and len(values) > question.max_choices:
        return None, Problem(N_("Select no more than %(max)s options"), max=question.max_choices)
    exclusive = [by_code[v] for v in values if by_code[v].exclusive]
    if exclusive and len(values) > 1:
        # option_code lets a page put the option's label in the resident's language.
        return None, Problem(
            N_("‘%(option)s’ cannot be combined with other options"),
            option=exclusive[0].label,
            option_code=exclusive[0].code,
        )
    return Answer(option_codes=values), None


def _check_number(
    question: Any, values: list[str], low, high
) -> tuple[Answer | None, Problem | None]:
    if len(values) > 1:
        return None, Problem(N_("Enter one number"))
    text = values[0].replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[+-]?\d{1,12}", text):
        return None, number_range_message(low, high)
    number = int(text)
    if (low is not None and number < low) or (high is not None and number > high):
        return None, number_range_message(low, high)
    if abs(number) > MAX_ID:  # answers are stored as 32-bit integers
        return None, number_range_message(
            -MAX_ID if low is None else low, MAX_ID if high is None else high
        )
    return Answer(number=number), None


def _check_text(question: Any, values: list[str]) -> tuple[Answer | None, Problem | None]:
    text = "\n".join(values) if len(values) > 1 else values[0]
    if question.type == types.SHORT_TEXT:
        text = " ".join(text.split())
    limit = max_length(question)
    if len(text) > limit:
        return None, Problem(
            N_("Your answer must be %(limit)s characters or fewer (it has %(count)s)"),
            limit=limit,
            count=len(text),
        )
    return Answer(text=text), None


def check_one(
    question: Any, raw: Sequence[str], area_codes: Iterable[str]
) -> tuple[Answer | None, Problem | None]:
    """Parse one question's raw values: (answer or None if blank, error message or None)."""
    values = _values(raw)
    if not values:
        if question.required:
            return None, _missing_message(question)
        return None, None
    if question.type in types.CHOICE_TYPES:
        return _check_choice(question, values)
    if question.type == types.RATING:
        answer, error = _check_number(question, values, types.RATING_MIN, types.RATING_MAX)
        return answer, (Problem(N_("Select a number from 0 to 10")) if error else None)
    if question.type == types.NUMBER:
        return _check_number(question, values, question.min_value, question.max_value)
    if question.type in types.TEXT_TYPES:
        return _check_text(question, values)
    if question.type == types.AREA:
        if len(values) > 1 or values[0] not in set(area_codes):
            return None, Problem(N_("Select one of the areas shown"))
        return Answer(area_code=values[0]), None
    return None, Problem(N_("This question cannot be answered"))


def _missing_message(question: Any) -> Problem:
    if question.type == types.MULTIPLE:
        return Problem(N_("Select at least one option"))
    if question.type in (types.NUMBER,):
        return Problem(N_("Enter a number"))
    if question.type in types.TEXT_TYPES:
        return Problem(N_("Enter your answer"))
    if question.type == types.AREA:
        return Problem(N_("Select the area you live in"))
    return Problem(N_("Select an option"))


def is_shown(question: Any, answers: Mapping[str, Answer], shown: set[str]) -> bool:
    """A question is shown unless its condition names an earlier question not answered so."""
    if not question.condition_code:
        return True
    if question.condition_code not in shown:
        return False
    controller = answers.get(question.condition_code)
    if controller is None:
        return False
    return bool(set(controller.option_codes) & set(question.condition_options or []))


def check_answers(
    questions: Sequence[Any],
    submitted: Mapping[str, Sequence[str]],
    area_codes: Iterable[str] = (),
) -> Checked:
    """Check every shown question; return parsed answers and per-question error messages."""
    area_codes = list(area_codes)
    answers: dict[str, Answer] = {}
    errors: dict[str, str] = {}
    shown: set[str] = set()
    for question in questions:
        if not is_shown(question, answers, shown):
            continue
        shown.add(question.code)
        answer, error = check_one(question, submitted.get(question.code, []), area_codes)
        if error:
            errors[question.code] = error
        elif answer is not None:
            answers[question.code] = answer
    return Checked(answers=answers, errors=errors, shown=shown)
