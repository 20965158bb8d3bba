"""``recount-results`` as a job: queued from the jobs page or the command line."""

import sqlalchemy as sa

from engage.accounts.models import User
from engage.audit import services as audit
from engage.extensions import db
from engage.jobs import services as jobs
from engage.jobs.models import RECOUNT, Job
from engage.jobs.queue import huey, in_app
from engage.partnership.services import current_partnership
from engage.questionnaire.models import PUBLISHED, Questionnaire, QuestionnaireVersion
from engage.questionnaire.services import questionnaire_for
from engage.results.recount import Recount, recount
from engage.survey.models import Response

SHOWN = 20  # corrected response ids named in the summary


def _questionnaire() -> Questionnaire | None:
    partnership = current_partnership()
    return questionnaire_for(partnership) if partnership else None


def request_recount(user: User | None) -> Job | None:
    """Record a recount of the current questionnaire (flushes); None if there is none."""
    questionnaire = _questionnaire()
    if questionnaire is None:
        return None
    total = db.session.scalar(
        sa.select(sa.func.count(Response.id))
        .join(QuestionnaireVersion, Response.version_id == QuestionnaireVersion.id)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == PUBLISHED,
        )
    )
    job = jobs.create(RECOUNT, "Recount of the results", user, {}, total or 0)
    if user is not None:
        audit.record(audit.ADMIN, "results.recount", user, detail=f"Job {job.id}")
    return job


def describe(found: Recount) -> str:
    """What the recount found, in two sentences."""
    checked = f"Checked {found.checked:,} responses against their stored answers."
    if not found.corrected:
        return f"{checked} Every results row already matched the stored answers."
    shown = ", ".join(str(i) for i in found.corrected[:SHOWN])
    more = len(found.corrected) - SHOWN
    rest = f" and {more:,} more" if more > 0 else ""
    return (
        f"{checked} {len(found.corrected):,} results rows differed from the answers and "
        f"were corrected: responses {shown}{rest}."
    )


def work(job: Job, report: jobs.Report) -> str:
    questionnaire = _questionnaire()
    if questionnaire is None:
        raise jobs.Refused("There is no questionnaire, so nothing to recount.")
    return describe(recount(questionnaire, lambda done: report(done, job.rows_total)))


@huey.task()
@in_app
def recount_job(job_id: int) -> None:
    jobs.run(job_id, work)
