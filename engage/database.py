"""Engine-level settings: SQLite runs in WAL mode with foreign keys enforced and deleted
content overwritten (``secure_delete``)."""

import sqlite3
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# The largest id a 32-bit INTEGER column holds; a larger number names no row.
MAX_ID = 2**31 - 1
# How long a SQLite statement waits for another connection's lock before it fails.
BUSY_SECONDS = 5.0
# The first and the longest pause between two tries for the write lock (seconds).
FIRST_PAUSE, LONGEST_PAUSE = 0.0001, 0.002
# A pooled database server connection unused for longer than this is checked before use.
IDLE_SECONDS = 10.0
_RETURNED = "engage_returned"


def _on_connect(dbapi_connection: object, _record: object) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten, not left in free space (sealed ballots, above all).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000:.0f}")
        cursor.close()


def configure_engine_events() -> None:
    """Install the connect hook once for every engine the app creates."""
    if not sa.event.contains(Engine, "connect", _on_connect):
        sa.event.listen(Engine, "connect", _on_connect)


def ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection to a database server before use, if it sat idle.

    SQLAlchemy's ``pool_pre_ping`` checks every connection at every checkout: a round
    trip per request, a fifth of the submissions a PostgreSQL server takes from two
    workers. A connection lost while in use is a server restart or a network cut, and
    those show first on connections left idle, so only a connection unused for
    ``IDLE_SECONDS`` is checked; one that fails is replaced before the request sees it.
    A restart in the middle of traffic still costs each process the request that finds
    it (SQLAlchemy then replaces every pooled connection): a kiosk keeps that response
    and sends it again. SQLite has no server, so nothing is checked."""
    if is_sqlite(engine):
        return
    dialect = engine.dialect

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(_RETURNED)
        if last is None or time.monotonic() - last <= IDLE_SECONDS:
            return  # new (just connected), or in use a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            alive = False
        if not alive:  # the server restarted: every pooled connection is gone
            raise sa.exc.InvalidatePoolError("the database server closed an idle connection")

    sa.event.listen(engine, "checkin", returned)
    sa.event.listen(engine, "checkout", checkout)


def begin_writing(session: Any) -> None:
    """On SQLite, open the session's transaction now, with the write lock.

    The sqlite3 driver sends BEGIN only before the first INSERT, UPDATE or DELETE, so a
    SAVEPOINT reached first would start the transaction itself, and releasing it would
    commit everything written so far: a response could then be committed without the
    answers written after it. Elsewhere this does nothing."""
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        _begin_immediate(raw)


def _begin_immediate(raw: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, trying again after a short pause while another connection writes.

    SQLite's own busy handler sleeps a whole millisecond at first, then 2, 5, 10...,
    whereas a response holds the write lock for a fraction of a millisecond: two
    workers storing responses side by side would spend much of their time asleep. Here
    the pauses start at a tenth of a millisecond and double up to two; the give-up time
    is SQLite's own (``BUSY_SECONDS``), and the error the same "database is locked"."""
    deadline = time.monotonic() + BUSY_SECONDS
    pause = FIRST_PAUSE
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if raw.in_transaction or "locked" not in str(error):
                    raise
                if time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000:.0f}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
