"""flask --app engage kiosk-import FILE"""

import click

from engage.events.imports import ImportRefused, import_file
from engage.extensions import db
from engage.partnership.services import current_partnership


@click.command("kiosk-import")
@click.argument("queue_file", type=click.File("rb"))
def kiosk_import(queue_file) -> None:
    """Import a queue file saved on a kiosk tablet: all of it, or nothing."""
    partnership = current_partnership()
    if partnership is None:
        raise click.ClickException("There is no partnership yet; run seed-demo or set one up.")
    try:
        summary = import_file(partnership, queue_file.read())
    except ImportRefused as refused:
        db.session.rollback()
        lines = "\n".join(f"  {problem}" for problem in refused.problems)
        raise click.ClickException(f"Nothing was imported:\n{lines}") from refused
    db.session.commit()
    click.echo(f"{summary.event.name}: {summary.describe()}")
