"""``flask panels``: commands for citizens' panels run on the server."""

import click
from flask.cli import AppGroup

from engage.panels.ballot_box import opening
from engage.panels.ballot_box.scrub import ScrubError

panels_group = AppGroup("panels", help="Citizens' panels.")


@panels_group.command("scrub")
def scrub_command() -> None:
    """Rewrite the database's storage after ballot boxes were opened.

    Counting does this itself; run it if counting said the database was busy.
    """
    try:
        waiting = opening.scrub_opened()
    except ScrubError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Storage rewritten; {waiting} opened ballot box{'es' if waiting != 1 else ''} "
        "had been waiting for it."
    )
