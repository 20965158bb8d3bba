"""The job queue: huey, keeping its queue in SQLite by default and in Redis at scale.

The worker is started with ``huey_consumer engage.jobs.worker.huey`` (``make run`` and
``make worker`` do it). Where the queue lives comes from the environment, read when
this module is imported, so the web processes and the worker agree:

- ``ENGAGE_JOBS_URL=redis://host:6379/2``: Redis, for several app servers sharing jobs;
- otherwise a SQLite file, ``instance/jobs.sqlite3`` (``ENGAGE_JOBS_FILE`` to move it).

Each task runs inside the Flask app: the one already active (a test, or a request in
immediate mode) or one created once per worker process from the same configuration
as the web app.
"""

import functools
import os
from collections.abc import Callable
from typing import Any

from flask import Flask, has_app_context
from huey import Huey, RedisHuey, SqliteHuey

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def make_queue(environ: dict[str, str] | None = None) -> Huey:
    env = os.environ if environ is None else environ
    url = env.get("ENGAGE_JOBS_URL", "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("engage", url=url)
    path = env.get("ENGAGE_JOBS_FILE") or os.path.join(ROOT, "instance", "jobs.sqlite3")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return SqliteHuey("engage", filename=path)


huey = make_queue()
_app: Flask | None = None


def _worker_app() -> Flask:
    global _app
    if _app is None:
        from engage import create_app

        _app = create_app()
    return _app


def in_app(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``function`` inside the Flask app (see the module's docstring)."""

    @functools.wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return function(*args, **kwargs)
        with _worker_app().app_context():
            return function(*args, **kwargs)

    return wrapped
