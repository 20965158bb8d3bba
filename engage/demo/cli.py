"""flask --app engage seed-demo; flask --app engage seed-synthetic --responses N [--seed S]"""

import time

import click
from flask import current_app

from engage.demo import seed, synthetic
from engage.extensions import db
from engage.partnership.services import current_partnership
from engage.questionnaire.services import PublishRefused, current_version, questionnaire_for

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
def seed_synthetic(count: int, seed: int) -> None:
    """Add N synthetic responses to the current published version, for demos and benchmarks."""
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    version = current_version(questionnaire) if questionnaire else None
    if version is None:
        raise click.ClickException(
            "There is no published questionnaire. Run 'flask --app engage seed-demo' first."
        )
    started = time.perf_counter()
    answers = synthetic.seed_synthetic(version, count, seed)
    db.session.commit()
    seconds = time.perf_counter() - started
    click.echo(
        f"Added {count:,} synthetic responses ({answers:,} answers) in {seconds:.2f} s: "
        f"{count / seconds:,.0f} responses per second."
    )
