"""How far a job has got, and how long it has left: read by its page while it runs.

A job that works inside one long transaction (a recount correcting rows, an import
stored whole or not at all) cannot write its progress to the database where others
would see it: on SQLite a second writer waits for the first. So the running count
lives in the job queue's own store (its SQLite file, or Redis), written at most a few
times a second, and the job's row keeps only how it started and ended.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from engage.jobs.models import QUEUED, RUNNING
from engage.jobs.queue import huey
from engage.timeutil import aware, utcnow

STALL_MINUTES = 10  # queued longer than this: no worker is running
EVERY = 0.5  # seconds between progress writes


class Progressing(Protocol):
    status: str
    rows_total: int
    rows_done: int
    created_at: datetime
    started_at: datetime | None


def _key(kind: str, job_id: int) -> str:
    return f"progress:{kind}:{job_id}"


def reporter(kind: str, job_id: int) -> Callable[[int, int], None]:
    """A callback taking rows done so far and in all; writes to the store at most every
    EVERY seconds, and always the last row."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= EVERY or done >= total:
            last[0] = now
            huey.put(_key(kind, job_id), (done, total))

    return report


@dataclass(frozen=True)
class Seen:
    done: int
    total: int
    seconds_left: float | None

    @property
    def percent(self) -> int:
        return 100 * self.done // (self.total or 1)


def seen(kind: str, job: Progressing, job_id: int, now: datetime | None = None) -> Seen:
    """How far ``job`` has got: the store's count while it runs, else its row's."""
    done, total = job.rows_done, job.rows_total
    if job.status == RUNNING:
        stored = huey.get(_key(kind, job_id), peek=True)
        if stored:
            done, total = stored
    return Seen(done, total, time_left(job, done, total, now))


def forget(kind: str, job_id: int) -> None:
    huey.get(_key(kind, job_id))  # a read without peek deletes it


def stalled(job: Progressing, now: datetime | None = None) -> bool:
    """Queued for longer than a worker takes to start anything: no worker is running."""
    if job.status != QUEUED:
        return False
    now = now or utcnow()
    return now - aware(job.created_at) > timedelta(minutes=STALL_MINUTES)


def time_left(job: Progressing, done: int, total: int, now: datetime | None = None) -> float | None:
    """Seconds until a running job is done, from its pace so far; None if not yet known."""
    if job.status != RUNNING or not job.started_at or not done or not total:
        return None
    now = now or utcnow()
    spent = (now - aware(job.started_at)).total_seconds()
    return max(0.0, spent / done * (total - done))
