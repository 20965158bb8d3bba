"""Importing a kiosk queue file as a job: checked at once, stored by the job worker.

A page or ``flask kiosk-import`` reads the file and checks what can be checked
quickly (is it a queue file, does it belong to one of this partnership's events),
so a wrong file is refused on the spot. The file is then kept under a random name
in the jobs folder and its responses are checked and stored by the worker, with
progress, whole or not at all (``engage.events.imports``). The kept file is
deleted when the job ends, however it ends.
"""

import secrets

from engage.accounts.models import User
from engage.events.imports import (
    NOT_THIS_PARTNERSHIP,
    ImportRefused,
    import_file,
    parse_queue_file,
)
from engage.events.services import event_for_import
from engage.extensions import db
from engage.jobs import services as jobs
from engage.jobs.models import KIOSK_IMPORT, Job
from engage.jobs.queue import huey, in_app
from engage.partnership.models import Partnership
from engage.partnership.services import current_partnership


def request_import(partnership: Partnership, raw: bytes, filename: str, user: User | None) -> Job:
    """Check the file's outline and keep it for the worker (flushes); raises
    ImportRefused when it is not a queue file of this partnership."""
    queue = parse_queue_file(raw)
    event = event_for_import(queue.event_token, partnership)
    if event is None:
        raise ImportRefused([NOT_THIS_PARTNERSHIP])
    kept = f"{secrets.token_hex(16)}.json"
    (jobs.folder() / kept).write_bytes(raw)
    noun = "response" if len(queue.responses) == 1 else "responses"
    title = f"Queue file ‘{filename}’ for ‘{event.name}’ ({len(queue.responses):,} {noun})"
    params = {"file": kept, "event": event.id, "name": filename}
    return jobs.create(KIOSK_IMPORT, title, user, params, len(queue.responses))


def work(job: Job, report: jobs.Report) -> str:
    path = jobs.folder() / str(job.params["file"])
    try:
        partnership = current_partnership()
        if partnership is None:
            raise jobs.Refused("There is no partnership to import into.")
        if not path.is_file():
            raise jobs.Refused("The file to import is gone; import it again.")
        raw = path.read_bytes()
        try:
            summary = import_file(
                partnership, raw, job.user, lambda done: report(done, job.rows_total)
            )
        except ImportRefused as refused:
            db.session.rollback()
            count = len(refused.problems)
            raise jobs.Refused(
                f"Nothing was imported: {count} {'problem' if count == 1 else 'problems'} "
                "in the file.",
                refused.problems,
            ) from refused
        return f"{summary.event.name}: {summary.describe()}"
    finally:
        path.unlink(missing_ok=True)  # residents' answers are not kept twice


@huey.task()
@in_app
def import_job(job_id: int) -> None:
    jobs.run(job_id, work)
