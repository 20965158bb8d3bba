"""Languages residents can answer in, and picking the text for one of them.

Interface strings go through Flask-Babel (catalogues in engage/translations).
Questionnaire texts are translated per version: each translatable row keeps a
``translations`` mapping of language code to {field: text}; a missing entry
falls back to English.
"""

import json
from dataclasses import dataclass
from typing import Any

from babel import Locale
from flask import g, request
from flask_babel import get_locale, ngettext, refresh


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
RESIDENT_ENDPOINTS = ("main.index", "main.accessibility")


def is_resident_page() -> bool:
    return request.blueprint in RESIDENT_BLUEPRINTS or request.endpoint in RESIDENT_ENDPOINTS


def select_locale() -> str:
    """Flask-Babel's locale: set by the view, else ?lang=, else the browser's preference."""
    chosen = g.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if not is_resident_page():
        return DEFAULT_LANGUAGE
    return requested_language()


def use_language(code: str | None) -> Language:
    """Make ``code`` the language of this request and return it."""
    chosen = language(code)
    g.lang = chosen.code
    refresh()  # Flask-Babel caches the locale per request; pick up the new one
    return chosen


def requested_language() -> str:
    """The language a resident asked for (?lang=, the form's _lang, or their browser)."""
    asked = request.args.get("lang") or request.form.get("_lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE


# Numbers that between them reach every CLDR plural category of our languages.
_PLURAL_SAMPLES = (1, 2, 5, 0, 3, 11, 12, 21, 22, 25, 101, 102, 105)


def plural_forms(singular: str, plural: str) -> str:
    """A count message in every plural category of the current language, as JSON.

    For scripts that count on the page: they pick the form with Intl.PluralRules
    and replace ``{count}``. Polish needs three forms, English and Urdu two.
    """
    locale = get_locale() or Locale.parse(DEFAULT_LANGUAGE)
    forms: dict[str, str] = {}
    for n in _PLURAL_SAMPLES:
        forms.setdefault(locale.plural_form(n), ngettext(singular, plural, n, count="{count}"))
    forms.setdefault("other", ngettext(singular, plural, 5, count="{count}"))
    return json.dumps(forms, ensure_ascii=False)
