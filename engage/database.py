"""Engine-level settings: SQLite runs in WAL mode with foreign keys enforced."""

import sqlite3
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

# The largest id a 32-bit INTEGER column holds; a larger number names no row.
MAX_ID = 2**31 - 1


def _on_connect(dbapi_connection: object, _record: object) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def configure_engine_events() -> None:
    """Install the connect hook once for every engine the app creates."""
    if not sa.event.contains(Engine, "connect", _on_connect):
        sa.event.listen(Engine, "connect", _on_connect)


def begin_writing(session: Any) -> None:
    """On SQLite, open the session's transaction now, with the write lock.

    The sqlite3 driver sends BEGIN only before the first INSERT, UPDATE or DELETE, so a
    SAVEPOINT reached first would start the transaction itself, and releasing it would
    commit everything written so far: a response could then be committed without the
    answers written after it. Elsewhere this does nothing."""
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
