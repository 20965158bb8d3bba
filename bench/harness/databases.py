"""Throwaway databases for the scripts: a SQLite file in a temporary folder, or a
PostgreSQL database of its own (engage_<label>_<pid>) dropped at the end. Both are
migrated with ``flask db upgrade`` and seeded with ``seed-demo``, as a deployment is.
"""

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

import click
import sqlalchemy as sa

from harness.kiosks import Prepared, answer_pool

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_server_url() -> str:
    """Where to create the throwaway database: the test server, or the local default."""
    return os.environ.get("ENGAGE_TEST_DATABASE_URL") or DEFAULT_POSTGRES


def sa_url(url: str) -> sa.engine.URL:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return sa.engine.make_url(url)


@contextmanager
def sqlite_database(folder: str) -> Iterator[str]:
    """A new SQLite file in ``folder`` (the folder's owner removes it)."""
    yield "sqlite:///" + os.path.join(folder, "engage.sqlite3")


@contextmanager
def postgres_database(server_url: str, label: str = "soak") -> Iterator[str]:
    """A new PostgreSQL database on the server at ``server_url``, dropped afterwards."""
    server = sa_url(server_url)
    if server.host not in ("127.0.0.1", "localhost", None):
        raise ValueError(f"refusing to create a database on {server.host}: only 127.0.0.1")
    name = f"engage_{label}_{os.getpid()}"
    # No pool: the soak restarts the server, which would leave a pooled connection dead.
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def server_env(database_url: str, port: int, extra: Mapping[str, str] | None = None) -> dict:
    """The environment for flask and gunicorn: this database, a fresh secret, no other ENGAGE_*."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGE_")}
    env.update(
        ENGAGE_DATABASE_URL=database_url,
        ENGAGE_SECRET_KEY=secrets.token_hex(32),
        ENGAGE_ENV="development",  # kiosks post JSON with their token and need no cookies
        ENGAGE_BASE_URL=f"http://127.0.0.1:{port}",
    )
    env.update(extra or {})
    return env


def prepare(database_url: str, port: int) -> tuple[str, int, list[Prepared]]:
    """``flask db upgrade``, ``seed-demo`` and ``stats --json``, run in this process
    (one import of the app, not three): the demo event's kiosk token, the published
    version's id, and complete answer sets for it."""
    from engage import create_app
    from engage.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "soak",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ENGAGE_BASE_URL": f"http://127.0.0.1:{port}",
        }
    )
    runner = app.test_cli_runner()
    with app.app_context():
        try:
            for args in (["db", "upgrade"], ["seed-demo"], ["stats", "--json"]):
                # Not standalone, so click hands back Ctrl+C (as Abort) and any failure.
                result = runner.invoke(args=args, standalone_mode=False)
                if isinstance(result.exception, click.Abort):
                    raise KeyboardInterrupt
                if result.exception is not None:
                    message = f"flask {' '.join(args)} failed: {result.exception}"
                    raise RuntimeError(f"{message}\n{result.output}") from result.exception
            (event,) = json.loads(result.output)["events"]
            token = urlsplit(event["kiosk_url"]).path.strip("/").split("/")[1]
            version_id, pool = answer_pool()
        finally:
            db.session.remove()
            db.engine.dispose()
    return token, version_id, pool


def stored_responses(database_url: str, token: str) -> list[tuple[str, int]]:
    """Every response stored for the event with this kiosk token: (key, answer rows)."""
    engine = sa.create_engine(sa_url(database_url))
    try:
        with engine.connect() as connection:
            event_id = connection.scalar(
                sa.text("SELECT id FROM event WHERE kiosk_token_hash = :digest"),
                {"digest": hashlib.sha256(token.encode()).hexdigest()},
            )
            rows = connection.execute(
                sa.text(
                    "SELECT r.idempotency_key, COUNT(a.id) FROM response r"
                    " LEFT JOIN answer a ON a.response_id = r.id"
                    " WHERE r.event_id = :event GROUP BY r.id, r.idempotency_key"
                ),
                {"event": event_id},
            )
            return [(str(key), int(count)) for key, count in rows]
    finally:
        engine.dispose()


def postgres_restart_command(url: str) -> tuple[list[str] | None, str]:
    """The command that restarts the PostgreSQL server behind ``url``, or None and why not.

    Only a server on this machine (127.0.0.1 or localhost) run by Debian's
    ``pg_ctlcluster``, and only as root: the soak never restarts anyone else's server.
    """
    host = sa_url(url).host or "localhost"
    if host not in ("127.0.0.1", "localhost", "::1"):
        return None, f"the server is at {host}, not on this machine"
    tool = shutil.which("pg_ctlcluster")
    if tool is None or not os.path.isdir("/etc/postgresql"):
        return None, "pg_ctlcluster is not installed"
    if os.geteuid() != 0:
        return None, "only root may restart the server"
    versions = sorted(os.listdir("/etc/postgresql"))
    if not versions:
        return None, "no cluster under /etc/postgresql"
    return [tool, "--skip-systemctl-redirect", versions[-1], "main", "restart", "-m", "fast"], ""
