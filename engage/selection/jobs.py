"""The selection's background work: computing the published pool (LEXIMIN can take a
minute on a large pool), rewriting the pool in a random order while registration is
open, and deleting contact details on each panel's retention date."""

import sqlalchemy as sa
from huey import crontab

from engage.accounts.models import User
from engage.extensions import db
from engage.jobs import services as jobs
from engage.jobs.models import PANEL_SELECTION, Job
from engage.jobs.queue import huey, in_app
from engage.localtime import local
from engage.selection import retention, selecting
from engage.selection.errors import SelectionError
from engage.selection.models import Recruitment
from engage.selection.recruitment import note
from engage.timeutil import utcnow


def request_publish(recruitment: Recruitment, user: User | None) -> Job:
    problems = selecting.check_ready(recruitment)
    if problems:
        raise SelectionError("The pool cannot be published yet.", problems)
    job = jobs.create(
        PANEL_SELECTION,
        f"Selection probabilities for ‘{recruitment.panel.name}’",
        user,
        {"panel": recruitment.panel_id, "user": user.id if user else None},
    )
    note("publish.request", user, recruitment, f"job {job.id}")
    return job


def last_job(recruitment: Recruitment) -> Job | None:
    """The panel's latest publication job, to show how it ended."""
    found = db.session.scalars(
        sa.select(Job).where(Job.kind == PANEL_SELECTION).order_by(Job.id.desc()).limit(50)
    )
    return next((job for job in found if job.params.get("panel") == recruitment.panel_id), None)


def work(job: Job, report: jobs.Report) -> str:
    recruitment = db.session.get(Recruitment, job.params.get("panel"))
    if recruitment is None:
        raise jobs.Refused("The panel no longer recruits.")
    user = db.session.get(User, job.params["user"]) if job.params.get("user") else None
    try:
        found = selecting.publish(recruitment, user)
    except SelectionError as refused:
        raise jobs.Refused(str(refused), refused.problems) from refused
    probabilities = found.allocation.agent_probabilities
    return (
        f"Published {len(probabilities)} volunteers; the smallest selection probability is "
        f"{min(probabilities):.2%}."
    )


@huey.task()
@in_app
def publish_job(job_id: int) -> None:
    ended = jobs.run(job_id, work)
    if ended is not None and ended.status == "done":
        retention.rewrite_storage()


def shuffle_waiting() -> int:
    """Rewrite, in a random order, each pool with registrations since the last time."""
    waiting = list(db.session.scalars(sa.select(Recruitment).where(Recruitment.needs_shuffle)))
    for recruitment in waiting:
        selecting.shuffle(recruitment)
    db.session.commit()
    if waiting:
        retention.rewrite_storage(whole_file=False)
    return len(waiting)


@huey.periodic_task(crontab(minute="7"))
@in_app
def shuffle_pools() -> None:
    shuffle_waiting()


@huey.periodic_task(crontab(hour="3", minute="17"))
@in_app
def delete_expired_contacts() -> None:
    retention.delete_due(local(utcnow()).date())
