"""SQLite's write lock as storing a response takes it: a writer waits its turn in short
steps, gives up with SQLite's own error after the same time SQLite would, and leaves
the connection as it found it."""

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from engage import database
from engage.config import normalise_database_url
from tests.conftest import PG_URL


@pytest.fixture
def engine(tmp_path):
    database.configure_engine_events()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'lock.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
    yield engine
    engine.dispose()


def other_writer(engine) -> sqlite3.Connection:
    """A second connection holding the write lock, as another worker storing a response."""
    path = engine.url.database
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO item (name) VALUES ('theirs')")
    return holder


def busy_timeout(session: Session) -> int:
    return session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar()


def test_a_writer_gets_the_lock_soon_after_the_other_one_commits(engine):
    holder = other_writer(engine)
    released = []

    def commit_later() -> None:
        time.sleep(0.2)
        holder.execute("COMMIT")
        released.append(time.monotonic())

    threading.Thread(target=commit_later).start()
    with Session(engine) as session:
        database.begin_writing(session)
        got = time.monotonic()
        session.execute(sa.text("INSERT INTO item (name) VALUES ('ours')"))
        session.commit()
        # Its pauses are at most two milliseconds: it does not sleep on long after the
        # lock is free, as SQLite's own handler would (1, 2, 5, 10, 15, 20... ms).
        assert got - released[0] < 0.01
        assert busy_timeout(session) == database.BUSY_SECONDS * 1000
        names = session.execute(sa.text("SELECT name FROM item ORDER BY id")).scalars().all()
    holder.close()
    assert names == ["theirs", "ours"]


def test_a_writer_gives_up_with_sqlites_own_error_and_writes_nothing(engine, monkeypatch):
    monkeypatch.setattr(database, "BUSY_SECONDS", 0.1)
    holder = other_writer(engine)
    with Session(engine) as session:
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            database.begin_writing(session)
        assert 0.09 < time.monotonic() - started < 1.0
        session.rollback()
        # The connection waits again as configured for its later statements.
        assert busy_timeout(session) == 100
    holder.execute("ROLLBACK")
    holder.close()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM item").scalar() == 0


@pytest.fixture
def server_engine():
    """An engine on the PostgreSQL test server, as the app makes it (no pre-ping)."""
    if not PG_URL:
        pytest.skip("ENGAGE_TEST_DATABASE_URL is not set, so the PostgreSQL leg is skipped")
    engine = sa.create_engine(normalise_database_url(PG_URL), pool_size=1)
    database.ping_when_idle(engine)
    pings = []
    real_ping = engine.dialect.do_ping
    engine.dialect.do_ping = lambda connection: pings.append(1) or real_ping(connection)
    yield engine, pings
    engine.dispose()


def backend(connection) -> int:
    return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def test_a_connection_the_server_dropped_while_idle_is_replaced_before_use(
    server_engine, monkeypatch
):
    engine, pings = server_engine
    with engine.connect() as connection:
        first = backend(connection)
    # The server ends the pooled connection (a restart, an idle timeout, a network cut).
    with sa.create_engine(engine.url, poolclass=sa.NullPool).connect() as admin:
        admin.exec_driver_sql(f"SELECT pg_terminate_backend({first})")
    monkeypatch.setattr(database, "IDLE_SECONDS", 0.0)
    time.sleep(0.01)
    with engine.connect() as connection:
        assert backend(connection) != first
    assert pings == [1]


def test_a_connection_used_a_moment_ago_is_not_checked_again(server_engine):
    engine, pings = server_engine
    for _ in range(5):
        with engine.connect() as connection:
            backend(connection)
    assert pings == []
