"""flask selection delete-contacts: delete contact details whose retention date has come.
flask selection shuffle: rewrite pools with new registrations in a random order.

The worker runs both on a schedule (daily and hourly); the commands are for an
installation without a worker, or to do it now."""

from datetime import date

import click

from engage.localtime import local
from engage.selection import jobs, retention
from engage.timeutil import utcnow


@click.group("selection")
def selection_group() -> None:
    """Citizens' panel recruitment: retention and storage."""


@selection_group.command("delete-contacts")
@click.option(
    "--today",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Act as if today were this date (YYYY-MM-DD).",
)
def delete_contacts(on) -> None:
    """Delete the contact details of every panel whose retention date has come."""
    today: date = on.date() if on else local(utcnow()).date()
    done = retention.delete_due(today)
    if not done:
        click.echo(f"No panel's retention date has come by {today.isoformat()}.")
    for recruitment, count in done:
        click.echo(
            f"Deleted the contact details of {count} volunteers of ‘{recruitment.panel.name}’ "
            f"(retention date {recruitment.retention_until})."
        )


@selection_group.command("shuffle")
def shuffle() -> None:
    """Rewrite each pool with new registrations in a random order, with fresh keys."""
    count = jobs.shuffle_waiting()
    click.echo(f"Rewrote {count} pool{'s' if count != 1 else ''}.")
