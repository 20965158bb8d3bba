"""Translating a version's texts into the languages residents can answer in.

English lives in the columns; each row's ``translations`` column maps a language
code to {field: text}. A text with no translation is shown to residents in
English, and listed for the admin by ``missing_translations``.

Saving assigns a new dict to the column, so SQLAlchemy sees the change (it does
not track changes inside a JSON value). Services flush; the view commits.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from engage.extensions import db
from engage.i18n import TRANSLATED_LANGUAGES
from engage.questionnaire.editing import EditRefused, require_draft
from engage.questionnaire.models import Option, Question, QuestionnaireVersion, Section
from engage.questionnaire.services import QuestionnaireError
from engage.survey.answers import clean_text

# The longest translation each field takes: the English column's size, or a
# generous limit for the long texts.
MAX_LENGTH = {"title": 200, "label": 300, "text": 500, "intro": 5000, "hint": 5000}
# Texts edited in a textarea; the rest fit on one line.
LONG_FIELDS = ("intro", "hint", "text")
# Texts that may keep their line breaks; in the others, runs of spaces become one.
MULTILINE_FIELDS = ("intro", "hint")


@dataclass(frozen=True)
class Text:
    """One translatable text: where it is, its English, and the row that holds it."""

    key: str  # the form field name, unique within the version
    group: str  # the heading it is listed under
    label: str  # what it is, for the admin
    obj: Any
    field: str

    @property
    def english(self) -> str:
        return getattr(self.obj, self.field) or ""

    @property
    def long(self) -> bool:
        return self.field in LONG_FIELDS

    def translation(self, lang: str) -> str:
        return ((self.obj.translations or {}).get(lang) or {}).get(self.field) or ""


def _text(obj: Any, kind: str, field: str, group: str, label: str) -> Text | None:
    """A Text, or None when the English is blank and there is nothing to translate."""
    text = Text(f"{kind}-{obj.id}-{field}", group, label, obj, field)
    return text if text.english.strip() else None


def _texts(version: QuestionnaireVersion) -> Iterator[Text | None]:
    group = "Title and introduction"
    yield _text(version, "version", "title", group, "Title")
    yield _text(version, "version", "intro", group, "Introduction")
    for number, section in enumerate(version.sections, start=1):
        group = f"Section {number}: {section.title}"
        yield _text(section, "section", "title", group, "Section title")
        yield _text(section, "section", "intro", group, "Section introduction")
        for question in section.questions:
            yield _text(question, "question", "text", group, f"Question ‘{question.code}’")
            yield _text(question, "question", "hint", group, f"Hint for ‘{question.code}’")
            for option in question.options:
                label = f"Option ‘{option.code}’ of ‘{question.code}’"
                yield _text(option, "option", "label", group, label)


def translatable_texts(version: QuestionnaireVersion) -> list[Text]:
    """Every text of ``version`` that residents read, in questionnaire order."""
    return [text for text in _texts(version) if text is not None]


def missing_translations(version: QuestionnaireVersion, lang: str) -> list[Text]:
    """The texts with no ``lang`` translation: residents see them in English."""
    return [text for text in translatable_texts(version) if not text.translation(lang).strip()]


def missing_counts(version: QuestionnaireVersion) -> dict[str, int]:
    """How many texts are not yet translated, for each translated language."""
    texts = translatable_texts(version)
    return {
        lang: sum(1 for text in texts if not text.translation(lang).strip())
        for lang in TRANSLATED_LANGUAGES
    }


def require_language(lang: str) -> None:
    if lang not in TRANSLATED_LANGUAGES:
        raise QuestionnaireError(f"‘{lang}’ is not a language residents can answer in.")


def _with_translation(translations: Mapping | None, lang: str, field: str, value: str) -> dict:
    """A new translations dict with ``field`` in ``lang`` set to ``value`` (blank removes it)."""
    new = {code: dict(fields) for code, fields in (translations or {}).items()}
    fields = new.setdefault(lang, {})
    if value:
        fields[field] = value
    else:
        fields.pop(field, None)
    if not fields:
        del new[lang]
    return new


def save_translations(
    version: QuestionnaireVersion, lang: str, submitted: Mapping[str, str]
) -> int:
    """Store the ``lang`` texts posted for the draft; a blank one removes the translation.

    Only texts whose key was posted change. Returns how many texts changed.
    Raises QuestionnaireError for a published version or an unknown language,
    and EditRefused (naming the field) for a text that is too long.
    """
    require_draft(version)
    require_language(lang)
    changed = 0
    for text in translatable_texts(version):
        if text.key not in submitted:
            continue
        value = clean_text(submitted[text.key])
        if text.field not in MULTILINE_FIELDS:
            value = " ".join(value.split())
        if len(value) > MAX_LENGTH[text.field]:
            raise EditRefused(
                f"{text.label} must be {MAX_LENGTH[text.field]} characters or fewer",
                field=text.key,
            )
        if value == text.translation(lang):
            continue
        text.obj.translations = _with_translation(text.obj.translations, lang, text.field, value)
        changed += 1
    db.session.flush()
    return changed


def apply_translations(version: QuestionnaireVersion, lang: str, by_key: Mapping[str, str]) -> None:
    """Set translations from stable keys (see ``stable_key``), as the demo seed does."""
    require_draft(version)
    require_language(lang)
    for text in translatable_texts(version):
        value = by_key.get(stable_key(text))
        if value is not None:
            text.obj.translations = _with_translation(
                text.obj.translations, lang, text.field, value
            )
    db.session.flush()


def stable_key(text: Text) -> str:
    """A key that names a text by codes and positions rather than row ids.

    "title", "section.2.intro", "ward.hint", "ward.option.castle.label".
    """
    obj = text.obj
    if isinstance(obj, QuestionnaireVersion):
        return text.field
    if isinstance(obj, Section):
        return f"section.{obj.position + 1}.{text.field}"
    if isinstance(obj, Question):
        return f"{obj.code}.{text.field}"
    assert isinstance(obj, Option)
    return f"{obj.question.code}.option.{obj.code}.{text.field}"
