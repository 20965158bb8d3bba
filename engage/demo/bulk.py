"""Bulk loading of generated columns through the database driver, for seed-synthetic.

SQLAlchemy's per-row parameter handling costs more than SQLite's own insert, so rows go
to the driver directly: ``executemany`` of tuples on SQLite, ``COPY`` on PostgreSQL.
The load runs on a connection of its own, in one transaction that it commits, so a
failure leaves nothing behind and readers never see half of it.

On SQLite, a large load drops the named tables' secondary indexes and builds them again
at the end, inside the same transaction: building an index from all the rows at once is
far quicker than updating it row by row, and other connections, which read the last
committed state, never see it missing. Foreign keys are not checked row by row during
the load (the generator takes every id from the database); they are switched back on
before the connection goes back to the pool.
"""

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine

REINDEX_FROM = 20_000  # responses; below this, rebuilding the indexes costs more than it saves
CACHE_KIB = 512 * 1024

Loader = Callable[..., None]


def _timestamps(column: np.ndarray, suffix: str) -> list[str]:
    """Text timestamps the way each database reads them (SQLite keeps them as text)."""
    text = np.char.replace(np.datetime_as_string(column, unit="us"), "T", " ")
    return np.char.add(text, suffix).tolist()


def _lists(columns: dict[str, Any], suffix: str) -> list[list[Any]]:
    lists = []
    for values in columns.values():
        if isinstance(values, np.ndarray) and values.dtype.kind == "M":
            lists.append(_timestamps(values, suffix))
        else:
            lists.append(values if isinstance(values, list) else values.tolist())
    return lists


@contextmanager
def _sqlite(raw: sqlite3.Connection, reindex: Sequence[str]) -> Iterator[Loader]:
    # The answer indexes outgrow SQLite's 2 MB default page cache within a few thousand
    # responses; a larger one keeps inserts fast.
    raw.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    raw.execute("PRAGMA foreign_keys = OFF")  # only outside a transaction does this apply
    try:
        raw.execute("BEGIN IMMEDIATE")
        rebuild: list[str] = []
        for table in reindex:
            found = raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (table,),
            ).fetchall()
            for name, sql in found:
                raw.execute(f'DROP INDEX "{name}"')
                rebuild.append(sql)

        def load(table: str, columns: dict[str, Any]) -> None:
            if not columns:
                return
            names = ", ".join(columns)
            marks = ", ".join("?" * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608  # our names
            raw.executemany(sql, zip(*_lists(columns, ""), strict=True))

        yield load
        for sql in rebuild:
            raw.execute(sql)
        raw.commit()
    except BaseException:
        raw.rollback()
        raise
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


@contextmanager
def _postgresql(raw: Any) -> Iterator[Loader]:
    tables: set[str] = set()

    def load(table: str, columns: dict[str, Any]) -> None:
        if not columns:
            return
        names = ", ".join(columns)
        tables.add(table)
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in zip(*_lists(columns, "+00:00"), strict=True):
                copy.write_row(row)

    try:
        yield load
        with raw.cursor() as cursor:
            # Explicit ids do not move the id sequences on; the app's next insert would
            # collide with them.
            for table in sorted(tables):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  # nosec B608  # our names
                    f"(SELECT max(id) FROM {table}))"
                )
        raw.commit()
    except BaseException:
        raw.rollback()
        raise


@contextmanager
def loader(engine: Engine, reindex: Sequence[str] = ()) -> Iterator[Loader]:
    """A ``load(table, columns)`` function that inserts columns of equal length (numpy
    arrays; object arrays for nullable ones; lists) into ``table``. Everything loaded
    inside the ``with`` block is committed together at its end, or not at all."""
    pooled = engine.raw_connection()
    try:
        raw = pooled.driver_connection
        if engine.dialect.name == "sqlite":
            assert isinstance(raw, sqlite3.Connection)
            with _sqlite(raw, reindex) as load:
                yield load
        elif engine.dialect.name == "postgresql":
            with _postgresql(raw) as load:
                yield load
        else:
            raise ValueError(f"Bulk loading needs SQLite or PostgreSQL, not {engine.dialect.name}.")
    finally:
        pooled.close()
