"""Turning questions into GOV.UK Frontend macro parameters for the survey page.

Every text is in the resident's language ``lang``: questionnaire texts through
engage.i18n.translated (English where no translation exists), interface strings
through Flask-Babel, which follows the request's locale.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask_babel import gettext, ngettext

from engage.i18n import DEFAULT_LANGUAGE, translated
from engage.questionnaire import types
from engage.questionnaire.models import Question, QuestionnaireVersion
from engage.survey.answers import Problem, max_length

FIELD_PREFIX = "q-"
# Beyond this many areas a drop-down is easier to use than radios.
MAX_AREA_RADIOS = 12


def field_name(question: Question) -> str:
    return FIELD_PREFIX + question.code


def submitted_values(version: QuestionnaireVersion, form: Any) -> dict[str, list[str]]:
    """The raw values posted for each question, keyed by question code."""
    return {q.code: form.getlist(field_name(q)) for q in version.questions}


def version_texts(version: QuestionnaireVersion, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The version's title and introduction in ``lang``."""
    return {
        "title": translated(version, "title", lang),
        "intro": translated(version, "intro", lang),
    }


def error_text(error: str, question: Question, lang: str = DEFAULT_LANGUAGE) -> str:
    """An answer checker message in the request's language (plain strings pass through)."""
    if not isinstance(error, Problem):
        return error
    params = dict(error.params)
    option = question.option_by_code(params.get("option_code", "")) if params else None
    if option is not None:
        params["option"] = translated(option, "label", lang)
    return gettext(error.msgid, **params) if params else gettext(error.msgid)


def _condition_hint(question: Question, by_code: Mapping[str, Question], lang: str) -> str:
    controller = by_code.get(question.condition_code or "")
    if controller is None:
        return ""
    labels = [
        f"‘{translated(o, 'label', lang)}’"
        for o in controller.options
        if o.code in (question.condition_options or [])
    ]
    choice = f" {gettext('or')} ".join(labels) if labels else gettext("certain answers")
    return gettext(
        "Only answer this if you chose %(choice)s for ‘%(question)s’.",
        choice=choice,
        question=translated(controller, "text", lang),
    )


def _hint(
    question: Question, by_code: Mapping[str, Question], lang: str, conditions: bool = True
) -> dict | None:
    condition = _condition_hint(question, by_code, lang) if conditions else ""
    parts = [condition, translated(question, "hint", lang)]
    if question.type == types.MULTIPLE and question.max_choices:
        parts.append(
            ngettext("Select up to %(num)d.", "Select up to %(num)d.", question.max_choices)
        )
    elif question.type == types.MULTIPLE:
        parts.append(gettext("Select all that apply."))
    if question.type == types.RATING:
        parts.append(gettext("0 is the lowest and 10 the highest."))
    text = " ".join(p for p in parts if p)
    return {"text": text} if text else None


def _legend(question: Question, lang: str) -> str:
    text = translated(question, "text", lang)
    return text if question.required else gettext("%(question)s (optional)", question=text)


def question_params(
    question: Question,
    values: Sequence[str],
    error: str | None,
    areas: Sequence[Any],  # Area, or a kiosk's plain copy (code and name are read)
    by_code: Mapping[str, Question],
    lang: str = DEFAULT_LANGUAGE,
    conditions: bool = True,
) -> tuple[str, dict]:
    """(macro name, parameters) for one question, with its values and error filled in.

    ``conditions``: say in the hint when a question is to be answered (a page that
    shows a question only when it applies leaves that out).
    """
    name = field_name(question)
    common: dict[str, Any] = {"name": name, "hint": _hint(question, by_code, lang, conditions)}
    if error:
        common["errorMessage"] = {"text": error_text(error, question, lang)}
    legend_text = _legend(question, lang)
    legend = {"fieldset": {"legend": {"text": legend_text, "classes": "govuk-fieldset__legend--s"}}}
    chosen = set(values)
    if question.type in (types.SINGLE, types.AGREEMENT, types.YES_NO):
        items = [
            {"value": o.code, "text": translated(o, "label", lang), "checked": o.code in chosen}
            for o in question.options
        ]
        classes = "govuk-radios--inline" if question.type == types.YES_NO else ""
        return "radios", {**common, **legend, "idPrefix": name, "items": items, "classes": classes}
    if question.type == types.MULTIPLE:
        items = []
        for option in question.options:
            if option.exclusive and items:
                items.append({"divider": gettext("or")})
            item = {
                "value": option.code,
                "text": translated(option, "label", lang),
                "checked": option.code in chosen,
            }
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
            items = [{"value": "", "text": gettext("Choose an area")}]
            items += [
                {"value": a.code, "text": a.name, "selected": a.code in chosen} for a in areas
            ]
            return "select", {
                **common,
                "id": name,
                "items": items,
                "label": {"text": legend_text, "classes": "govuk-label--s"},
            }
        items = [{"value": a.code, "text": a.name, "checked": a.code in chosen} for a in areas]
        return "radios", {**common, **legend, "idPrefix": name, "items": items}
    label = {"label": {"text": legend_text, "classes": "govuk-label--s"}, "id": name}
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
        up_to = ngettext("Up to %(num)d characters.", "Up to %(num)d characters.", limit)
        hint_text = " ".join(filter(None, [(common["hint"] or {}).get("text"), up_to]))
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
    areas: Sequence[Any],  # Area, or a kiosk's plain copy (code and name are read)
    lang: str = DEFAULT_LANGUAGE,
) -> list[dict]:
    """The sections of the survey page, each with its questions' macro parameters."""
    by_code = {q.code: q for q in version.questions}
    sections = []
    for section in version.sections:
        rendered = [
            question_params(q, values.get(q.code, []), errors.get(q.code), areas, by_code, lang)
            for q in section.questions
        ]
        sections.append(
            {
                "title": translated(section, "title", lang),
                "intro": translated(section, "intro", lang),
                "questions": rendered,
            }
        )
    return sections


