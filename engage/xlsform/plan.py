"""What an XLSForm becomes in Engage's terms: plain data, ready to report on or build from."""

from dataclasses import dataclass, field

Translations = dict[str, dict[str, str]]  # {language code: {field: text}}


@dataclass
class PlannedOption:
    code: str
    label: str
    value: int
    exclusive: bool = False
    missing: bool | None = None  # a missing code; None: by the code (dont_know ...)
    translations: Translations = field(default_factory=dict)


@dataclass
class PlannedQuestion:
    """A survey row Engage can ask, with everything it says mapped onto Engage's fields."""

    row: int | None
    name: str  # as the form writes it
    written_type: str
    code: str
    type: str
    text: str
    hint: str = ""
    kind: str = ""  # the XLSForm type, in pyxform's words: "integer", "select one", ...
    required: bool = False
    ordered: bool = False  # a single choice whose options are a scale
    about_respondent: bool | None = None  # None: by its code and wording
    min_value: int | None = None
    max_value: int | None = None
    max_choices: int | None = None
    max_length: int | None = None
    condition_code: str | None = None
    condition_options: list[str] = field(default_factory=list)
    options: list[PlannedOption] = field(default_factory=list)
    # An area question's choices: Engage takes its areas from the partnership instead.
    area_choices: list[PlannedOption] = field(default_factory=list)
    translations: Translations = field(default_factory=dict)
    # What the mapping changed or could not keep, in plain words.
    notes: list[str] = field(default_factory=list)

    @property
    def option_labels(self) -> list[str]:
        return [o.label for o in self.options or self.area_choices]

    @property
    def option_codes(self) -> list[str]:
        return [o.code for o in self.options or self.area_choices]


@dataclass
class Unsupported:
    """A survey row Engage cannot ask, and why."""

    row: int | None
    name: str
    written_type: str
    label: str
    reason: str


@dataclass
class PlannedSection:
    row: int | None
    name: str
    title: str
    intro: str = ""
    translations: Translations = field(default_factory=dict)
    questions: list[PlannedQuestion] = field(default_factory=list)


@dataclass
class FormPlan:
    """The whole form: sections in order, and every row's outcome in row order."""

    title: str
    form_id: str = ""
    intro: str = ""
    translations: Translations = field(default_factory=dict)
    sections: list[PlannedSection] = field(default_factory=list)
    items: list[PlannedQuestion | Unsupported] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def questions(self) -> list[PlannedQuestion]:
        return [item for item in self.items if isinstance(item, PlannedQuestion)]

    @property
    def unsupported(self) -> list[Unsupported]:
        return [item for item in self.items if isinstance(item, Unsupported)]
