"""``seed-synthetic`` as a job: the same work whether run by the command or the worker."""

import time

from engage.demo import synthetic
from engage.jobs import services as jobs
from engage.jobs.models import SEED, Job
from engage.jobs.queue import huey, in_app
from engage.partnership.services import current_partnership
from engage.questionnaire.models import QuestionnaireVersion
from engage.questionnaire.services import current_version, questionnaire_for


def _version() -> QuestionnaireVersion | None:
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    return current_version(questionnaire) if questionnaire else None


def request_seed(count: int, seed: int) -> Job | None:
    """Record a seeding (flushes); None when there is no published version to seed."""
    if _version() is None:
        return None
    title = f"{count:,} synthetic responses (seed {seed})"
    return jobs.create(SEED, title, None, {"count": count, "seed": seed}, count)


def work(job: Job, report: jobs.Report) -> str:
    version = _version()
    if version is None:
        raise jobs.Refused("There is no published questionnaire to add responses to.")
    count, seed = int(job.params["count"]), int(job.params["seed"])
    started = time.perf_counter()
    answers = synthetic.seed_synthetic(
        version, count, seed, progress=lambda done: report(done, count)
    )
    seconds = time.perf_counter() - started
    return (
        f"Added {count:,} synthetic responses ({answers:,} answers) in {seconds:.2f} s: "
        f"{count / seconds:,.0f} responses per second."
    )


@huey.task()
@in_app
def seed_job(job_id: int) -> None:
    jobs.run(job_id, work)
