"""One survey row as an Engage question: its type, options, limits and condition.

mapping.py has the table of types; no Flask or database in here.
"""

import re

from pyxform.aliases import yes_no

from engage.questionnaire import types
from engage.questionnaire.validation import valid_code
from engage.xlsform import constraints, relevant
from engage.xlsform.languages import FormLanguages, merge
from engage.xlsform.plan import PlannedOption, PlannedQuestion
from engage.xlsform.reading import Element

ENGAGE_TYPE = "engage:type"
ENGAGE_ORDERED = "engage:ordered"
ENGAGE_ABOUT_RESPONDENT = "engage:about_respondent"
TEXT, INTEGER, DECIMAL, RANGE = "text", "integer", "decimal", "range"
SELECT_ONE, SELECT_MULTIPLE, ACKNOWLEDGE = "select one", "select all that apply", "acknowledge"
GROUP, NOTE = "group", "note"
REPEATS = ("repeat", "loop")
# pyxform's other names for the types above.
ALIASES = {"string": TEXT, "int": INTEGER, "q int": INTEGER, "q decimal": DECIMAL}
# The Engage types each XLSForm type may carry in bind::engage:type.
ALLOWED = {
    TEXT: (types.SHORT_TEXT, types.LONG_TEXT),
    INTEGER: (types.NUMBER, types.RATING),
    DECIMAL: (types.NUMBER,),
    RANGE: (types.RATING, types.NUMBER),
    SELECT_ONE: (types.SINGLE, types.AGREEMENT, types.YES_NO, types.AREA),
    SELECT_MULTIPLE: (types.MULTIPLE,),
    ACKNOWLEDGE: (types.YES_NO,),
}
FILE_CHOICES = (".csv", ".xml", ".geojson")
_NOT_CODE = re.compile(r"[^a-z0-9_]+")


def _code(name: str, taken: set[str], prefix: str) -> str:
    """``name`` if it is a valid Engage code, otherwise the nearest valid one not ``taken``."""
    code = name if valid_code(name) else _NOT_CODE.sub("_", name.lower()).strip("_")
    if not code or not code[0].isalpha():
        code = f"{prefix}_{code}".rstrip("_")
    code = code[:64]
    base, suffix = code, 2
    while code in taken:
        tail = f"_{suffix}"
        code, suffix = base[: 64 - len(tail)] + tail, suffix + 1
    return code


def _int(value: str) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


