"""Turning questions into GOV.UK Frontend macro parameters for the survey page."""

from collections.abc import Mapping, Sequence
from typing import Any

from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import Question, QuestionnaireVersion
from engage.survey.answers import max_length

FIELD_PREFIX = "q-"
# Beyond this many areas a drop-down is easier to use than radios.
MAX_AREA_RADIOS = 12


def field_name(question: Question) -> str:
    return FIELD_PREFIX + question.code


def submitted_values(version: QuestionnaireVersion, form: Any) -> dict[str, list[str]]:
    """The raw values posted for each question, keyed by question code."""
    return {q.code: form.getlist(field_name(q)) for q in version.questions}


def _condition_hint(question: Question, by_code: Mapping[str, Question]) -> str:
    controller = by_code.get(question.condition_code or "")
    if controller is None:
        return ""
    labels = [
        f"‘{o.label}’" for o in controller.options if o.code in (question.condition_options or [])
    ]
    choice = " or ".join(labels) if labels else "certain answers"
    return f"Only answer this if you chose {choice} for ‘{controller.text}’."


def _hint(question: Question, by_code: Mapping[str, Question]) -> dict | None:
    parts = [_condition_hint(question, by_code), question.hint or ""]
    if question.type == types.MULTIPLE and question.max_choices:
        parts.append(f"Select up to {question.max_choices}.")
    elif question.type == types.MULTIPLE:
        parts.append("Select all that apply.")
    if question.type == types.RATING:
        parts.append("0 is the lowest and 10 the highest.")
    text = " ".join(p for p in parts if p)
    return {"text": text} if text else None


def _legend(question: Question) -> str:
    return question.text if question.required else f"{question.text} (optional)"


def question_params(
    question: Question,
    values: Sequence[str],
    error: str | None,
    areas: Sequence[Area],
    by_code: Mapping[str, Question],
) -> tuple[str, dict]:
    """(macro name, parameters) for one question, with its values and error filled in."""
    name = field_name(question)
    common: dict[str, Any] = {"name": name, "hint": _hint(question, by_code)}
    if error:
        common["errorMessage"] = {"text": error}
    legend = {
        "fieldset": {"legend": {"text": _legend(question), "classes": "govuk-fieldset__legend--s"}}
    }
    chosen = set(values)
    if question.type in (types.SINGLE, types.AGREEMENT, types.YES_NO):
        items = [
            {"value": o.code, "text": o.label, "checked": o.code in chosen}
            for o in question.options
        ]
        classes = "govuk-radios--inline" if question.type == types.YES_NO else ""
        return "radios", {**common, **legend, "idPrefix": name, "items": items, "classes": classes}
    if question.type == types.MULTIPLE:
        items = []
        for option in question.options:
            if option.exclusive and items:
                items.append({"divider": "or"})
            item = {"value": option.code, "text": option.label, "checked": option.code in chosen}
            if option.exclusive:
                item["behaviour"] = "exclusive"
            items.append(item)
        return "checkboxes", {**common, **legend, "idPrefix": name, "items": items}
    if question.type == types.RATING:
        items = [
            {"value": str(n), "text": str(n), "checked": str(n) in chosen}
            for n in range(types.RATING_MIN, types.RATING_MAX + 1)
        ]
        return "radios", {
            **common,
            **legend,
            "idPrefix": name,
            "items": items,
            "classes": "govuk-radios--inline engage-rating",
        }
    if question.type == types.AREA:
        if len(areas) > MAX_AREA_RADIOS:
            items = [{"value": "", "text": "Choose an area"}]
            items += [
                {"value": a.code, "text": a.name, "selected": a.code in chosen} for a in areas
            ]
            return "select", {
                **common,
                "id": name,
                "items": items,
                "label": {"text": _legend(question), "classes": "govuk-label--s"},
            }
        items = [{"value": a.code, "text": a.name, "checked": a.code in chosen} for a in areas]
        return "radios", {**common, **legend, "idPrefix": name, "items": items}
    label = {"label": {"text": _legend(question), "classes": "govuk-label--s"}, "id": name}
    value = values[0] if values else ""
    if question.type == types.NUMBER:
        return "input", {
            **common,
            **label,
            "value": value,
            "inputmode": "numeric",
            "classes": "govuk-input--width-5",
            "spellcheck": False,
        }
    if question.type == types.SHORT_TEXT:
        limit = max_length(question)
        hint_text = " ".join(
            filter(None, [(common["hint"] or {}).get("text"), f"Up to {limit} characters."])
        )
        return "input", {**common, **label, "value": value, "hint": {"text": hint_text}}
    return "character_count", {
        **common,
        **label,
        "value": value,
        "maxlength": max_length(question),
        "rows": 5,
    }


def page_sections(
    version: QuestionnaireVersion,
    values: Mapping[str, Sequence[str]],
    errors: Mapping[str, str],
    areas: Sequence[Area],
) -> list[dict]:
    """The sections of the survey page, each with its questions' macro parameters."""
    by_code = {q.code: q for q in version.questions}
    sections = []
    for section in version.sections:
        rendered = [
            question_params(q, values.get(q.code, []), errors.get(q.code), areas, by_code)
            for q in section.questions
        ]
        sections.append({"title": section.title, "intro": section.intro, "questions": rendered})
    return sections


def error_list(version: QuestionnaireVersion, errors: Mapping[str, str]) -> list[dict]:
    """Error summary entries in questionnaire order, each linking to its field."""
    return [
        {"text": f"{q.text} – {errors[q.code]}", "href": "#" + field_name(q)}
        for q in version.questions
        if q.code in errors
    ]
