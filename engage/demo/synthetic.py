"""Synthetic responses for demos and benchmarks, generated column-wise and bulk-loaded.

Each batch of responses is drawn question by question as numpy arrays (a few vector
draws per question, not a few Python calls per answer), then written straight through
the database driver: executemany of plain tuples on SQLite, COPY on PostgreSQL, inside
the caller's transaction. Ids are assigned here, so nothing is read back. The same seed
(and the same ``now``) gives the same data.
"""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa

from engage.demo import bulk
from engage.events.models import Event
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import Question, QuestionnaireVersion
from engage.results import coding
from engage.survey.answers import max_length
from engage.survey.models import KIOSK, ONLINE, Answer, Response
from engage.survey.plans import plan_for
from engage.timeutil import utcnow

BATCH = 25_000  # responses drawn and written at a time: about 900,000 answer rows
SPAN = timedelta(days=365)
SKIP = 0.08  # chance that an optional closed question is left blank
EXCLUSIVE = 0.05  # chance of "Prefer not to say" (or another exclusive option)
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
# Which answer column a row's value goes in.
OPTION, AREA, NUMBER, TEXT = range(4)
COLUMNS = ("option_id", "area_id", "number_value", "text_value")


@dataclass
class Plan:
    """One question's sampler, prepared once per run."""

    question_id: int
    code: str
    kind: str
    required: bool
    option_ids: np.ndarray  # ordinary options
    weights: np.ndarray  # their probabilities
    exclusive_ids: np.ndarray
    condition: tuple[int, np.ndarray] | None = None  # (controller index, option ids)
    texts: tuple[str, ...] = ()
    max_choices: int = 3
    low: int = 0
    high: int = 10


def _probabilities(rng: np.random.Generator, n: int) -> np.ndarray:
    weights = rng.random(n) + 0.2
    return weights / weights.sum()


# Most people score their area 5 to 8.
RATING = np.array([1 + 6 * 0.7 ** abs(v - 7) for v in range(11)])
RATING /= RATING.sum()


def _plans(rng: np.random.Generator, version: QuestionnaireVersion) -> list[Plan]:
    plans: list[Plan] = []
    index: dict[str, int] = {}
    questions: list[Question] = list(version.questions)
    for question in questions:
        low = question.min_value if question.min_value is not None else 0
        ordinary = [o.id for o in question.options if not o.exclusive]
        plan = Plan(
            question.id,
            question.code,
            question.type,
            question.required,
            np.array(ordinary, dtype=np.int64),
            _probabilities(rng, len(ordinary)),
            np.array([o.id for o in question.options if o.exclusive], dtype=np.int64),
            max_choices=question.max_choices or 3,
            low=low,
            high=question.max_value if question.max_value is not None else max(low, 10),
        )
        if question.type in types.TEXT_TYPES:
            plan.texts = tuple(text[: max_length(question)] for text in COMMENTS)
        if question.condition_code in index:
            controller = questions[index[question.condition_code]]
            chosen = [o.id for o in controller.options if o.code in question.condition_options]
            plan.condition = (index[question.condition_code], np.array(chosen, dtype=np.int64))
        index[question.code] = len(plans)
        plans.append(plan)
    return plans


def _multiple(rng: np.random.Generator, plan: Plan, rows: np.ndarray) -> tuple[Any, Any]:
    """(row, option id) pairs: 1 to max_choices different options for each row."""
    most = min(plan.max_choices, len(plan.option_ids))
    wanted = 1 + (rng.random(len(rows)) * most).astype(np.int64)
    draws = rng.choice(len(plan.option_ids), size=(len(rows), most), p=plan.weights)
    draws[np.arange(most) >= wanted[:, None]] = len(plan.option_ids)  # past the wanted count
    draws.sort(axis=1)
    keep = draws < len(plan.option_ids)
    keep[:, 1:] &= draws[:, 1:] != draws[:, :-1]  # the same option drawn twice counts once
    return np.repeat(rows, keep.sum(axis=1)), plan.option_ids[draws[keep]]


