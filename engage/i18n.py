"""Languages residents can answer in, and picking the text for one of them.

Interface strings go through Flask-Babel (catalogues in engage/translations).
Questionnaire texts are translated per version: each translatable row keeps a
``translations`` mapping of language code to {field: text}; a missing entry
falls back to English.
"""

from dataclasses import dataclass
from typing import Any

from flask import g, request


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # the language's name in itself, as residents look for it
    english_name: str
    direction: str = "ltr"


DEFAULT_LANGUAGE = "en"
LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "English"),
    "pl": Language("pl", "Polski", "Polish"),
    "ur": Language("ur", "اردو", "Urdu", "rtl"),
}
TRANSLATED_LANGUAGES = tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)


def language(code: str | None) -> Language:
    """The language for ``code``, or English when it is unknown."""
    return LANGUAGES.get(code or "", LANGUAGES[DEFAULT_LANGUAGE])


def translated(obj: Any, field: str, lang: str | None) -> str:
    """``obj.field`` in ``lang`` when a translation exists, otherwise in English."""
    english = getattr(obj, field) or ""
    if not lang or lang == DEFAULT_LANGUAGE:
        return english
    text = ((getattr(obj, "translations", None) or {}).get(lang) or {}).get(field)
    return text or english


# Staff pages stay in English; these blueprints serve residents in their language.
RESIDENT_BLUEPRINTS = ("survey", "kiosk", "public")


def select_locale() -> str:
    """Flask-Babel's locale: set by the view, else ?lang=, else the browser's preference."""
    chosen = g.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if request.blueprint not in RESIDENT_BLUEPRINTS:
        return DEFAULT_LANGUAGE
    asked = request.args.get("lang") or request.form.get("_lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


def use_language(code: str | None) -> Language:
    """Make ``code`` the language of this request and return it."""
    chosen = language(code)
    g.lang = chosen.code
    return chosen
