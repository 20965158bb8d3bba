"""flask --app engage backup PATH | restore PATH [--yes]"""

from pathlib import Path

import click
from flask import current_app

from engage.backup import services
from engage.extensions import db
from engage.timeutil import utcnow

PathArgument = click.Path(dir_okay=False, path_type=Path)


def _migrations() -> str:
    return current_app.extensions["migrate"].directory


@click.command("backup")
@click.argument("path", type=PathArgument)
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH, consistently, even while Engage is running."""
    try:
        copy = services.backup(db.engine, path)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    size = path.stat().st_size
    click.echo(f"Backed up to {path} ({size:,} bytes, migration revision {copy.revision}).")


@click.command("restore")
@click.argument("path", type=PathArgument)
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH, keeping a copy of it first."""
    try:
        database, _found = services.check_restorable(db.engine, path, _migrations())
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    if not yes:
        click.confirm(
            f"Replace everything in {database} with the backup {path}? "
            "A copy of the current database is kept first.",
            abort=True,
        )
    # Our own connections must not hold a read snapshot of the old database.
    db.session.remove()
    db.engine.dispose()
    try:
        restored = services.restore(db.engine, path, _migrations(), utcnow())
    except services.BackupError as error:
        raise click.ClickException(str(error)) from None
    finally:
        db.engine.dispose()
    if restored.kept is not None:
        click.echo(f"The database as it was is kept in {restored.kept}.")
    click.echo(f"Restored {path} into {restored.database}.")
    if restored.state == services.BEHIND:
        click.echo(
            f"The backup is at an earlier migration ({restored.revision}): "
            "run `flask --app engage db upgrade` now, before starting Engage."
        )
    else:
        click.echo(f"The database is at the current migration ({restored.revision}).")