def _values(
    rng: np.random.Generator, plan: Plan, rows: np.ndarray, areas: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """(rows, values, column) for the answers to one question by the given rows."""
    n = len(rows)
    if plan.kind in types.TEXT_TYPES:
        rows = rows[rng.random(n) < TEXT_CHANCE[plan.kind]]
        return rows, rng.integers(len(plan.texts), size=len(rows)), TEXT
    if not plan.required:
        rows = rows[rng.random(n) >= SKIP]
        n = len(rows)
    if plan.kind == types.AREA:
        return rows, areas[rows], AREA
    if plan.kind == types.RATING:
        return rows, rng.choice(11, size=n, p=RATING), NUMBER
    if plan.kind not in types.CHOICE_TYPES:
        spread = (plan.high - plan.low + 1) * rng.random(n) ** 2
        return rows, plan.low + spread.astype(np.int64), NUMBER
    exclusive = np.zeros(n, dtype=bool)
    if len(plan.exclusive_ids):
        exclusive = rng.random(n) < EXCLUSIVE
    chosen_rows = rows[exclusive]
    chosen = plan.exclusive_ids[rng.integers(len(plan.exclusive_ids), size=len(chosen_rows))]
    rest = rows[~exclusive]
    if plan.kind == types.MULTIPLE:
        more_rows, more = _multiple(rng, plan, rest)
    else:
        more_rows, more = (
            rest,
            plan.option_ids[rng.choice(len(plan.option_ids), len(rest), p=plan.weights)],
        )
    return np.concatenate([chosen_rows, more_rows]), np.concatenate([chosen, more]), OPTION


class _Generator:
    """Draws the rows of consecutive batches of responses."""

    def __init__(self, version: QuestionnaireVersion, seed: int, now: datetime) -> None:
        self.rng = np.random.default_rng(seed)
        self.version_id = version.id
        self.plans = _plans(self.rng, version)
        self.question_ids = np.array([plan.question_id for plan in self.plans])
        self.layout = plan_for(version).layout
        options = [o for q in version.questions for o in q.options]
        self.position_of = np.zeros(max((o.id for o in options), default=0) + 1, dtype=np.int64)
        for question in version.questions:
            for position, option in enumerate(question.options):
                self.position_of[option.id] = position
        partnership_id = version.questionnaire.partnership_id
        self.areas = np.array(
            db.session.scalars(
                sa.select(Area.id).where(Area.partnership_id == partnership_id).order_by(Area.id)
            ).all(),
            dtype=np.int64,
        )
        self.area_p = _probabilities(self.rng, len(self.areas))
        self.events = np.array(
            db.session.scalars(
                sa.select(Event.id).where(Event.partnership_id == partnership_id).order_by(Event.id)
            ).all(),
            dtype=np.int64,
        )
        # Most answer in English; the rest share the translated languages.
        self.languages = np.array(list(LANGUAGES), dtype=object)
        weights = np.array([0.85 if code == DEFAULT_LANGUAGE else 0.1 for code in LANGUAGES])
        self.language_p = weights / weights.sum()
        self.start = np.datetime64(now.replace(tzinfo=None) - SPAN, "us")
        self.span_us = SPAN // timedelta(microseconds=1)
        self.done = 0

    def responses(self, first: int, n: int, total: int) -> tuple[dict[str, Any], np.ndarray]:
        """The response columns of a batch, and each row's area id."""
        rng = self.rng
        areas = self.areas[rng.choice(len(self.areas), size=n, p=self.area_p)]
        kiosk = rng.random(n) < 0.25 if len(self.events) else np.zeros(n, dtype=bool)
        events = np.full(n, None, dtype=object)
        events[kiosk] = self.events[rng.integers(len(self.events), size=int(kiosk.sum()))]
        # Evenly spread over the year, with jitter, so dates rise with ids.
        steps = (self.done + np.arange(n) + rng.random(n)) / total
        submitted = self.start + (steps * self.span_us).astype("timedelta64[us]")
        ids = np.arange(first, first + n)
        columns = {
            "id": ids,
            "version_id": np.full(n, self.version_id),
            "area_id": areas,
            "channel": np.where(kiosk, KIOSK, ONLINE).astype(object),
            "event_id": events,
            "language": self.languages[rng.choice(len(self.languages), size=n, p=self.language_p)],
            "submitted_at": submitted,
            "idempotency_key": np.char.add("synthetic-", ids.astype(str)).astype(object),
        }
        self.done += n
        return columns, areas

    def answers(
        self, first: int, areas: np.ndarray
    ) -> tuple[dict[str, dict[str, Any]], list[bytes]]:
        """The answer columns of a batch, one set per value column (an insert that binds
        only the columns a row uses is much quicker than one padded with nulls), each
        in the order of the answer indexes; and each response's results row."""
        n = len(areas)
        everyone = np.arange(n)
        parts: list[tuple[np.ndarray, int, np.ndarray, int]] = []
        given: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        coded = np.zeros(n, dtype=self.layout.dtype)
        for index, plan in enumerate(self.plans):
            shown = everyone
            if plan.condition is not None:
                controller, wanted = plan.condition
                rows, values = given[controller]
                mask = np.zeros(n, dtype=bool)
                mask[rows[np.isin(values, wanted)]] = True
                shown = everyone[mask]
            rows, values, column = _values(self.rng, plan, shown, areas)
            given[index] = (rows, values)
            parts.append((rows, index, values, column))
            slot = self.layout.slot(plan.code)
            if slot is not None:
                coded[f"s{slot}"] = self._slot(plan, n, shown, rows, values)
        return self._answer_sets(first, parts), _rows(coded)

    def _slot(self, plan: Plan, n: int, shown, rows, values) -> np.ndarray:
        """One question's slot of the results rows (see ``results.coding``)."""
        if plan.kind == types.MULTIPLE:
            bits = np.full(n, coding.HIDDEN_BIT, dtype=np.uint64)
            bits[shown] = 0
            np.bitwise_or.at(bits, rows, np.uint64(1) << self.position_of[values].astype(np.uint64))
            return bits
        slot = np.full(n, coding.NOT_SHOWN, dtype=np.int32)
        slot[shown] = coding.NO_ANSWER
        slot[rows] = self.position_of[values] if plan.kind in types.CHOICE_TYPES else values
        return slot

    def _answer_sets(self, first: int, parts) -> dict[str, dict[str, Any]]:
        sets = {}
        for column, name in enumerate(COLUMNS):
            mine = [part for part in parts if part[3] == column]
            if not mine:
                continue
            rows = np.concatenate([p[0] for p in mine])
            values = np.concatenate([p[2] for p in mine])
            plan_index = np.concatenate([np.full(len(p[0]), p[1]) for p in mine])
            question_ids = self.question_ids[plan_index]
            # Response by response, as submissions store them: a response's answers then
            # sit together in the table, where exports read them.
            keys = (question_ids, rows)
            order = np.lexsort(keys)
            rows, values, plan_index = rows[order], values[order], plan_index[order]
            if column == TEXT:
                texts = np.empty(len(values), dtype=object)
                for index in np.unique(plan_index):
                    at = plan_index == index
                    texts[at] = np.array(self.plans[index].texts, dtype=object)[values[at]]
                values = texts
            sets[name] = {
                "response_id": rows + first,
                "question_id": self.question_ids[plan_index],
                name: values,
            }
        return sets


def _rows(coded: np.ndarray) -> list[bytes]:
    raw, size = coded.tobytes(), coded.dtype.itemsize
    return [raw[i : i + size] for i in range(0, len(raw), size)]


def _next_id(column: Any) -> int:
    return (db.session.scalar(sa.select(sa.func.max(column))) or 0) + 1


def batches(first: int, count: int) -> Iterable[tuple[int, int]]:
    """(first id, size) of each batch."""
    for start in range(first, first + count, BATCH):
        yield start, min(BATCH, first + count - start)


def seed_synthetic(
    version: QuestionnaireVersion,
    count: int,
    seed: int = 1,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add ``count`` synthetic responses to ``version`` in one transaction of their own,
    committed here; return how many answers. ``progress`` hears the responses written."""
    generator = _Generator(version, seed, now or utcnow())
    keys = np.random.default_rng()

    def draw(first: int, size: int) -> list[tuple[str, dict[str, Any]]]:
        responses, areas = generator.responses(first, size, count)
        sets, coded = generator.answers(first, areas)
        responses["coded"] = coded
        # Record keys drawn here, not by the column's default: a volatile default would
        # make PostgreSQL's COPY insert row by row. From the OS's entropy, not the seed.
        responses["record_key"] = keys.integers(0, 256, size, dtype=np.int16)
        answers = list(sets.values())
        return [(Response.__tablename__, responses)] + [(Answer.__tablename__, a) for a in answers]

    answers_total = 0
    first_id = _next_id(Response.id)
    # Rebuilding the answer indexes takes time in proportion to the whole table, and
    # updating them row by row several times as much per added row: the two cost about
    # the same for a load an eighth the size of what is there (20,000 onto 100,000).
    reindex = (Answer.__tablename__,) if count >= max(bulk.REINDEX_FROM, first_id // 8) else ()
    todo = list(batches(first_id, count))
    with bulk.loader(db.engine, reindex) as load, ThreadPoolExecutor(1) as drawer:
        # Each batch is drawn while the one before is written (SQLite lets go of the
        # interpreter lock while it works); one drawer, in order, so the seed fixes the data.
        pending = drawer.submit(draw, *todo[0])
        written = 0
        for following in [*todo[1:], None]:
            drawn = pending.result()
            if following is not None:
                pending = drawer.submit(draw, *following)
            for table, columns in drawn:
                load(table, columns)
                if table == Answer.__tablename__:
                    answers_total += len(columns["response_id"])
            written += len(drawn[0][1]["id"])
            if progress:
                progress(written)
    return answers_total
