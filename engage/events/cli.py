"""flask --app engage kiosk-import FILE [--background]"""

import os

import click

from engage.events import import_jobs
from engage.events.imports import ImportRefused
from engage.extensions import db
from engage.jobs.cli import finish
from engage.partnership.services import current_partnership


@click.command("kiosk-import")
@click.argument("queue_file", type=click.File("rb"))
@click.option("--background", is_flag=True, help="Queue it for the job worker and return at once.")
def kiosk_import(queue_file, background: bool) -> None:
    """Import a queue file saved on a kiosk tablet: all of it, or nothing."""
    partnership = current_partnership()
    if partnership is None:
        raise click.ClickException("There is no partnership yet; run seed-demo or set one up.")
    name = os.path.basename(getattr(queue_file, "name", "") or "queue file")
    try:
        job = import_jobs.request_import(partnership, queue_file.read(), name, None)
    except ImportRefused as refused:
        db.session.rollback()
        lines = "\n".join(f"  {problem}" for problem in refused.problems)
        raise click.ClickException(f"Nothing was imported:\n{lines}") from refused
    db.session.commit()
    finish(job, import_jobs.import_job, import_jobs.work, background)
