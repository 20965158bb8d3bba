"""A question code's history for the codebook: how each version asked it.

For every version: the wording and option labels in every language, the options it
offered with their numeric values (and which are missing codes), its show-if
condition in code and in words, and its ranges; for the code, the versions where a
change marked not comparable starts a new series.
"""

from collections.abc import Sequence

from engage.exports.layout import VersionOption, VersionQuestion
from engage.i18n import LANGUAGES, translated
from engage.questionnaire import comparability, types
from engage.questionnaire.models import Question


def _texts(obj: object, field: str) -> dict[str, str]:
    return {lang: translated(obj, field, lang) for lang in LANGUAGES}


def condition_words(question: Question) -> str:
    """The show-if condition as a sentence naming the earlier question and its options."""
    if not question.condition_code:
        return ""
    earlier = next(
        (q for q in question.version.questions if q.code == question.condition_code), None
    )
    chosen = list(question.condition_options or [])
    if earlier is None:
        return f"Shown only if ‘{question.condition_code}’ is one of: {', '.join(chosen)}"
    labels = [o.label for code in chosen if (o := earlier.option_by_code(code)) is not None]
    return f"Shown only if “{earlier.text}” ({earlier.code}) is answered: {' or '.join(labels)}"


def version_question(question: Question) -> VersionQuestion:
    return VersionQuestion(
        number=question.version.number,
        texts=_texts(question, "text"),
        options=tuple(
            VersionOption(
                option.code,
                option.value,
                _texts(option, "label"),
                option.missing,
            )
            for option in question.options
        ),
        required=question.required,
        condition_code=question.condition_code,
        condition_options=tuple(question.condition_options or ()),
        condition_words=condition_words(question),
        min_value=question.min_value,
        max_value=question.max_value,
        max_choices=question.max_choices,
        max_length=question.max_length,
    )


def history(copies: Sequence[Question]) -> tuple[tuple[VersionQuestion, ...], tuple[int, ...]]:
    """Each copy as its version asked it (oldest first), and the series breaks."""
    by_number = {q.version.number: q for q in copies}
    asked = tuple(version_question(by_number[n]) for n in sorted(by_number))
    return asked, tuple(comparability.series_breaks(by_number))


def missing_values(asked: Sequence[VersionQuestion]) -> tuple[int, ...]:
    """The numeric values of missing-code options in any version."""
    return tuple(sorted({o.value for v in asked for o in v.options if o.missing}))


def range_text(version: VersionQuestion, question_type: str) -> str:
    """The allowed answers' range in words: "0 to 10", "up to 3 choices", "500 characters"."""
    if question_type == types.RATING:
        low = types.RATING_MIN if version.min_value is None else version.min_value
        high = types.RATING_MAX if version.max_value is None else version.max_value
        return f"{low} to {high}"
    if question_type == types.NUMBER:
        if version.min_value is None and version.max_value is None:
            return "any whole number"
        if version.max_value is None:
            return f"{version.min_value} or more"
        if version.min_value is None:
            return f"{version.max_value} or less"
        return f"{version.min_value} to {version.max_value}"
    if question_type == types.MULTIPLE and version.max_choices:
        return f"up to {version.max_choices} choices"
    if question_type in types.TEXT_TYPES:
        limit = version.max_length or types.DEFAULT_MAX_LENGTH.get(question_type)
        return f"up to {limit} characters" if limit else ""
    return ""
