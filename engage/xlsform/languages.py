"""XLSForm language columns and Engage's languages.

An XLSForm names a language in its column headers: ``label::English (en)`` is
the form ODK recommends, but ``label::en``, ``label::Polish`` and a plain
``label`` are common too. Engage keeps English in its columns and the other
languages it offers in its translation store.
"""

import re
from dataclasses import dataclass, field

from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES, TRANSLATED_LANGUAGES
from engage.xlsform.reading import DEFAULT_KEY

_CODE_IN_BRACKETS = re.compile(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*\)\s*$")


def column_name(code: str) -> str:
    """How an export names a language: ``English (en)``, ``Polish (pl)``, ``Urdu (ur)``."""
    return f"{LANGUAGES[code].english_name} ({code})"


def language_code(key: str) -> str | None:
    """The Engage language a column names, or None for one Engage does not offer."""
    bracketed = _CODE_IN_BRACKETS.search(key)
    if bracketed:
        code = bracketed.group(1).lower()
        return code if code in LANGUAGES else None
    wanted = key.strip().casefold()
    for language in LANGUAGES.values():
        if wanted in (language.code, language.english_name.casefold(), language.name.casefold()):
            return language.code
    return None


@dataclass
class FormLanguages:
    """Which of a form's language keys holds the English text, and where the others go."""

    english: str
    translated: dict[str, str] = field(default_factory=dict)  # key -> Engage language code
    ignored: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, keys: list[str], default_language: str) -> "FormLanguages":
        """The English key is the one named English, else the unnamed or default language."""
        codes = {key: language_code(key) for key in keys}
        english = next((k for k, c in codes.items() if c == DEFAULT_LANGUAGE), None)
        if english is None:
            if DEFAULT_KEY in codes:
                english = DEFAULT_KEY
            elif default_language in codes:
                english = default_language
            else:
                english = keys[0] if keys else DEFAULT_KEY
        languages = cls(english)
        for key, code in codes.items():
            if key == english:
                continue
            if code in TRANSLATED_LANGUAGES and code not in languages.translated.values():
                languages.translated[key] = code
            else:
                languages.ignored.append(key)
        return languages

    def english_text(self, texts: dict[str, str]) -> str:
        """The English text, or failing that the first text in any language."""
        text = texts.get(self.english) or texts.get(DEFAULT_KEY)
        if text is None:
            text = next(iter(texts.values()), "")
        return text.strip()

    def translations(self, texts: dict[str, str], field_name: str) -> dict[str, dict[str, str]]:
        """{language code: {field: text}} for Engage's translation store.

        A "translation" that repeats the English, or that is pyxform's "-" for a
        missing one, says nothing: residents see the English anyway.
        """
        english = self.english_text(texts)
        found: dict[str, dict[str, str]] = {}
        for key, code in self.translated.items():
            text = (texts.get(key) or "").strip()
            if text and text != "-" and text != english:
                found[code] = {field_name: text}
        return found


def merge(*parts: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Translations of several fields combined: {lang: {field: text, ...}}."""
    merged: dict[str, dict[str, str]] = {}
    for part in parts:
        for lang, fields in part.items():
            merged.setdefault(lang, {}).update(fields)
    return merged
