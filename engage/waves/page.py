"""What the change page asks for, checked: a question, an option (or all), two waves and
an attribute to group the wards by. Nothing is ignored: an unknown question, wave or
attribute is refused, saying why."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engage.database import MAX_ID
from engage.partnership.models import Partnership
from engage.questionnaire import types
from engage.questionnaire.models import Questionnaire
from engage.results.catalogue import QuestionInfo, catalogue
from engage.results.reading import DATE_BOXES, FILTER_NAMES
from engage.waves import attributes, services
from engage.waves.attributes import Loaded
from engage.weighting.models import Wave

NO_ATTRIBUTE = "none"


@dataclass
class Choices:
    """What the page offers and what was chosen."""

    questions: list[QuestionInfo]
    waves: list[Wave]
    attributes: list[Loaded]
    info: QuestionInfo | None = None
    option: str = ""  # "": every option
    before: Wave | None = None
    after: Wave | None = None
    attribute: Loaded | None = None
    notes: list[str] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # each wave, named and described

    @property
    def option_codes(self) -> list[str]:
        if self.info is None:
            return []
        return [self.option] if self.option else list(self.info.options)

    @property
    def ready(self) -> bool:
        return self.info is not None and self.before is not None and self.after is not None


def choose(
    partnership: Partnership, questionnaire: Questionnaire, args: Mapping[str, Any]
) -> tuple[Choices, dict[str, str]]:
    """The choices in ``args`` (question=, option=, before=, after=, attribute=), with
    defaults: the first question, every option, the two newest waves, the first
    attribute. Problems are by the argument's name."""
    choices = Choices(
        questions=[i for i in catalogue(questionnaire) if i.type in types.CHOICE_TYPES],
        waves=services.waves(questionnaire),
        attributes=attributes.loaded(partnership),
    )
    events = services.events_of(questionnaire) if any(w.events for w in choices.waves) else []
    choices.labels = {
        w.id: f"{w.name} ({services.describe(w, events, short=True)})" for w in choices.waves
    }
    problems: dict[str, str] = {}
    code = str(args.get("question") or "")
    if code:
        choices.info = next((i for i in choices.questions if i.code == code), None)
        if choices.info is None:
            problems["question"] = (
                f"No single- or multiple-choice question has the code ‘{code[:40]}’: "
                "choose a question from the list."
            )
    elif choices.questions:
        choices.info = choices.questions[0]
    option = str(args.get("option") or "")
    if option and choices.info is not None:
        if option in choices.info.options:
            choices.option = option
        else:
            choices.notes.append(
                f"‘{option[:40]}’ is not an answer to this question, so every answer is shown."
            )
    if len(choices.waves) >= 2:
        choices.before, choices.after = choices.waves[-2], choices.waves[-1]
    for name in ("before", "after"):
        if args.get(name):
            wave = _wave(questionnaire, str(args[name]))
            if wave is None:
                problems[name] = (
                    f"There is no wave ‘{str(args[name])[:40]}’: choose a wave from the list."
                )
            setattr(choices, name, wave)
    _attribute(choices, str(args.get("attribute") or ""), problems)
    if any(name in args for name in (*FILTER_NAMES, *DATE_BOXES)):
        choices.notes.append(
            "The other results pages’ filters do not apply here: each wave chooses its own "
            "responses, and the table breaks them down by ward."
        )
    return choices, problems


def _wave(questionnaire: Questionnaire, text: str) -> Wave | None:
    if not (text.isascii() and text.isdigit() and len(text) <= 10) or int(text) > MAX_ID:
        return None
    return services.wave_of(questionnaire, int(text))


def _attribute(choices: Choices, name: str, problems: dict[str, str]) -> None:
    if name == NO_ATTRIBUTE:
        return
    if not name:
        choices.attribute = choices.attributes[0] if choices.attributes else None
        return
    choices.attribute = next((a for a in choices.attributes if a.name == name), None)
    if choices.attribute is None:
        known = ", ".join(f"‘{a.name}’" for a in choices.attributes) or "none is loaded"
        problems["attribute"] = (
            f"No area attribute is called ‘{name[:40]}’ (attributes: {known}): choose one "
            "from the list."
        )
