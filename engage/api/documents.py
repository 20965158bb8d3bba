"""The questionnaire as the API describes it: plain data, in the language asked for."""

from typing import Any

from engage.api.rows import iso
from engage.i18n import translated
from engage.questionnaire.models import Option, Question, QuestionnaireVersion


def _option(option: Option, lang: str) -> dict[str, Any]:
    return {
        "code": option.code,
        "label": translated(option, "label", lang),
        "value": option.value,
        "exclusive": option.exclusive,
    }


def _question(question: Question, lang: str) -> dict[str, Any]:
    return {
        "code": question.code,
        "text": translated(question, "text", lang),
        "hint": translated(question, "hint", lang),
        "type": question.type,
        "required": question.required,
        "min_value": question.min_value,
        "max_value": question.max_value,
        "max_choices": question.max_choices,
        "max_length": question.max_length,
        "condition": (
            {"code": question.condition_code, "options": list(question.condition_options or [])}
            if question.condition_code
            else None
        ),
        "options": [_option(option, lang) for option in question.options],
        "agencies": [
            {"slug": agency.slug, "name": agency.name, "short_name": agency.short_name}
            for agency in question.agencies
        ],
    }


def questionnaire_document(version: QuestionnaireVersion, lang: str) -> dict[str, Any]:
    """The version's sections and questions, with option codes, labels and numeric values."""
    return {
        "title": translated(version, "title", lang),
        "intro": translated(version, "intro", lang),
        "version": version.number,
        "published_at": iso(version.published_at) if version.published_at else None,
        "language": lang,
        "sections": [
            {
                "title": translated(section, "title", lang),
                "intro": translated(section, "intro", lang),
                "questions": [_question(question, lang) for question in section.questions],
            }
            for section in version.sections
        ],
    }
