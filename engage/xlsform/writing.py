"""The questionnaire as an XLSForm: survey, choices and settings sheets.

Question codes become XLSForm names and option codes become choice names, so
data collected with ODK or KoboToolbox merges with Engage's results by code.
mapping.py's docstring has the table of types. What XLSForm cannot say by
itself travels in columns pyxform passes through without a warning:
``bind::engage:type`` (the Engage type, in the namespace the settings sheet
declares), ``bind::engage:ordered`` (a single choice whose options are a scale),
``bind::engage:about_respondent`` (yes or no: the question describes the
respondent), ``engage_value`` and ``engage_exclusive`` on the choices sheet (each
option's numeric value, and whether it goes only on its own: for multiple
choice the constraint also says so, for ODK to enforce) and
``engage_title::<language>`` on the settings sheet (the title's translations).

Every language column is filled: a text with no translation repeats the
English, which is what residents see in Engage too (ODK would show "-").
No Flask or database in here: the caller passes the areas.
"""

import io
from collections.abc import Sequence

import xlsxwriter

from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.questionnaire import types
from engage.questionnaire.models import Option, Question, QuestionnaireVersion
from engage.xlsform import constraints, relevant
from engage.xlsform.languages import column_name

NAMESPACE = 'engage="https://engage.invalid/xlsform"'
XLSFORM_TYPES = {
    types.SINGLE: "select_one",
    types.AGREEMENT: "select_one",
    types.YES_NO: "select_one",
    types.AREA: "select_one",
    types.MULTIPLE: "select_multiple",
    types.RATING: "range",
    types.NUMBER: "integer",
    types.SHORT_TEXT: "text",
    types.LONG_TEXT: "text",
}
RATING_PARAMETERS = f"start={types.RATING_MIN} end={types.RATING_MAX} step=1"
Row = list[str]


def _languages() -> list[str]:
    return [DEFAULT_LANGUAGE, *(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)]


def _texts(obj: object, field: str) -> list[str]:
    """``field`` in every language, English first; a missing translation repeats the English."""
    english = getattr(obj, field) or ""
    translations = getattr(obj, "translations", None) or {}
    return [
        english
        if lang == DEFAULT_LANGUAGE
        else (translations.get(lang) or {}).get(field) or english
        for lang in _languages()
    ]


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``…, so that a group or note never takes a question's name."""
    found, suffix = name, 2
    while found in taken:
        found, suffix = f"{name}_{suffix}", suffix + 1
    taken.add(found)
    return found


class _Sheets:
    def __init__(self, version: QuestionnaireVersion, areas: Sequence[tuple[str, str]]) -> None:
        self.version = version
        self.areas = list(areas)
        self.taken = {q.code for q in version.questions}
        labels = [f"label::{column_name(lang)}" for lang in _languages()]
        hints = [f"hint::{column_name(lang)}" for lang in _languages()]
        self.survey: list[Row] = [
            ["type", "name", *labels, *hints, "required", "relevant", "constraint"]
            + ["appearance", "parameters", "bind::engage:type"]
            + ["bind::engage:ordered", "bind::engage:about_respondent"]
        ]
        self.choices: list[Row] = [
            ["list_name", "name", *labels, "engage_value", "engage_exclusive", "engage_missing"]
        ]
        self.blank_hints = [""] * len(hints)

    def survey_row(
        self,
        kind: str,
        name: str,
        labels: list[str],
        hints: list[str] | None = None,
        **columns: str,
    ) -> None:
        row = [kind, name, *labels, *(hints or self.blank_hints)]
        for column in ("required", "relevant", "constraint", "appearance", "parameters"):
            row.append(columns.get(column, ""))
        row.append(columns.get("engage_type", ""))
        row.append(columns.get("engage_ordered", ""))
        row.append(columns.get("engage_about_respondent", ""))
        self.survey.append(row)

    def note(self, name: str, obj: object, field: str) -> None:
        if (getattr(obj, field) or "").strip():
            self.survey_row("note", _unique(name, self.taken), _texts(obj, field))

    def question(self, question: Question) -> None:
        kind = XLSFORM_TYPES[question.type]
        if kind.startswith("select"):
            kind = f"{kind} {question.code}"
            self.choice_rows(question)
        exclusive = [o.code for o in question.options if o.exclusive]
        columns = {
            "required": "yes" if question.required else "",
            "constraint": constraints.write(
                question.min_value,
                question.max_value,
                question.max_length,
                question.max_choices,
                exclusive if question.type == types.MULTIPLE else [],
            ),
            "appearance": "multiline" if question.type == types.LONG_TEXT else "",
            "parameters": RATING_PARAMETERS if question.type == types.RATING else "",
            "engage_type": question.type,
            "engage_ordered": "yes" if question.ordered else "",
            "engage_about_respondent": "yes" if question.about_respondent else "no",
        }
        if question.condition_code:
            columns["relevant"] = relevant.expression(
                question.condition_code, list(question.condition_options or [])
            )
        self.survey_row(
            kind, question.code, _texts(question, "text"), _texts(question, "hint"), **columns
        )

    def choice_rows(self, question: Question) -> None:
        if question.type == types.AREA:
            for value, (code, name) in enumerate(self.areas, start=1):
                row = [question.code, code, *[name] * len(_languages()), str(value), "", ""]
                self.choices.append(row)
            return
        option: Option
        for option in question.options:
            exclusive = "yes" if option.exclusive else ""
            missing = "yes" if option.missing else "no"
            self.choices.append(
                [
                    question.code,
                    option.code,
                    *_texts(option, "label"),
                    str(option.value),
                    exclusive,
                    missing,
                ]
            )

    def build(self) -> None:
        version = self.version
        self.note("intro", version, "intro")
        for number, section in enumerate(version.sections, start=1):
            group = _unique(f"section_{number}", self.taken)
            self.survey_row("begin_group", group, _texts(section, "title"), appearance="field-list")
            self.note(f"{group}_intro", section, "intro")
            for question in section.questions:
                self.question(question)
            self.survey_row("end_group", "", [""] * len(_languages()))


def sheets(
    version: QuestionnaireVersion, areas: Sequence[tuple[str, str]], form_id: str
) -> dict[str, list[Row]]:
    """The workbook's sheets as rows of text, headers first."""
    built = _Sheets(version, areas)
    built.build()
    translated = [lang for lang in _languages() if lang != DEFAULT_LANGUAGE]
    titles = _texts(version, "title")
    settings = [
        ["form_title", "form_id", "version", "default_language", "namespaces"]
        + ["clean_text_values"]
        + [f"engage_title::{column_name(lang)}" for lang in translated],
        [version.title, form_id, str(version.number), column_name(DEFAULT_LANGUAGE), NAMESPACE]
        + ["no"]
        + titles[1:],
    ]
    return {"survey": built.survey, "choices": built.choices, "settings": settings}


def write_xlsx(tables: dict[str, list[Row]]) -> bytes:
    """An .xlsx file of ``tables``; every cell is written as text, never as a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    for name, rows in tables.items():
        sheet = workbook.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value:
                    sheet.write_string(r, c, value, bold if r == 0 else None)
        sheet.set_column(0, max(len(rows[0]) - 1, 0), 22)
    workbook.close()
    return buffer.getvalue()


def xlsform(version: QuestionnaireVersion, areas: Sequence[tuple[str, str]], form_id: str) -> bytes:
    """The XLSForm of ``version`` as .xlsx bytes."""
    return write_xlsx(sheets(version, areas, form_id))
