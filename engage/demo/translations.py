"""The demo questionnaire in Polish and Urdu, applied to the draft before it is published.

The texts live in translations_pl.py and translations_ur.py; here they are
turned into the stable keys engage.questionnaire.translating understands.
"""

from types import ModuleType

from engage.demo import content, translations_pl, translations_ur
from engage.questionnaire import translating, types
from engage.questionnaire.models import QuestionnaireVersion

BY_LANGUAGE: dict[str, ModuleType] = {"pl": translations_pl, "ur": translations_ur}


def _option_codes(spec: dict) -> list[str]:
    options = spec.get("options") or types.FIXED_OPTIONS.get(spec["type"], [])
    return [option[0] for option in options]


def by_key(lang: str) -> dict[str, str]:
    """Every demo text in ``lang``, keyed as translating.stable_key names them."""
    texts = BY_LANGUAGE[lang]
    keys = {"title": texts.TITLE, "intro": texts.INTRO}
    for number, (title, intro) in enumerate(texts.SECTIONS, start=1):
        keys[f"section.{number}.title"] = title
        if intro:
            keys[f"section.{number}.intro"] = intro
    for section in content.SECTIONS:
        for spec in section["questions"]:
            code = spec["code"]
            question = texts.QUESTIONS[code]
            keys[f"{code}.text"] = question["text"]
            if question.get("hint"):
                keys[f"{code}.hint"] = question["hint"]
            own = question.get("options", {})
            for option in _option_codes(spec):
                label = own.get(option) or texts.SHARED_OPTIONS.get(option)
                if label:
                    keys[f"{code}.option.{option}.label"] = label
    return keys


def apply(version: QuestionnaireVersion) -> None:
    """Give the demo draft its Polish and Urdu texts (the same result however often run)."""
    for lang in BY_LANGUAGE:
        translating.apply_translations(version, lang, by_key(lang))
