"""Engine-level settings: SQLite runs in WAL mode with foreign keys enforced."""

import sqlite3

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


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
