"""flask --app engage seed-demo"""

import click
from flask import current_app

from engage.demo import seed
from engage.extensions import db
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
