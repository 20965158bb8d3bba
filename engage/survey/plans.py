"""A published version's questions as plain values, read from the database once per process.

Checking and storing a response needs every question and option of its version. Loaded
as ORM objects on each submission, they cost most of a submission's time (dozens of
queries, and every option's translations decoded). A published version's questions and
options no longer change, so each app keeps them here, keyed by the version's id and
the moment it was published; drafts are read afresh each time.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from engage.database import MAX_ID
from engage.extensions import db
from engage.questionnaire import types
from engage.questionnaire.models import PUBLISHED, QuestionnaireVersion
from engage.results.coding import AREA, CHOICE, MULTIPLE, VALUE, RowLayout, Slot

CACHE = "engage.version_plans"
PUBLISHED_BY_ID = "engage.published_plans"
MOST = 64  # versions kept per process; a partnership has a handful


@dataclass(frozen=True)
class OptionPlan:
    id: int
    code: str
    label: str  # English; pages show the resident's language from the code
    exclusive: bool
    position: int = 0  # its place in the question (0 for the first), as the results keep it


@dataclass(frozen=True)
class QuestionPlan:
    """The fields of a question that checking and storing answers read."""

    id: int
    code: str
    type: str
    required: bool
    min_value: int | None
    max_value: int | None
    max_choices: int | None
    max_length: int | None
    condition_code: str | None
    condition_options: tuple[str, ...]
    options: tuple[OptionPlan, ...]
    by_code: dict[str, OptionPlan] = field(default_factory=dict, compare=False, repr=False)

    def option_by_code(self, code: str) -> OptionPlan | None:
        return self.by_code.get(code)


@dataclass(frozen=True)
class VersionPlan:
    id: int
    questionnaire_id: int
    questions: tuple[QuestionPlan, ...]
    layout: RowLayout

    def codes(self) -> dict[int, str]:
        """{question id: code}."""
        return {q.id: q.code for q in self.questions}


def _build(version: QuestionnaireVersion) -> VersionPlan:
    questions = []
    for q in version.questions:
        options = tuple(
            OptionPlan(o.id, o.code, o.label, o.exclusive, i) for i, o in enumerate(q.options)
        )
        questions.append(
            QuestionPlan(
                id=q.id,
                code=q.code,
                type=q.type,
                required=q.required,
                min_value=q.min_value,
                max_value=q.max_value,
                max_choices=q.max_choices,
                max_length=q.max_length,
                condition_code=q.condition_code,
                condition_options=tuple(q.condition_options or ()),
                options=options,
                by_code={o.code: o for o in options},
            )
        )
    return VersionPlan(
        version.id, version.questionnaire_id, tuple(questions), row_layout(questions)
    )


def slot_kind(question_type: str) -> str | None:
    """How the results keep a question's answers; None for free text, which they never count."""
    if question_type == types.MULTIPLE:
        return MULTIPLE
    if question_type in types.CHOICE_TYPES:
        return CHOICE
    if question_type == types.AREA:
        return AREA
    if question_type in (types.RATING, types.NUMBER):
        return VALUE
    return None


def row_layout(questions: list[QuestionPlan]) -> RowLayout:
    """The results row of a version: a slot per counted question, in questionnaire order."""
    slots = []
    for q in questions:
        kind = slot_kind(q.type)
        if kind is not None:
            options = tuple(o.code for o in q.options) if kind in (CHOICE, MULTIPLE) else ()
            slots.append(Slot(q.code, kind, options))
    return RowLayout(tuple(slots))


def plan_for(version: QuestionnaireVersion) -> VersionPlan:
    """The version's questions and options; a published version's from this app's cache."""
    if version.status != PUBLISHED:
        return _build(version)
    cache: dict[tuple[int, datetime | None], VersionPlan] = current_app.extensions.setdefault(
        CACHE, {}
    )
    key = (version.id, version.published_at)
    plan = cache.get(key)
    if plan is None:
        if len(cache) >= MOST:
            cache.clear()
        plan = cache[key] = _build(version)
    return plan


def published_plan(questionnaire_id: int, version_id: object) -> VersionPlan | None:
    """The plan of this questionnaire's published version with that id, if there is one.

    A version once published never changes nor goes back to draft, so a plan found here
    is kept for good: a submission naming a version costs no query after the first.
    """
    try:
        vid = int(str(version_id))
    except ValueError:
        return None
    if not 0 < vid <= MAX_ID:
        return None
    cache: dict[int, VersionPlan] = current_app.extensions.setdefault(PUBLISHED_BY_ID, {})
    plan = cache.get(vid)
    if plan is None:
        version = db.session.get(QuestionnaireVersion, vid)
        if version is None or version.status != PUBLISHED:
            return None
        if len(cache) >= MOST:
            cache.clear()
        plan = cache[vid] = plan_for(version)
    return plan if plan.questionnaire_id == questionnaire_id else None
