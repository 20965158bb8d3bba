"""``flask recount-results [--background]``: check every response's results row."""

import click
from flask.cli import with_appcontext

from engage.extensions import db
from engage.jobs.cli import finish
from engage.results import jobs


@click.command("recount-results")
@click.option("--background", is_flag=True, help="Queue it for the job worker and return at once.")
@with_appcontext
def recount_results(background: bool) -> None:
    """Rebuild each response's results row from its stored answers and correct any that
    differ, a batch at a time. Rows are written as responses are stored, so this is for
    checking them, or after changing the database by hand. Says what differed."""
    job = jobs.request_recount(None)
    if job is None:
        click.echo("There is no questionnaire yet, so nothing to recount.")
        return
    db.session.commit()
    finish(job, jobs.recount_job, jobs.work, background)