class QuestionMapper:
    """Maps survey rows onto Engage questions, remembering the choice questions seen so far:
    a later row's relevant expression may name them."""

    def __init__(self, languages: FormLanguages) -> None:
        self.languages = languages
        self.codes: set[str] = set()
        # Earlier choice questions, by XLSForm name: (code, SINGLE or MULTIPLE, option codes).
        self.controllers: dict[str, tuple[str, str, dict[str, str]]] = {}

    def text(self, texts: dict[str, str]) -> str:
        return self.languages.english_text(texts)

    def translated(self, texts: dict[str, str], field: str) -> dict[str, dict[str, str]]:
        return self.languages.translations(texts, field)

    def map(self, element: Element, kind: str, conditions: tuple[str, ...]) -> PlannedQuestion:
        """The question for ``element``, whose pyxform type is ``kind``; ``conditions`` are
        the relevant expressions of the groups around it."""
        code = _code(element.name, self.codes, "q")
        self.codes.add(code)
        question = PlannedQuestion(
            row=element.row,
            name=element.name,
            written_type=element.written_type,
            code=code,
            type="",
            kind=kind,
            text=self.text(element.labels) or self.text(element.hints),
            hint=self.text(element.hints) if element.labels else "",
            translations=merge(
                self.translated(element.labels, "text"), self.translated(element.hints, "hint")
            ),
        )
        if code != element.name:
            question.notes.append(f"Its name ‘{element.name}’ becomes the code ‘{code}’.")
        # A range's choices are the labels of its ticks (tick_labelset), not options.
        names = self.options(element, question) if kind in (SELECT_ONE, SELECT_MULTIPLE) else {}
        question.type = self.engage_type(element, kind, question)
        self.parameters(element, kind, question)
        if kind == ACKNOWLEDGE:
            names = {"OK": "yes"}  # the value an acknowledged row holds
        self.required(element, question)
        self.marks(element, question)
        self.limits(element, question, names)
        self.condition(element, conditions, question)
        if question.type == types.AREA:
            question.area_choices, question.options = question.options, []
        if question.type in types.CONDITION_TYPES:
            flavour = relevant.MULTIPLE if question.type == types.MULTIPLE else relevant.SINGLE
            self.controllers[element.name] = (code, flavour, names)
        if "or_other" in element.written_type or "or other" in element.written_type:
            question.notes.append(
                "It has ‘or_other’: the ‘Other’ option is kept, the box to say what is not."
            )
        return question

    def options(self, element: Element, question: PlannedQuestion) -> dict[str, str]:
        """Fill the question's options from its choices; return their codes by choice name."""
        taken: set[str] = set()
        names = {}
        for position, choice in enumerate(element.choices):
            code = _code(choice.name, taken, "o")
            taken.add(code)
            if code != choice.name:
                question.notes.append(
                    f"Its choice ‘{choice.name}’ becomes the option code ‘{code}’."
                )
            names[choice.name] = code
            value = _int(choice.extra.get("engage_value", ""))
            question.options.append(
                PlannedOption(
                    code=code,
                    label=self.text(choice.labels) or choice.name,
                    value=value if value is not None else position + 1,
                    exclusive=bool(yes_no.get(choice.extra.get("engage_exclusive", ""), False)),
                    missing=yes_no.get(choice.extra.get("engage_missing", "")),
                    translations=self.translated(choice.labels, "label"),
                )
            )
        return names

    def parameters(self, element: Element, kind: str, question: PlannedQuestion) -> None:
        """Note the parameters Engage does not keep (those it keeps: range bounds, rows)."""
        if yes_no.get(element.parameters.get("randomize", ""), False):
            question.notes.append(
                "Its choices are shown in random order in the form; Engage shows them in the "
                "order of the choices sheet."
            )
        if kind == RANGE and element.choices:
            question.notes.append("The labels of its ticks (tick_labelset) are not kept.")

    def engage_type(self, element: Element, kind: str, question: PlannedQuestion) -> str:
        codes = {o.code for o in question.options}
        inferred = self.inferred_type(element, kind, codes, question)
        declared = element.bind.get(ENGAGE_TYPE, "")
        if not declared or declared == inferred:
            return inferred
        fixed = {code for code, _label in types.FIXED_OPTIONS.get(declared, [])}
        if declared not in ALLOWED[kind] or (fixed and codes != fixed):
            question.notes.append(
                f"Its engage:type ‘{declared}’ does not fit an XLSForm {kind}, so it is "
                f"imported as {types.TYPE_LABELS[inferred].lower()}."
            )
            return inferred
        return declared

    def inferred_type(
        self, element: Element, kind: str, codes: set[str], question: PlannedQuestion
    ) -> str:
        if kind == TEXT:
            rows = _int(element.parameters.get("rows", ""))
            multiline = "multiline" in element.appearance or (rows is not None and rows > 1)
            return types.LONG_TEXT if multiline else types.SHORT_TEXT
        if kind == INTEGER:
            return types.NUMBER
        if kind == DECIMAL:
            question.notes.append("Engage asks for whole numbers, so decimals are not accepted.")
            return types.NUMBER
        if kind == RANGE:
            return self.range_type(element, question)
        if kind == ACKNOWLEDGE:
            question.notes.append("An acknowledgement becomes a yes or no question.")
            question.options = [
                PlannedOption(code, label, index + 1)
                for index, (code, label) in enumerate(types.FIXED_OPTIONS[types.YES_NO])
            ]
            return types.YES_NO
        if kind == SELECT_MULTIPLE:
            return types.MULTIPLE
        for fixed_type in (types.YES_NO, types.AGREEMENT):
            if codes == {code for code, _label in types.FIXED_OPTIONS[fixed_type]}:
                return fixed_type
        return types.SINGLE

    def range_type(self, element: Element, question: PlannedQuestion) -> str:
        start, end, step = (
            _int(element.parameters.get(k, d))
            for k, d in (("start", "1"), ("end", "10"), ("step", "1"))
        )
        if (start, end, step) == (types.RATING_MIN, types.RATING_MAX, 1):
            return types.RATING
        if start is None or end is None or step is None:
            question.notes.append("Its range has fractional steps; Engage asks for a whole number.")
        else:
            question.min_value, question.max_value = min(start, end), max(start, end)
            if step != 1:
                question.notes.append(f"Its steps of {step} are not kept.")
        return types.NUMBER

    def required(self, element: Element, question: PlannedQuestion) -> None:
        value = element.bind.get("required", "")
        question.required = bool(yes_no.get(value, False))
        if value and value not in yes_no:
            question.notes.append(
                f"It is required only when ‘{value}’; Engage imports it as optional."
            )

    def marks(self, element: Element, question: PlannedQuestion) -> None:
        """An ordered scale, and whether the question describes the respondent (blank:
        Engage decides by its code and wording, as for any question stored without saying)."""
        question.ordered = bool(yes_no.get(element.bind.get(ENGAGE_ORDERED, ""), False))
        question.about_respondent = yes_no.get(element.bind.get(ENGAGE_ABOUT_RESPONDENT, ""))

    def limits(self, element: Element, question: PlannedQuestion, names: dict[str, str]) -> None:
        limits = constraints.read(element.bind.get("constraint", ""))
        not_kept = list(limits.not_kept)
        if question.type == types.NUMBER:
            if limits.min_value is not None:
                question.min_value = limits.min_value
            if limits.max_value is not None:
                question.max_value = limits.max_value
        elif limits.min_value is not None or limits.max_value is not None:
            not_kept.append("a smallest or largest value")
        if question.type in types.TEXT_TYPES:
            question.max_length = limits.max_length
        elif limits.max_length is not None:
            not_kept.append("a longest length")
        if question.type == types.MULTIPLE:
            question.max_choices = limits.max_choices
            exclusive = {names[name] for name in limits.exclusive if name in names}
            for option in question.options:
                option.exclusive = option.exclusive or option.code in exclusive
            not_kept += [f"only ‘{n}’ on its own" for n in limits.exclusive if n not in names]
        elif limits.max_choices is not None or limits.exclusive:
            not_kept.append("a rule about which options go together")
        for part in not_kept:
            question.notes.append(f"Its constraint ‘{part}’ is not kept.")

    def condition(
        self, element: Element, conditions: tuple[str, ...], question: PlannedQuestion
    ) -> None:
        own = element.bind.get("relevant")
        expressions = (*conditions, own) if own else conditions
        if not expressions:
            return
        combined = expressions[0]
        if len(expressions) > 1:
            combined = " and ".join(f"({e})" for e in expressions)
        kinds = {name: flavour for name, (_code, flavour, _o) in self.controllers.items()}
        try:
            condition = relevant.parse(combined, kinds)
        except relevant.NotSupported as error:
            question.notes.append(f"Its relevant ‘{combined}’ is not kept: {error}.")
            return
        code, _flavour, option_codes = self.controllers[condition.code]
        missing = [o for o in condition.options if o not in option_codes]
        if missing:
            question.notes.append(
                f"Its relevant ‘{combined}’ is not kept: ‘{condition.code}’ has no choice "
                + ", ".join(f"‘{o}’" for o in missing)
                + "."
            )
            return
        question.condition_code = code
        question.condition_options = [option_codes[o] for o in condition.options]
