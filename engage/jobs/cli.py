"""``flask jobs``: recent recounts, seedings and imports; and how commands run them."""

import sys
from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext

from engage.jobs import services
from engage.jobs.models import DONE, Job


def _progress_line(done: int, total: int) -> None:
    if sys.stderr.isatty():
        click.echo(f"\r{done:,} of {total:,}", nl=done >= total, err=True)


def finish(job: Job, task: Callable[[int], Any], work: services.Work, background: bool) -> None:
    """Run a committed job here (printing progress), or queue it for the worker."""
    if background:
        task(job.id)
        click.echo(f"Queued as job {job.id}; `flask jobs` shows how it is getting on.")
        return
    ended = services.run(job.id, work, _progress_line)
    if ended is None or ended.status != DONE:
        lines = [ended.summary or ended.error] if ended else ["The job was not found."]
        lines += [f"  {problem}" for problem in (ended.problems if ended else [])]
        raise click.ClickException("\n".join(lines))
    click.echo(ended.summary)


@click.command("jobs")
@with_appcontext
def list_jobs() -> None:
    """The latest recounts, seedings and imports, newest first, with how far each got."""
    rows = services.recent()
    if not rows:
        click.echo("No jobs yet.")
    for job in rows:
        seen = services.seen(job)
        ended = job.summary or job.error
        click.echo(
            f"{job.id:>5}  {job.created_at:%Y-%m-%d %H:%M}  {job.status:<8} "
            f"{seen.done:,}/{seen.total:,}  {job.title}" + (f": {ended}" if ended else "")
        )
