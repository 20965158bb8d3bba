"""Simulated kiosk tablets: each posts complete responses as assets/kiosk-queue.js does,
and retries an unacknowledged one with the same idempotency key until the server
answers 201 (stored) or 200 (already stored).

The answers are drawn once, before the run, from the published demo questionnaire,
and each set is checked with the server's own rules (engage.survey.answers), so a
refusal during the run is a real finding and not a bad test payload.
"""

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass

from harness.ledger import Ledger
from harness.servers import request

# Free text as residents type it: accents, right-to-left script, markup, formula-like.
TEXTS = (
    "More buses in the evening, please",
    'Street lights on Mill Lane are out again, "every night"',
    "Bardzo dobra okolica, ale za mało miejsc parkingowych",
    "پارک کی صفائی بہتر ہونی چاہیے",
    "<script>alert('hi')</script> the park is lovely",
    "=the best place to live",
)
LANGUAGES = ("en", "pl", "ur")


@dataclass(frozen=True)
class Policy:
    """How a kiosk retries one submission: bounded in attempts and in time."""

    timeout: float = 10.0  # per request
    attempts: int = 60
    seconds: float = 45.0  # per submission, from its first attempt
    first_backoff: float = 0.05
    most_backoff: float = 1.0


@dataclass(frozen=True)
class Prepared:
    """A valid answer set and the number of answer rows the server should store for it."""

    answers: dict[str, list[str]]
    rows: int


def _draw(rng: random.Random, question, areas: list[str]) -> list[str]:
    from engage.questionnaire import types

    if question.type in types.CHOICE_TYPES:
        ordinary = [o.code for o in question.options if not o.exclusive]
        if question.type != types.MULTIPLE:
            return [rng.choice([o.code for o in question.options])]
        most = min(question.max_choices or 3, len(ordinary))
        return rng.sample(ordinary, rng.randint(1, most))
    if question.type == types.RATING:
        return [str(rng.randint(types.RATING_MIN, types.RATING_MAX))]
    if question.type == types.NUMBER:
        low = question.min_value if question.min_value is not None else 0
        high = question.max_value if question.max_value is not None else low + 100
        return [str(rng.randint(low, high))]
    if question.type in types.TEXT_TYPES:
        return [rng.choice(TEXTS)]
    if question.type == types.AREA:
        return [rng.choice(areas)]
    raise ValueError(f"no answers drawn for question type {question.type}")


def answer_pool(count: int = 200, seed: int = 7) -> tuple[int, list[Prepared]]:
    """(version id, ``count`` complete answer sets) for the current published version.

    Runs inside an app context on the database the servers will use.
    """
    from engage.partnership.services import areas, current_partnership
    from engage.questionnaire.services import current_version, questionnaire_for
    from engage.survey.answers import check_answers, check_one, is_shown

    rng = random.Random(seed)  # noqa: S311 (made-up answers, not secrets)
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    version = current_version(questionnaire) if questionnaire else None
    if partnership is None or version is None:
        raise RuntimeError("no published questionnaire: did seed-demo run?")
    area_codes = [a.code for a in areas(partnership)]
    questions = list(version.questions)
    pool = []
    for _ in range(count):
        answers: dict[str, list[str]] = {}
        parsed: dict = {}
        # Answer every question that is shown, given the answers drawn so far.
        for question in questions:
            if is_shown(question, parsed, set(answers)):
                answers[question.code] = _draw(rng, question, area_codes)
                parsed[question.code], _ = check_one(question, answers[question.code], area_codes)
        checked = check_answers(questions, answers, area_codes)
        if not checked.ok:
            raise RuntimeError(f"drew answers the server would refuse: {checked.errors}")
        rows = sum(len(a.option_codes) or 1 for a in checked.answers.values())
        pool.append(Prepared(answers, rows))
    return version.id, pool


class Kiosk(threading.Thread):
    """One tablet: new responses one after another until ``stop_at``, each until acknowledged.

    ``ports`` are tried in turn, one per attempt, so with two servers the kiosk's
    traffic (and a retry) alternates between them.
    """

    def __init__(
        self,
        number: int,
        ports: list[int],
        token: str,
        version_id: int,
        pool: list[Prepared],
        ledger: Ledger,
        stop_at: float,
        halt: threading.Event,
        policy: Policy | None = None,
    ):
        super().__init__(name=f"kiosk-{number}", daemon=True)
        self.ports = ports
        self.path = f"/kiosk/{token}/responses"
        self.version_id = version_id
        self.pool = pool
        self.ledger = ledger
        self.stop_at = stop_at
        self.halt = halt
        self.policy = policy or Policy()
        self.rng = random.Random(number)  # noqa: S311 (made-up answers, not secrets)
        self.turn = number

    def run(self) -> None:
        while time.monotonic() < self.stop_at and not self.halt.is_set():
            self.submit(self.rng.choice(self.pool))

    def submit(self, prepared: Prepared) -> bool:
        """Send one new response until acknowledged, refused, or out of attempts or time."""
        payload = {
            "key": uuid.uuid4().hex,
            "version": self.version_id,
            "lang": self.rng.choice(LANGUAGES),
            "answers": prepared.answers,
        }
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        give_up_at = time.monotonic() + self.policy.seconds
        backoff = self.policy.first_backoff
        for attempt in range(self.policy.attempts):
            self.ledger.attempt(payload["key"], retry=attempt > 0)
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
            started = time.monotonic()
            try:
                status, answered, answer = request(
                    port, "POST", self.path, body, headers, self.policy.timeout
                )
            except (OSError, http.client.HTTPException) as error:
                self.ledger.fail(started, time.monotonic(), f"{type(error).__name__}: {error}")
            else:
                if status in (200, 201):
                    self.ledger.acknowledge(
                        payload["key"], prepared.rows, started, time.monotonic(), status
                    )
                    return True
                if status < 500:
                    self.ledger.refuse(f"HTTP {status}: {answer[:200]!r}")
                    return False
                retry_after = answered.get("Retry-After") is not None
                self.ledger.server_error(started, time.monotonic(), status, retry_after)
            if time.monotonic() + backoff > give_up_at or self.halt.is_set():
                break
            time.sleep(backoff * (0.5 + self.rng.random()))
            backoff = min(backoff * 2, self.policy.most_backoff)
        self.ledger.give_up(payload["key"])
        return False
