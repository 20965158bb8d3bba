"""Rewriting the database's storage once a ballot box is opened, so that nothing below
the tables (free pages, journal frames, dead row versions) keeps the order of casting.

- **SQLite.** ``secure_delete`` is on for every connection (``engage.database``), so a
  deleted sealed box is overwritten where it lay. ``VACUUM`` then rebuilds the whole
  file, each table in key order, and ``wal_checkpoint(TRUNCATE)`` empties the
  write-ahead log, whose frames held each "code used" next to its sealed box.
- **PostgreSQL.** ``VACUUM FULL`` rewrites the ballot tables and the voter codes into
  new files without their dead row versions (the sealed boxes, and each code's version
  written by the transaction that stored its box).

What this cannot reach is outside the database's files: copies made during the vote
(backups, replicas, PostgreSQL's own write-ahead log archive, file-system snapshots).
``SECURITY.md`` says so.
"""

import time

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from engage.database import is_sqlite

TABLES = ("sealed_ballot", "ballot_ranking", "ballot", "voter_code", "member_handle")
BUSY = (
    "The database was busy, so its storage could not be rewritten after opening the "
    "ballots. Run ‘flask panels scrub’ when it is quieter."
)
# How long PostgreSQL's VACUUM FULL may wait for a table (seconds).
LOCK_SECONDS = 5
# How often a checkpoint blocked by a reader is tried again, and the pause between tries.
CHECKPOINT_TRIES, CHECKPOINT_PAUSE = 50, 0.1


class ScrubError(RuntimeError):
    """The storage could not be rewritten now (another connection held it); try again."""


def scrub_storage(engine: Engine, tables: tuple[str, ...] = TABLES, vacuum: bool = True) -> None:
    """Rewrite the storage (on PostgreSQL, of ``tables``); ``ScrubError`` if a checkpoint
    could not finish. ``vacuum=False`` spares SQLite the rebuild of the whole file (deleted
    rows are overwritten anyway, by ``secure_delete``) and only empties the journal."""
    if is_sqlite(engine):
        _sqlite(engine, vacuum)
    else:
        _postgresql(engine, tables)


def _sqlite(engine: Engine, vacuum: bool = True) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("PRAGMA secure_delete=ON")
        if vacuum:
            connection.exec_driver_sql("VACUUM")
        for _ in range(CHECKPOINT_TRIES):
            busy, _frames, _done = connection.exec_driver_sql(
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).one()
            if not busy:
                return
            time.sleep(CHECKPOINT_PAUSE)
    raise ScrubError(BUSY)


def _postgresql(engine: Engine, tables: tuple[str, ...] = TABLES) -> None:
    # VACUUM FULL needs each table to itself; while it waits for a long transaction to
    # finish, every query on the table queues behind it. So it waits a few seconds at
    # most, and a busy database is told to try again later instead.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(f"SET lock_timeout = '{LOCK_SECONDS * 1000:.0f}ms'"))
        try:
            for table in tables:
                connection.execute(sa.text(f"VACUUM FULL {table}"))
        except sa.exc.OperationalError as error:
            if "lock timeout" not in str(error):
                raise
            raise ScrubError(BUSY) from None
        finally:
            connection.execute(sa.text("RESET lock_timeout"))
