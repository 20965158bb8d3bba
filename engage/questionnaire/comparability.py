"""Whether results stay comparable when a question is reworded or an option relabelled.

Each version's copy of a question whose wording differs from the version before (the
latest published copy of its code) says whether results stay comparable
(``Question.comparable``); an option whose label changed says the same
(``Option.comparable``). The draft page asks, and publishing waits for every answer.

A change marked not comparable starts a new series at that version: results of the
versions before it and from it on are shown apart, never pooled, with a note (as
statistical producers mark a break in series). Defaults a careful analyst accepts need
no answer: a new or removed option keeps the other options comparable, and a changed
type is refused when publishing (it needs a new code), so it never pools.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engage.extensions import db
from engage.questionnaire.models import (
    Option,
    Question,
    QuestionnaireVersion,
)
from engage.questionnaire.published import published_copies

QUESTION, OPTION = "questions", "options"


@dataclass(frozen=True)
class Change:
    """A wording change in a draft against the version before, and what was decided."""

    kind: str  # QUESTION or OPTION
    item: Question | Option
    code: str  # the question's code
    before: str
    after: str

    @property
    def comparable(self) -> bool | None:
        return self.item.comparable

    def describe(self) -> str:
        if self.kind == QUESTION:
            return f"Question ‘{self.code}’ is reworded"
        return f"Question ‘{self.code}’: option ‘{self.item.code}’ is relabelled"  # type: ignore[union-attr]


def previous_copies(version: QuestionnaireVersion) -> dict[str, Question]:
    """The latest published copy of each question code in versions before ``version``."""
    rows = db.session.scalars(
        published_copies(version.questionnaire_id)
        .where(QuestionnaireVersion.number < version.number)
        .order_by(QuestionnaireVersion.number.desc())
    )
    found: dict[str, Question] = {}
    for question in rows:
        found.setdefault(question.code, question)
    return found


def changes(version: QuestionnaireVersion) -> list[Change]:
    """Every reworded question and relabelled option of ``version``, in questionnaire order."""
    before = previous_copies(version)
    codes = Counter(q.code for q in version.questions)
    found = []
    for question in version.questions:
        old = before.get(question.code)
        # A changed type or a doubled code is refused for its own reason when publishing.
        if old is None or old.type != question.type or codes[question.code] > 1:
            continue
        if old.text != question.text:
            found.append(Change(QUESTION, question, question.code, old.text, question.text))
        labels = {o.code: o.label for o in old.options}
        for option in question.options:
            if option.code in labels and labels[option.code] != option.label:
                found.append(
                    Change(OPTION, option, question.code, labels[option.code], option.label)
                )
    return found


def undecided_problems(version: QuestionnaireVersion) -> list[str]:
    """One problem per change nobody has said is comparable or not."""
    return [
        f"{change.describe()}: say on the draft page whether results stay comparable "
        "with earlier versions."
        for change in changes(version)
        if change.comparable is None
    ]


def series_breaks(copies: Mapping[int, Question]) -> list[int]:
    """The version numbers at which a new series starts, from one code's published copies
    by version number: where the copy, or one of its options, is not comparable."""
    return [
        number
        for number in sorted(copies)[1:]
        if copies[number].comparable is False
        or any(option.comparable is False for option in copies[number].options)
    ]


def series(numbers: Sequence[int], breaks: Sequence[int]) -> list[list[int]]:
    """``numbers`` (version numbers) split into series at ``breaks``, oldest first."""
    runs: list[list[int]] = []
    previous = None
    for number in sorted(numbers):
        # A break between the last number and this one, even at a version left out.
        if previous is None or any(previous < b <= number for b in breaks):
            runs.append([])
        runs[-1].append(number)
        previous = number
    return runs


def decide(version: QuestionnaireVersion, kind: str, item_id: int, comparable: bool) -> Change:
    """Record whether one of the draft's changes keeps results comparable."""
    change = next((c for c in changes(version) if c.kind == kind and c.item.id == item_id), None)
    if change is None:
        raise LookupError("not a change of this draft")
    change.item.comparable = comparable
    db.session.flush()
    return change
