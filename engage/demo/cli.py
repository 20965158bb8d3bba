"""flask --app engage seed-demo; flask --app engage seed-synthetic --responses N [--seed S]"""

import click
from flask import current_app

from engage.demo import jobs, seed
from engage.extensions import db
from engage.jobs.cli import finish
from engage.questionnaire.services import PublishRefused

COLUMNS = ("Email", "Role", "Agency", "Password")


def _echo_logins(logins: list[seed.Login]) -> None:
    rows = [COLUMNS] + [(x.email, x.role, x.agency, x.password) for x in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    click.echo("Demo logins (for trying Engage out, never for real use):")
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  " + "  ".join([*cells, row[-1]]))


@click.command("seed-demo")
def seed_demo() -> None:
    """Seed the demo partnership, wards, questionnaire and logins. Safe to run again."""
    if current_app.config.get("ENGAGE_ENV") == "production":
        raise click.ClickException(
            "seed-demo makes logins with a published password, so it does not run in production."
        )
    try:
        report = seed.seed_demo()
    except PublishRefused as error:
        db.session.rollback()
        raise click.ClickException(
            "The demo questionnaire failed the publish checks:\n" + "\n".join(error.problems)
        ) from error
    db.session.commit()
    _echo_logins(report.logins)
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(report.summary())


@click.command("seed-synthetic")
@click.option("--responses", "count", type=click.IntRange(min=1), required=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option("--background", is_flag=True, help="Queue it for the job worker and return at once.")
def seed_synthetic(count: int, seed: int, background: bool) -> None:
    """Add N synthetic responses to the current published version, for demos and benchmarks."""
    job = jobs.request_seed(count, seed)
    if job is None:
        raise click.ClickException(
            "There is no published questionnaire. Run 'flask --app engage seed-demo' first."
        )
    db.session.commit()
    finish(job, jobs.seed_job, jobs.work, background)
