"""From a parsed XLSForm to Engage's questions. No Flask or database in here.

The mapping, in both directions (writing.py exports the left-hand column):

    XLSForm                                     Engage
    text                                        short text
    text, appearance multiline                  long text
    text, parameters rows=2 or more             long text
    integer                                     whole number
    decimal                                     whole number (noted on the report)
    range start=0 end=10 step=1                 rating 0 to 10
    range with other whole-number bounds        whole number from start to end
    select_one                                  single choice
    select_one, choices yes and no              yes or no
    select_one, the agreement scale's choices   agreement scale
    select_one, bind::engage:type area          area (the partnership's wards)
    select_one, parameters randomize=true       the same, in the sheet's order (noted)
    select_multiple                             multiple choice
    acknowledge                                 yes or no (noted on the report)
    note                                        section text (before any group: the intro)
    begin group ... end group                   section (nested groups are flattened)
    required                                    must be answered
    hint                                        hint
    relevant                                    condition (relevant.py says which)
    constraint                                  limits and exclusive options (constraints.py)
    choices' engage_value, engage_exclusive     an option's numeric value, and "on its own"
    choices' engage_missing                     a missing code (blank: dont_know and
                                                prefer_not_to_say are, others are not)
    label::<language>, hint::<language>         translations into Polish and Urdu
    bind::engage:type                           the Engage type, where the XLSForm type allows it
    bind::engage:ordered                        a single choice's options are a scale (yes)
    bind::engage:about_respondent               the question describes the respondent (yes, no;
                                                blank: by its code and wording)
    select_one ${earlier}, select_one_from_file not supported: the choices are not on the sheet
    geopoint, image, date, calculate, repeat... not supported, reported by row and type,
      with any parameters (max-pixels, quality, capture-accuracy...)

Names that are not valid Engage codes (capitals, hyphens, a leading digit) are
changed into valid ones, and the report says so.
"""

from engage.xlsform.languages import FormLanguages, merge
from engage.xlsform.plan import FormPlan, PlannedSection, Unsupported
from engage.xlsform.questions import (
    ALIASES,
    ALLOWED,
    FILE_CHOICES,
    GROUP,
    NOTE,
    REPEATS,
    SELECT_MULTIPLE,
    SELECT_ONE,
    QuestionMapper,
)
from engage.xlsform.reading import DEFAULT_KEY, Element, Form

# Why a type is not supported, by words in its name.
REASONS = [
    (("geopoint", "geotrace", "geoshape", "location", "gps"), "Engage does not record locations"),
    (
        ("image", "photo", "audio", "video", "file", "signature", "draw", "picture"),
        "Engage does not take photos, recordings or files",
    ),
    (("date", "time"), "Engage has no date or time questions"),
    (("calculate", "hidden"), "a calculated field is not a question residents answer"),
    (
        ("start", "end", "today", "deviceid", "phonenumber", "username", "email", "audit", "sim"),
        "this is data the collecting device records, not a question",
    ),
    (("barcode",), "Engage does not scan barcodes"),
    (("rank",), "Engage has no ranking questions"),
    (("external",), "the choices come from an external file"),
]


def _reason(kind: str) -> str:
    for words, reason in REASONS:
        if any(word in kind.lower() for word in words):
            return reason
    return f"Engage has no ‘{kind}’ question type"


