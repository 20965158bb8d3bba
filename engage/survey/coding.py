"""Which questions a response was asked and shown, and its answers: its results row.

The one place that decides "who was asked what": a question its version did not ask
has no slot, a question its show-if condition hid is marked not shown, and a question
shown but left blank is marked blank (see ``results.coding``). Stored responses get
their row from here when they are stored, and ``flask recount-results`` rebuilds each
row from the answer rows through the same function to check them.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from engage.questionnaire import types
from engage.survey.answers import Answer, is_shown
from engage.survey.plans import VersionPlan, slot_kind


def coded_row(
    plan: VersionPlan, parsed: Mapping[str, Answer], area_ids: Mapping[str, int]
) -> bytes:
    """The results row of a checked response (``parsed``: its answers by question code)."""
    values: dict[str, list[int]] = {}
    shown: set[str] = set()
    for question in plan.questions:
        if not is_shown(question, parsed, shown):
            continue
        shown.add(question.code)
        answer = parsed.get(question.code)
        kind = slot_kind(question.type)
        if answer is None or kind is None:
            continue
        if question.type in types.CHOICE_TYPES:
            values[question.code] = [question.by_code[c].position for c in answer.option_codes]
        elif question.type == types.AREA:
            values[question.code] = [area_ids[answer.area_code]] if answer.area_code else []
        elif answer.number is not None:
            values[question.code] = [answer.number]
    return plan.layout.encode(values, shown)


def parsed_from_rows(
    plan: VersionPlan, rows: Iterable[Mapping[str, Any]], area_codes: Mapping[int, str]
) -> dict[str, Answer]:
    """Stored answer rows (question_id, option_id, area_id, number_value, text_value) back
    as parsed answers by code, as ``check_answers`` gave them when they were stored."""
    by_id = {q.id: q for q in plan.questions}
    parsed: dict[str, Answer] = {}
    for row in rows:
        question = by_id.get(row["question_id"])
        if question is None:
            continue
        answer = parsed.setdefault(question.code, Answer())
        if row["option_id"] is not None:
            option = next((o for o in question.options if o.id == row["option_id"]), None)
            if option is not None:
                answer.option_codes.append(option.code)
        elif row["area_id"] is not None:
            answer.area_code = area_codes.get(row["area_id"])
        elif row["number_value"] is not None:
            answer.number = row["number_value"]
        elif row["text_value"] is not None:
            answer.text = row["text_value"]
    return parsed
