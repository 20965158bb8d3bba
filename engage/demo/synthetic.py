"""Synthetic responses for demos and benchmarks, bulk-inserted fast.

Rows are plain dicts inserted with Core executemany in large batches inside the
caller's transaction. Ids are assigned here, so nothing is read back and no ORM
object is made per row. The same seed (and the same ``now``) gives the same data.
"""

import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any, cast

import sqlalchemy as sa

from engage.events.models import Event
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import Question, QuestionnaireVersion
from engage.survey.answers import max_length
from engage.survey.models import KIOSK, ONLINE, Answer, Response
from engage.timeutil import utcnow

# Core tables: an executemany of plain dicts, with no ORM bookkeeping per row.
RESPONSES = cast(sa.Table, Response.__table__)
ANSWERS = cast(sa.Table, Answer.__table__)
BATCH = 10_000
CACHE_KIB = 512 * 1024  # responses per executemany; about 300,000 answer rows
SPAN = timedelta(days=365)
SKIP = 0.08  # chance that an optional closed question is left blank
TEXT_CHANCE = {types.SHORT_TEXT: 0.3, types.LONG_TEXT: 0.15}
# Comments with the quoting, line breaks, scripts and formula-like text real answers have.
COMMENTS = (
    "The park is lovely in summer",
    "Friendly neighbours, we look out for each other",
    "More buses in the evening, please",
    "Street lights on Mill Lane are out again",
    'Too many cars parked on the pavement, "every day"',
    "Quiet, green, close to the shops",
    "Bins get missed, and the litter blows everywhere",
    "The library, the café and the market",
    "Speeding on the main road\nespecially at night",
    "Nothing much for teenagers to do",
    "- more police on foot",
    "Bardzo dobra okolica, ale za mało miejsc parkingowych",
    "پارک کی صفائی بہتر ہونی چاہیے",
    "=the best place to live",
)


@dataclass
class Plan:
    """One question's sampler, prepared once so each answer costs a few random draws."""

    question: Question
    kind: str
    option_ids: list[int] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)
    exclusive_ids: list[int] = field(default_factory=list)
    condition: tuple[int, frozenset[int]] | None = None  # (controller index, option ids)
    controls: bool = False  # a later question's condition depends on this one
    limit: int = 0  # longest text allowed
    question_id: int = 0
    required: bool = False
    max_choices: int = 3
    low: int = 0
    high: int = 10


def _weights(rng: random.Random, n: int) -> list[float]:
    return list(accumulate(rng.random() + 0.2 for _ in range(n)))


def _plans(rng: random.Random, version: QuestionnaireVersion) -> list[Plan]:
    plans: list[Plan] = []
    index: dict[str, int] = {}
    for question in version.questions:
        low = question.min_value if question.min_value is not None else 0
        plan = Plan(
            question,
            question.type,
            limit=max_length(question),
            question_id=question.id,
            required=question.required,
            max_choices=question.max_choices or 3,
            low=low,
            high=question.max_value if question.max_value is not None else max(low, 10),
        )
        if question.type in types.CHOICE_TYPES:
            ordinary = [o for o in question.options if not o.exclusive]
            plan.option_ids = [o.id for o in ordinary]
            plan.exclusive_ids = [o.id for o in question.options if o.exclusive]
            plan.cumulative = _weights(rng, len(ordinary))
        elif question.type == types.RATING:
            # Most people score their area 5 to 8.
            plan.cumulative = list(accumulate(1 + 6 * 0.7 ** abs(v - 7) for v in range(11)))
        if question.condition_code in index:
            controller = plans[index[question.condition_code]].question
            chosen = {o.id for o in controller.options if o.code in question.condition_options}
            plan.condition = (index[question.condition_code], frozenset(chosen))
            plans[index[question.condition_code]].controls = True
        index[question.code] = len(plans)
        plans.append(plan)
    return plans


def _pick(rng: random.Random, plan: Plan) -> int:
    return plan.option_ids[bisect(plan.cumulative, rng.random() * plan.cumulative[-1])]


def _choices(rng: random.Random, plan: Plan) -> list[int]:
    """Option ids chosen for a choice question."""
    if plan.exclusive_ids and rng.random() < 0.05:
        return [rng.choice(plan.exclusive_ids)]
    if plan.kind != types.MULTIPLE:
        return [_pick(rng, plan)]
    most = min(plan.max_choices, len(plan.option_ids))
    wanted = 1 + int(rng.random() * most)
    picked = {_pick(rng, plan) for _ in range(wanted)}
    return sorted(picked)


