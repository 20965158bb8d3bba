"""Back up and restore a SQLite database with SQLite's online backup API.

The backup API copies the database page by page inside one read transaction, so
the copy is consistent even while gunicorn workers keep writing, and a restore
writes the pages back under SQLite's own lock, so open connections see either the
old database or the restored one, never a mixture. PostgreSQL has its own tools
(pg_dump and pg_restore), which these functions point to instead.
"""

import os
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

SQLITE_HEADER = b"SQLite format 3\x00"
CURRENT, BEHIND = "current", "behind"


class BackupError(Exception):
    """A backup or restore that must not go ahead; the message says why."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    revision: str
    tables: int


@dataclass(frozen=True)
class Restored:
    database: Path
    kept: Path | None
    revision: str
    state: str


def pg_dump_advice(engine: Engine) -> str:
    url = _libpq_url(engine)
    return (
        "This database is PostgreSQL: back it up with PostgreSQL's own tool instead,\n"
        f"  pg_dump --format=custom --no-owner --file=engage.dump '{url}'\n"
        "(see 'Backups' in the README's Deployment section)."
    )


def pg_restore_advice(engine: Engine) -> str:
    url = _libpq_url(engine)
    return (
        "This database is PostgreSQL: restore a pg_dump file into an empty database with\n"
        f"  pg_restore --no-owner --exit-on-error --dbname='{url}' engage.dump\n"
        "then run: flask --app engage db upgrade\n"
        "(see 'Backups' in the README's Deployment section)."
    )


def _libpq_url(engine: Engine) -> str:
    # pg_dump reads postgresql:// URLs, not SQLAlchemy's postgresql+psycopg://.
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=True)


def database_file(engine: Engine, advice) -> Path:
    """The SQLite file behind ``engine``; BackupError with ``advice`` for PostgreSQL."""
    if engine.dialect.name != "sqlite":
        raise BackupError(advice(engine))
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    return Path(name).resolve()


def migration_state(revision: str, migrations: str) -> str | None:
    """CURRENT at the newest migration, BEHIND at an earlier one, None if unknown here."""
    scripts = ScriptDirectory(migrations)
    if revision in scripts.get_heads():
        return CURRENT
    known = {script.revision for script in scripts.walk_revisions()}
    return BEHIND if revision in known else None


def _open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)


def inspect(path: Path) -> BackupFile:
    """Check that ``path`` is a sound Engage database; BackupError says what is wrong."""
    if not path.is_file():
        raise BackupError(f"There is no file {path}.")
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not an Engage backup: it is not a SQLite database.")
    try:
        with closing(_open_readonly(path)) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: {problems[0]}")
            tables = [
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            if "alembic_version" not in tables:
                raise BackupError(
                    f"{path} is not an Engage backup: it has no alembic_version table."
                )
            revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged: {error}.") from None
    if len(revisions) != 1:
        raise BackupError(f"{path} is not an Engage backup: it has no single migration revision.")
    return BackupFile(path, revisions[0], len(tables))


def _copy(source: Path, target: Path) -> None:
    """Copy a database with the backup API, into a new file in rollback-journal mode."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as src,
            closing(sqlite3.connect(partial)) as copy,
        ):
            # One step: the whole copy is taken inside a single read transaction.
            src.backup(copy)
            # The copy inherits WAL mode; a backup should be one self-contained file.
            copy.execute("PRAGMA journal_mode=DELETE")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def backup(engine: Engine, target: Path) -> BackupFile:
    """Write a consistent copy of the SQLite database to ``target`` (a new file)."""
    source = database_file(engine, pg_dump_advice)
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up.")
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new name, a backup never overwrites.")
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent}.")
    _copy(source, target)
    return inspect(target)


def check_restorable(engine: Engine, source: Path, migrations: str) -> tuple[Path, BackupFile]:
    """The database a restore would replace, and the checked backup; BackupError if not."""
    database = database_file(engine, pg_restore_advice)
    found = inspect(source)
    if database.exists() and source.resolve().samefile(database):
        raise BackupError(f"{source} is the database itself, not a backup of it.")
    if migration_state(found.revision, migrations) is None:
        raise BackupError(
            f"{source} was made at migration revision {found.revision}, which this version of "
            "Engage does not know. Restore it with the Engage version that made it."
        )
    return database, found


def _renew_results_epoch(connection: sqlite3.Connection) -> None:
    """Running processes keep results read from the old database: a new epoch makes them
    read the restored one afresh (an older backup gets one when it is migrated)."""
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'results_state'"
    ).fetchone()
    if found:
        connection.execute(
            "INSERT INTO results_state (id, epoch) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch",
            (uuid.uuid4().hex,),
        )
        connection.commit()


def restore(engine: Engine, source: Path, migrations: str, now: datetime) -> Restored:
    """Replace the SQLite database with the backup ``source``, keeping a copy of it first.

    The caller closes its own connections first; others wait on SQLite's lock.
    """
    database, found = check_restorable(engine, source, migrations)
    kept = None
    if database.exists():
        kept = database.with_name(f"{database.name}.before-restore-{now:%Y%m%dT%H%M%SZ}")
        _copy(database, kept)
    with (
        closing(_open_readonly(source)) as src,
        closing(sqlite3.connect(database, timeout=30)) as dst,
    ):
        src.backup(dst)
        _renew_results_epoch(dst)
    state = migration_state(found.revision, migrations) or BEHIND
    return Restored(database, kept, found.revision, state)