def error_list(
    version: QuestionnaireVersion, errors: Mapping[str, str], lang: str = DEFAULT_LANGUAGE
) -> list[dict]:
    """Error summary entries in questionnaire order, each linking to its field."""
    return [
        {
            "text": gettext(
                "%(question)s – %(problem)s",
                question=translated(q, "text", lang),
                problem=error_text(errors[q.code], q, lang),
            ),
            "href": "#" + field_name(q),
        }
        for q in version.questions
        if q.code in errors
    ]


def page_questions(
    version: QuestionnaireVersion,
    codes: Sequence[str],
    values: Mapping[str, Sequence[str]],
    errors: Mapping[str, str],
    areas: Sequence[Any],
    lang: str = DEFAULT_LANGUAGE,
) -> list[tuple[str, dict]]:
    """The macro parameters of the questions ``codes``, in questionnaire order."""
    by_code = {q.code: q for q in version.questions}
    wanted = set(codes)
    return [
        question_params(
            q, values.get(q.code, []), errors.get(q.code), areas, by_code, lang, conditions=False
        )
        for q in version.questions
        if q.code in wanted
    ]


def carried_fields(
    version: QuestionnaireVersion, values: Mapping[str, Sequence[str]], codes: Iterable[str]
) -> list[tuple[str, str]]:
    """Hidden (name, value) pairs that carry the answers to ``codes`` to the next page."""
    wanted = set(codes)
    return [
        (field_name(q), value)
        for q in version.questions
        if q.code in wanted
        for value in values.get(q.code, [])
        if value.strip()
    ]


def _answer_lines(question: Question, values: Sequence[str], areas: Sequence[Any], lang: str):
    by_area = {a.code: a.name for a in areas}
    lines = []
    for value in (v for v in values if v.strip()):
        option = question.option_by_code(value) if question.options else None
        if option is not None:
            lines.append(translated(option, "label", lang))
        elif question.type == types.AREA:
            lines.append(by_area.get(value, value))
        else:
            lines.append(value.strip())
    return lines


def check_rows(
    version: QuestionnaireVersion,
    shown: Iterable[str],
    page_of: Mapping[str, int],
    values: Mapping[str, Sequence[str]],
    errors: Mapping[str, str],
    areas: Sequence[Any],
    lang: str = DEFAULT_LANGUAGE,
) -> list[dict]:
    """Check-your-answers, by section: each question that applies, the answer as the
    resident gave it (in their language), the page to change it on, and any problem."""
    shown = set(shown)
    sections = []
    for section in version.sections:
        rows = []
        for q in section.questions:
            if q.code not in shown:
                continue
            rows.append(
                {
                    "code": q.code,
                    "question": translated(q, "text", lang),
                    "answer": _answer_lines(q, values.get(q.code, []), areas, lang),
                    "page": page_of[q.code],
                    "error": error_text(errors[q.code], q, lang) if q.code in errors else None,
                }
            )
        if rows:
            sections.append({"title": translated(section, "title", lang), "rows": rows})
    return sections