def _answer_values(rng: random.Random, plan: Plan, area_id: int) -> list[tuple[str, Any]]:
    """(column, value) for each answer row of one question; [] when it is left blank."""
    if plan.kind in types.TEXT_TYPES:
        if rng.random() >= TEXT_CHANCE[plan.kind]:
            return []
        return [("text_value", COMMENTS[int(rng.random() * len(COMMENTS))][: plan.limit])]
    if not plan.required and rng.random() < SKIP:
        return []
    if plan.kind in types.CHOICE_TYPES:
        return [("option_id", option) for option in _choices(rng, plan)]
    if plan.kind == types.AREA:
        return [("area_id", area_id)]
    if plan.kind == types.RATING:
        value = bisect(plan.cumulative, rng.random() * plan.cumulative[-1])
    else:
        low, high = plan.low, plan.high
        value = low + int((high - low + 1) * rng.random() ** 2)
    return [("number_value", value)]


def _next_id(column: Any) -> int:
    return (db.session.scalar(sa.select(sa.func.max(column))) or 0) + 1


def _advance_sequences() -> None:
    """PostgreSQL hands out ids from sequences, which explicit ids do not move on."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("response", "answer"):
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
        )


class _Generator:
    """Builds the rows of consecutive responses."""

    def __init__(self, version: QuestionnaireVersion, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        self.version_id = version.id
        self.plans = _plans(self.rng, version)
        partnership_id = version.questionnaire.partnership_id
        self.areas = list(
            db.session.scalars(
                sa.select(Area.id).where(Area.partnership_id == partnership_id).order_by(Area.id)
            )
        )
        self.area_weights = _weights(self.rng, len(self.areas))
        self.events = list(
            db.session.scalars(
                sa.select(Event.id).where(Event.partnership_id == partnership_id).order_by(Event.id)
            )
        )
        # Most answer in English; the rest share the translated languages.
        self.languages = list(LANGUAGES)
        self.language_weights = list(
            accumulate(0.85 if code == DEFAULT_LANGUAGE else 0.1 for code in self.languages)
        )
        self.start = now - SPAN
        self.done = 0

    def rows(self, first: int, count: int, total: int, answer_id: int):
        """(response rows, answer rows) for ``count`` responses from id ``first``."""
        rng, responses, answers = self.rng, [], []
        for offset in range(count):
            response_id = first + offset
            area_id = self.areas[bisect(self.area_weights, rng.random() * self.area_weights[-1])]
            kiosk = bool(self.events) and rng.random() < 0.25
            responses.append(
                {
                    "id": response_id,
                    "version_id": self.version_id,
                    "area_id": area_id,
                    "channel": KIOSK if kiosk else ONLINE,
                    "event_id": rng.choice(self.events) if kiosk else None,
                    "language": self.languages[
                        bisect(self.language_weights, rng.random() * self.language_weights[-1])
                    ],
                    # Evenly spread over the year, with jitter, so dates rise with ids.
                    "submitted_at": self.start
                    + SPAN * ((self.done + offset + rng.random()) / total),
                    "idempotency_key": f"synthetic-{response_id}",
                }
            )
            chosen: dict[int, set[Any]] = {}
            for index, plan in enumerate(self.plans):
                if plan.condition is not None:
                    controller, wanted = plan.condition
                    if wanted.isdisjoint(chosen.get(controller, ())):
                        continue
                values = _answer_values(rng, plan, area_id)
                if plan.controls:
                    chosen[index] = {value for _, value in values}
                for column, value in values:
                    # Every row carries every column, as one executemany needs.
                    row = {
                        "id": answer_id,
                        "response_id": response_id,
                        "question_id": plan.question_id,
                        "option_id": None,
                        "area_id": None,
                        "number_value": None,
                        "text_value": None,
                    }
                    row[column] = value
                    answers.append(row)
                    answer_id += 1
        self.done += count
        return responses, answers


def seed_synthetic(
    version: QuestionnaireVersion, count: int, seed: int = 1, now: datetime | None = None
) -> int:
    """Add ``count`` synthetic responses to ``version``; return how many answers. The caller
    commits."""
    generator = _Generator(version, seed, now or utcnow())
    response_id, answer_id = _next_id(Response.id), _next_id(Answer.id)
    if db.session.get_bind().dialect.name == "sqlite":
        # The answer indexes outgrow SQLite's 2 MB default page cache within a few
        # thousand responses; a larger one (for this connection) keeps inserts fast.
        db.session.execute(sa.text(f"PRAGMA cache_size = -{CACHE_KIB}"))
    answers_total = 0
    for first in range(response_id, response_id + count, BATCH):
        size = min(BATCH, response_id + count - first)
        responses, answers = generator.rows(first, size, count, answer_id)
        db.session.execute(RESPONSES.insert(), responses)
        if answers:
            db.session.execute(ANSWERS.insert(), answers)
        answer_id += len(answers)
        answers_total += len(answers)
    _advance_sequences()
    db.session.flush()
    return answers_total
