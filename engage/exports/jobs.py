"""Downloads prepared as background jobs: requested, written with progress, kept, deleted.

Excel, SPSS and data-package files are built whole before a byte can be sent, which
takes minutes at a million responses: far past what a web request may take. They are
written by the job worker instead (``engage.jobs.queue``), into ``instance/exports``
under a random name; the analyst watches the progress, may leave the page, and takes
the file from the list of their recent downloads. Each file is kept for
ENGAGE_EXPORT_KEEP_HOURS (24 by default) and then deleted; each download of it is
recorded in the audit trail.
"""

import os
import secrets
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast

import sqlalchemy as sa
from flask import current_app
from huey import crontab

from engage.accounts.models import User
from engage.audit.services import DOWNLOAD, record
from engage.exports import services, values
from engage.exports.models import DONE, EXPIRED, FAILED, QUEUED, RUNNING, ExportJob
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE
from engage.jobs import progress
from engage.jobs.queue import huey, in_app
from engage.partnership.services import current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results.filters import ResultFilter, parse_filters
from engage.timeutil import utcnow

DEFAULT_KEEP_HOURS = 24
RECENT = 20  # jobs listed on the downloads page


def keep_for() -> timedelta:
    hours = current_app.config.get("ENGAGE_EXPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS)
    return timedelta(hours=float(hours))


def folder() -> Path:
    """Where finished files wait: ENGAGE_EXPORT_FOLDER, or instance/exports. Several app
    servers need a folder they all share, as any of them may serve the download."""
    configured = current_app.config.get("ENGAGE_EXPORT_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def request_export(
    questionnaire: Questionnaire,
    filters: ResultFilter,
    fmt: services.Format,
    user: User,
    style: str = values.DEFAULT,
    lang: str = DEFAULT_LANGUAGE,
) -> ExportJob:
    """Record a requested download (flushes); queue it with ``start`` once committed."""
    download = services.prepare(questionnaire, filters, user.free_text_access, user.agency_id)
    job = ExportJob(
        user_id=user.id,
        format=fmt.key,
        filters=filters.query_args(),
        option_values=style,
        language=lang,
        free_text=user.free_text_access,
        agency_id=user.agency_id,
        status=QUEUED,
        rows_total=download.rows,
    )
    db.session.add(job)
    db.session.flush()
    record(
        DOWNLOAD,
        "exports.request",
        user,
        filters.as_dict(),
        download.rows,
        target=f"{fmt.filename}, job {job.id}",
    )
    return job


def start(job: ExportJob) -> None:
    """Hand a committed job to the worker."""
    write_export(job.id)


@huey.task()
@in_app
def write_export(job_id: int) -> None:
    """The job itself: write the file, reporting progress, and record how it ended."""
    run(job_id)


def _progress(job_id: int, done: int) -> None:
    # On a connection of its own, so the analyst's page sees it at once.
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(cast(sa.Table, ExportJob.__table__))
            .where(ExportJob.id == job_id)
            .values(rows_done=done)
        )


def run(job_id: int) -> None:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status != QUEUED:
        return
    job.status, job.started_at = RUNNING, utcnow()
    db.session.commit()
    fmt = services.FORMATS[job.format]
    name = f"{secrets.token_hex(16)}{os.path.splitext(fmt.filename)[1]}"
    partial = folder() / f".{name}.partial"
    try:
        partnership = current_partnership()
        questionnaire = questionnaire_for(partnership) if partnership else None
        if questionnaire is None:
            raise RuntimeError("There is no questionnaire to export.")
        filters, _errors = parse_filters(job.filters)
        style = services.style_for(fmt, job.option_values)
        download = services.prepare(
            questionnaire, filters, job.free_text, job.agency_id, style, job.language
        )
        services.write_file(
            download, fmt, str(partial), style, lambda done: _progress(job_id, done)
        )
        os.replace(partial, folder() / name)
    except Exception as error:  # noqa: BLE001  # any failure is reported on the job's page
        partial.unlink(missing_ok=True)
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        assert job is not None  # noqa: S101  # nosec B101  # it was there a moment ago
        job.status, job.finished_at = FAILED, utcnow()
        job.error = f"{type(error).__name__}: {error}"
        db.session.commit()
        current_app.logger.exception("Export job %s failed", job_id)
        return
    db.session.rollback()  # whatever the rows were read in
    job = db.session.get(ExportJob, job_id)
    assert job is not None  # noqa: S101  # nosec B101
    finished = utcnow()
    job.status, job.stored_as = DONE, name
    job.rows_done = download.rows
    job.size = (folder() / name).stat().st_size
    job.finished_at, job.expires_at = finished, finished + keep_for()
    db.session.commit()


def recent(user: User) -> list[ExportJob]:
    """The user's latest jobs, newest first (expired ones are deleted first)."""
    delete_expired()
    return list(
        db.session.scalars(
            sa.select(ExportJob)
            .where(ExportJob.user_id == user.id)
            .order_by(ExportJob.id.desc())
            .limit(RECENT)
        )
    )


def job_for(user: User, job_id: int) -> ExportJob | None:
    """The user's own job with this id; nobody else's."""
    job = db.session.get(ExportJob, job_id)
    return job if job is not None and job.user_id == user.id else None


def wait(job: ExportJob, seconds: float) -> None:
    """Wait up to ``seconds`` for the job to finish (or fail), re-reading it each half
    second from a fresh transaction, as the worker writes it from another."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.commit()
        db.session.refresh(job)
        if job.status not in (QUEUED, RUNNING) or time.monotonic() >= deadline:
            return
        time.sleep(0.5)


def file_of(job: ExportJob) -> Path | None:
    if job.status != DONE or not job.stored_as:
        return None
    path = folder() / job.stored_as
    return path if path.is_file() else None


def record_download(job: ExportJob, user: User) -> None:
    """The audit entry for one download of a finished job's file (flushes)."""
    fmt = services.FORMATS[job.format]
    filters, _ = parse_filters(job.filters)
    detail = ["web, prepared in the background", "with free text" if job.free_text else ""]
    record(
        DOWNLOAD,
        fmt.filename,
        user,
        filters.as_dict(),
        job.rows_total,
        "; ".join(d for d in detail if d) or "without free text",
    )


def delete_expired(now: datetime | None = None) -> int:
    """Delete the files of jobs past their time; returns how many (the caller commits)."""
    now = now or utcnow()
    gone = 0
    for job in db.session.scalars(
        sa.select(ExportJob).where(ExportJob.status == DONE, ExportJob.expires_at < now)
    ):
        if job.stored_as:
            (folder() / job.stored_as).unlink(missing_ok=True)
        job.status, job.stored_as = EXPIRED, None
        gone += 1
    db.session.flush()
    return gone


@huey.periodic_task(crontab(minute="*/15"))
@in_app
def delete_expired_exports() -> None:
    """Every quarter of an hour, in the worker: expired files go even if nobody looks."""
    delete_expired()
    db.session.commit()


def time_left(job: ExportJob, now: datetime | None = None) -> float | None:
    """Seconds until a running job is done, from its pace so far; None if not yet known."""
    return progress.time_left(job, job.rows_done, job.rows_total, now)
