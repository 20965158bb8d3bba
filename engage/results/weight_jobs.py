"""Computing a scheme's weights as a job: from the command line, a page, or on a schedule.

Weights go out of date when new targets are loaded or responses arrive; every quarter
of an hour the worker recomputes each scheme whose weights are out of date, so a
response waits at most that long (plus the raking) to count in weighted figures.
"""

import sqlalchemy as sa
from huey import crontab

from engage.accounts.models import User
from engage.audit import services as audit
from engage.extensions import db
from engage.jobs import services as jobs
from engage.jobs.models import QUEUED, RUNNING, WEIGHTS, Job
from engage.jobs.queue import huey, in_app
from engage.questionnaire.models import Questionnaire
from engage.results import engine, weights
from engage.weighting.models import WeightingScheme
from engage.weighting.targets import TargetsError


def request_compute(scheme: WeightingScheme, user: User | None) -> Job:
    """Record a computation of ``scheme``'s weights (flushes); the caller commits."""
    questionnaire = db.session.get(Questionnaire, scheme.questionnaire_id)
    total = engine.view(questionnaire).n if questionnaire else 0
    job = jobs.create(
        WEIGHTS, f"Weights of the scheme ‘{scheme.name}’", user, {"scheme": scheme.id}, total
    )
    if user is not None:
        audit.record(audit.ADMIN, "weights.compute", user, detail=f"{scheme.name}: job {job.id}")
    return job


def work(job: Job, report: jobs.Report) -> str:
    scheme = db.session.get(WeightingScheme, job.params.get("scheme"))
    if scheme is None:
        raise jobs.Refused("The weighting scheme no longer exists.")
    try:
        found = weights.compute(scheme, lambda done, total: report(done, total))
    except TargetsError as refused:
        # Kept with what it was tried on, so the schedule waits for something to change.
        questionnaire = db.session.get(Questionnaire, scheme.questionnaire_id)
        tried = {
            "set": scheme.current.id if scheme.current else None,
            "responses": engine.view(questionnaire).n if questionnaire else 0,
        }
        scheme.report = {**scheme.report, "problems": refused.problems, "tried": tried}
        db.session.commit()
        raise jobs.Refused(
            f"The weights of ‘{scheme.name}’ could not be computed.", refused.problems
        ) from refused
    return "\n".join(found.lines())


@huey.task()
@in_app
def weights_job(job_id: int) -> None:
    jobs.run(job_id, work)


def pending(scheme: WeightingScheme) -> bool:
    """Is a computation of ``scheme`` queued or running already?"""
    return any(
        job.params.get("scheme") == scheme.id
        for job in db.session.scalars(
            sa.select(Job).where(Job.kind == WEIGHTS, Job.status.in_((QUEUED, RUNNING)))
        )
    )


def _due(scheme: WeightingScheme, questionnaire: Questionnaire) -> bool:
    """Out of date, and not already refused for the same targets and responses."""
    if not weights.stale(scheme, questionnaire):
        return False
    tried = scheme.report.get("tried")
    current = scheme.current
    return not tried or tried != {
        "set": current.id if current else None,
        "responses": engine.view(questionnaire).n,
    }


def recompute_stale() -> list[Job]:
    """Queue-and-run a computation for each scheme whose weights are out of date."""
    done = []
    for scheme in db.session.scalars(sa.select(WeightingScheme).order_by(WeightingScheme.id)):
        questionnaire = db.session.get(Questionnaire, scheme.questionnaire_id)
        if questionnaire is None or pending(scheme) or not _due(scheme, questionnaire):
            continue
        job = request_compute(scheme, None)
        db.session.commit()
        ended = jobs.run(job.id, work)
        if ended is not None:
            done.append(ended)
    return done


@huey.periodic_task(crontab(minute="*/15"))
@in_app
def recompute_stale_weights() -> None:
    recompute_stale()
