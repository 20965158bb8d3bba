"""Recounts, seedings and imports as jobs: recorded, run with progress, ended plainly.

Each kind of work is a function ``work(job, report) -> summary`` kept with its
feature (``engage.results.jobs``, ``engage.demo.jobs``, ``engage.events.import_jobs``);
``run`` wraps it the same way wherever it runs: in the job worker when a page or
``--background`` queued it, or in the command's own process otherwise. Either way
the job is listed on the jobs page with how it ended.

The work's own changes are committed only if it finishes: a failure or a refusal
rolls them back, so nothing is stored half-done.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from engage.accounts.models import User
from engage.extensions import db
from engage.jobs import progress
from engage.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from engage.timeutil import utcnow

RECENT = 30  # jobs listed on the jobs page
PROGRESS = "job"  # the progress store's name for these jobs

Report = Callable[[int, int], None]  # rows done, rows in all
Work = Callable[[Job, Report], str]


class Refused(Exception):
    """The work cannot be done as asked; nothing of it is kept. Says why, a line each."""

    def __init__(self, summary: str, problems: list[str] | None = None) -> None:
        super().__init__(summary)
        self.summary = summary
        self.problems = problems or []


def create(
    kind: str, title: str, user: User | None, params: dict[str, Any] | None = None, total: int = 0
) -> Job:
    """Record a job (flushes); the caller commits, then queues or runs it."""
    job = Job(
        kind=kind,
        title=title,
        user_id=user.id if user else None,
        params=params or {},
        status=QUEUED,
        rows_total=total,
    )
    db.session.add(job)
    db.session.flush()
    return job


def run(job_id: int, work: Work, echo: Report | None = None) -> Job | None:
    """Do a queued job's work and record how it ended; ``echo`` also hears the progress."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != QUEUED:
        return job
    job.status, job.started_at = RUNNING, utcnow()
    db.session.commit()
    stored = progress.reporter(PROGRESS, job_id)

    def report(done: int, total: int) -> None:
        stored(done, total)
        if echo:
            echo(done, total)

    try:
        summary = work(job, report)
        db.session.commit()
    except Refused as refused:
        return _ended(job_id, FAILED, summary=refused.summary, problems=refused.problems)
    except Exception as error:  # noqa: BLE001  # any failure is shown on the job's page
        current_app.logger.exception("Job %s (%s) failed", job_id, job.kind)
        return _ended(job_id, FAILED, error=f"{type(error).__name__}: {error}")
    finally:
        progress.forget(PROGRESS, job_id)
    return _ended(job_id, DONE, summary=summary, done=True)


def _ended(job_id: int, status: str, done: bool = False, **values: Any) -> Job:
    db.session.rollback()  # a failed job's half-done changes
    job = db.session.get(Job, job_id)
    assert job is not None  # noqa: S101  # nosec B101  # it was there a moment ago
    job.status, job.finished_at = status, utcnow()
    for name, value in values.items():
        setattr(job, name, value)
    if done:
        job.rows_done = job.rows_total
    db.session.commit()
    return job


def folder() -> Path:
    """Where files wait for their job: ENGAGE_JOB_FOLDER, or instance/jobs. Several app
    servers need one folder they all share, as the worker may run on another."""
    configured = current_app.config.get("ENGAGE_JOB_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def recent(limit: int = RECENT) -> list[Job]:
    """The latest jobs, newest first."""
    return list(db.session.scalars(sa.select(Job).order_by(Job.id.desc()).limit(limit)))


def seen(job: Job) -> progress.Seen:
    return progress.seen(PROGRESS, job, job.id)


def working(job: Job) -> bool:
    return job.status in (QUEUED, RUNNING)
