"""The baseline of the submissions figure: a minimal Flask app whose one route stores the
request body as it came, in one INSERT, commits, and answers 201 with JSON.

    BASELINE_DATABASE_URL=sqlite:////tmp/baseline.sqlite3 \\
        .venv/bin/gunicorn --workers 2 --pythonpath bench/harness baseline_app:app

It is what any web app on the same server and database pays for a stored POST: the HTTP
parsing, one connection kept per worker thread (as Engage's pool keeps one), one
statement and one commit. SQLite gets the pragmas engage/database.py sets (WAL,
synchronous=NORMAL, busy_timeout=5000, foreign keys); PostgreSQL is reached with psycopg,
the driver Engage uses. Gunicorn loads this file as a top-level module, so it imports
nothing from bench/ or engage/. Call ``create_schema`` before the server starts.
"""

import os
import sqlite3
import threading
from typing import Any

from flask import Flask, jsonify, request

SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
)
SCHEMA = {
    "sqlite": "CREATE TABLE submission (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
    "postgresql": "CREATE TABLE submission (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)",
}
INSERT = {
    "sqlite": "INSERT INTO submission (body) VALUES (?)",
    "postgresql": "INSERT INTO submission (body) VALUES (%s)",
}


def kind(url: str) -> str:
    """'sqlite' or 'postgresql', from a SQLAlchemy-style URL."""
    if url.startswith("sqlite:///"):
        return "sqlite"
    if url.startswith(("postgresql", "postgres://")):
        return "postgresql"
    raise ValueError(f"not a SQLite or PostgreSQL URL: {url}")


def connect(url: str) -> Any:
    """A new DB-API connection to ``url`` (sqlite:///path or postgresql[+psycopg]://...)."""
    if kind(url) == "sqlite":
        connection = sqlite3.connect(url[len("sqlite:///") :], timeout=5.0)
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        return connection
    import psycopg

    _, rest = url.split("://", 1)
    return psycopg.connect(f"postgresql://{rest}")


def create_schema(url: str) -> None:
    """The one table, created before the workers start (so they never race to create it)."""
    connection = connect(url)
    try:
        connection.execute(SCHEMA[kind(url)])
        connection.commit()
    finally:
        connection.close()


def count_rows(url: str) -> int:
    """How many submissions the table holds."""
    connection = connect(url)
    try:
        return int(connection.execute("SELECT count(*) FROM submission").fetchone()[0])
    finally:
        connection.close()


app = Flask(__name__)
# (pid, thread) -> that thread's connection and INSERT statement, opened after gunicorn's
# fork: one per thread of a threaded worker, as Engage's pool gives each thread its own.
_opened: dict[tuple[int, int], tuple[Any, str]] = {}
_opening = threading.Lock()


def _connection() -> tuple[Any, str]:
    key = (os.getpid(), threading.get_ident())
    if key not in _opened:
        with _opening:
            for stale in [k for k in _opened if k[0] != key[0]]:
                del _opened[stale]  # a connection inherited across a fork is never used
            url = os.environ["BASELINE_DATABASE_URL"]
            _opened[key] = connect(url), INSERT[kind(url)]
    return _opened[key]


@app.post("/submissions")
def submit():
    """Store the body in one INSERT and commit: 201, as Engage answers a stored response."""
    body = request.get_data(as_text=True)
    connection, insert = _connection()
    try:
        connection.execute(insert, (body,))
        connection.commit()
    except Exception:
        connection.rollback()
        raise
    return jsonify(status="stored"), 201


@app.get("/health")
def health():
    """200 once the worker is up (what the harness polls before the run)."""
    return jsonify(status="ok")