class _Planner:
    """Walks the form's elements in order, filling a FormPlan."""

    def __init__(self, form: Form) -> None:
        self.languages = FormLanguages.of(form.language_keys(), form.default_language)
        self.plan = FormPlan(title=form.title, form_id=form.form_id, warnings=list(form.warnings))
        self.groups: list[Element] = []
        self.section: PlannedSection | None = None
        # Each note's text: {"": English, language code: translation}.
        self.intro: list[dict[str, str]] = []
        self.section_intros: dict[int, list[dict[str, str]]] = {}
        self.questions = QuestionMapper(self.languages)

    # Texts

    def text(self, texts: dict[str, str]) -> str:
        return self.languages.english_text(texts)

    def translated(self, texts: dict[str, str], field: str) -> dict[str, dict[str, str]]:
        return self.languages.translations(texts, field)

    # Structure

    def visit(self, element: Element, conditions: tuple[str, ...]) -> None:
        kind = ALIASES.get(element.type, element.type)
        if kind == GROUP:
            self.visit_group(element, conditions)
        elif kind in REPEATS:
            self.unsupported(element, "Engage asks each question once, so it has no repeats")
            for child in element.children:
                self.visit_inside_repeat(child, element)
        elif kind == NOTE:
            self.note(element)
        elif kind in ALLOWED:
            self.question(element, kind, conditions)
        else:
            self.unsupported(element, _reason(element.type))

    def visit_group(self, group: Element, conditions: tuple[str, ...]) -> None:
        self.groups.append(group)
        self.section = self.new_section(group)
        own = group.bind.get("relevant")
        inner = (*conditions, own) if own else conditions
        for child in group.children:
            self.visit(child, inner)
        self.groups.pop()
        self.section = None

    def visit_inside_repeat(self, element: Element, repeat: Element) -> None:
        if element.type != GROUP:
            self.unsupported(element, f"it is inside the repeat ‘{repeat.name}’ (row {repeat.row})")
        for child in element.children:
            self.visit_inside_repeat(child, repeat)

    def new_section(self, group: Element | None) -> PlannedSection:
        title = self.text(group.labels) if group else ""
        section = PlannedSection(
            row=group.row if group else None,
            name=group.name if group else "",
            title=title or (group.name if group else "Questions"),
            translations=self.translated(group.labels, "title") if group else {},
        )
        self.plan.sections.append(section)
        return section

    def current_section(self) -> PlannedSection:
        """The open section; after a nested group, a new one carries on its parent's title."""
        if self.section is None:
            self.section = self.new_section(self.groups[-1] if self.groups else None)
        return self.section

    def note(self, element: Element) -> None:
        """A note is section text; before any group or question, the questionnaire's intro."""
        if element.bind.get("relevant"):
            self.plan.notes.append(
                f"The note ‘{element.name}’ (row {element.row}) is shown only sometimes in the "
                "form; Engage shows section text always."
            )
        texts = {"": self.text(element.labels)}
        for lang, fields in self.translated(element.labels, "intro").items():
            texts[lang] = fields["intro"]
        if self.section is None and not self.groups and not self.plan.items:
            self.intro.append(texts)
            return
        section = self.current_section()
        if section.questions:
            self.plan.notes.append(
                f"The note ‘{element.name}’ (row {element.row}) comes after questions; Engage "
                "shows it at the start of the section."
            )
        self.section_intros.setdefault(id(section), []).append(texts)

    def unsupported(self, element: Element, reason: str) -> None:
        self.plan.items.append(
            Unsupported(
                element.row, element.name, element.written_type, self.text(element.labels), reason
            )
        )

    def question(self, element: Element, kind: str, conditions: tuple[str, ...]) -> None:
        if kind in (SELECT_ONE, SELECT_MULTIPLE):
            if element.itemset.lower().endswith(FILE_CHOICES):
                self.unsupported(element, "the choices come from a file, not the choices sheet")
                return
            if "${" in element.itemset:
                self.unsupported(
                    element,
                    f"its choices are the answers given to {element.itemset}, and Engage "
                    "asks each question once",
                )
                return
        question = self.questions.map(element, kind, conditions)
        self.current_section().questions.append(question)
        self.plan.items.append(question)

    # The whole form

    def finish(self) -> FormPlan:
        plan = self.plan
        plan.intro, translations = _joined(self.intro, "intro")
        plan.translations = merge(plan.translations, translations)
        for section in plan.sections:
            section.intro, translations = _joined(self.section_intros.get(id(section), []), "intro")
            section.translations = merge(section.translations, translations)
        for section in list(plan.sections):
            if not section.questions:
                plan.sections.remove(section)
                if section.row is not None:
                    plan.notes.append(
                        f"The group ‘{section.name}’ (row {section.row}) has no question Engage "
                        "can ask, so it is left out."
                    )
        for key in self.languages.ignored:
            if key == DEFAULT_KEY:
                plan.notes.append(
                    "Texts in columns with no language are not kept: the form names its "
                    "English columns."
                )
            else:
                plan.notes.append(
                    f"Texts in ‘{key}’ are not kept: Engage offers English, Polish and Urdu."
                )
        return plan


def _joined(parts: list[dict[str, str]], field: str) -> tuple[str, dict[str, dict[str, str]]]:
    """Several notes' texts as one, in English and in each language any of them is in."""
    english = "\n\n".join(p[""] for p in parts if p[""])
    translations = {}
    for lang in sorted({lang for p in parts for lang in p} - {""}):
        joined = "\n\n".join(p.get(lang, p[""]) for p in parts if p[""])
        if joined != english:
            translations[lang] = {field: joined}
    return english, translations


def title_translations(form: Form, languages: FormLanguages) -> dict[str, dict[str, str]]:
    """The title's translations, from the settings sheet's engage_title::<language> columns."""
    titles = form.settings.get("engage_title")
    if not isinstance(titles, dict):
        return {}
    return {
        code: {"title": str(titles[key]).strip()}
        for key, code in languages.translated.items()
        if str(titles.get(key) or "").strip()
    }


def plan_form(form: Form) -> FormPlan:
    """Map every element of ``form`` onto Engage, or say why it cannot be."""
    planner = _Planner(form)
    for element in form.elements:
        planner.visit(element, ())
    plan = planner.finish()
    plan.translations = merge(plan.translations, title_translations(form, planner.languages))
    return plan
