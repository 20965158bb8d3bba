"""Where a kiosk submission's time goes: in this process, through the Flask test client,
against a fresh seeded SQLite database (WAL), or PostgreSQL with --postgresql, with the
kiosk limiter on and lifted as the submissions figure runs it.

    .venv/bin/python bench/profile_submission.py [--count 300] [--html profile.html]
                                                 [--postgresql]

Prints the time per submission without the profiler, the SQL statements per submission
(grouped by their first words and table), and pyinstrument's call tree of ``--count``
more submissions, with the frames under 2% of the time left out.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time
import uuid
from collections import Counter

BENCH = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.dirname(BENCH), BENCH]

import sqlalchemy as sa  # noqa: E402
from harness import databases  # noqa: E402
from harness.kiosks import LANGUAGES, answer_pool  # noqa: E402

from engage import create_app  # noqa: E402
from engage.extensions import db  # noqa: E402

STATEMENT = re.compile(
    r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK|\w+)"
    r"(?:.*?\bFROM\s+(\w+)|\s+(\w+))?",
    re.IGNORECASE | re.DOTALL,
)


def shape(statement: str) -> str:
    """A statement's verb and table, e.g. 'INSERT INTO answer' or 'SELECT event'."""
    found = STATEMENT.match(statement)
    if not found:
        return statement[:40]
    verb, source, target = found.groups()
    verb = verb.upper()
    if verb == "SELECT":
        return f"SELECT {source}" if source else "SELECT"
    if verb in ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK"):
        return verb
    return f"{verb} {target or ''}".strip()


def make_app(url: str, seed: bool = True):
    """The app on an empty database at ``url`` with the demo seeded (or, ``seed=False``,
    on the database as it is); the kiosk limit lifted."""
    app = create_app(
        {
            "SECRET_KEY": "profile",
            "SQLALCHEMY_DATABASE_URI": url,
            "ENGAGE_KIOSK_LIMIT": "1000000 per minute",
        }
    )
    if seed:
        with app.app_context():
            db.create_all()
            app.test_cli_runner().invoke(args=["seed-demo"], catch_exceptions=False)
    return app


def kiosk_token(app) -> str:
    from engage.events.models import Event

    with app.app_context():
        events = db.session.scalars(sa.select(Event).order_by(Event.id))
        token = next((event.kiosk_token for event in events if event.kiosk_token), None)
    if not token:
        raise RuntimeError("seed-demo made no event with a kiosk link")
    return str(token)


def bodies(app, count: int) -> list[bytes]:
    """``count`` complete tablet payloads, each with a fresh key."""
    with app.app_context():
        version_id, pool = answer_pool()
    return [
        json.dumps(
            {
                "key": uuid.uuid4().hex,
                "version": version_id,
                "lang": LANGUAGES[n % len(LANGUAGES)],
                "answers": pool[n % len(pool)].answers,
            }
        ).encode()
        for n in range(count)
    ]


def post_all(client, path: str, payloads: list[bytes]) -> None:
    for body in payloads:
        answer = client.post(path, data=body, content_type="application/json")
        if answer.status_code != 201:
            raise RuntimeError(f"HTTP {answer.status_code}: {answer.get_data(as_text=True)[:300]}")


def count_statements(app, client, path: str, payloads: list[bytes]) -> Counter[str]:
    """Every SQL statement the submissions sent, by shape (executemany counts once)."""
    seen: Counter[str] = Counter()

    def note(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen[shape(statement)] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", note)
    try:
        post_all(client, path, payloads)
    finally:
        sa.event.remove(engine, "before_cursor_execute", note)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="a throwaway PostgreSQL database (as bench/soak.py makes one) instead of SQLite",
    )
    args = parser.parse_args()
    from pyinstrument import Profiler

    with (
        tempfile.TemporaryDirectory(prefix="engage-profile-") as folder,
        databases.postgres_database(databases.postgres_server_url(), "profile")
        if args.postgresql
        else databases.sqlite_database(folder) as url,
    ):
        app = make_app(url)
        client = app.test_client()
        path = f"/kiosk/{kiosk_token(app)}/responses"
        warm, timed, counted, profiled = (bodies(app, n) for n in (50, args.count, 50, args.count))
        post_all(client, path, warm)
        started, cpu = time.perf_counter(), time.process_time()
        post_all(client, path, timed)
        each = (time.perf_counter() - started) / args.count * 1000
        cpu_each = (time.process_time() - cpu) / args.count * 1000
        print(
            f"{each:.2f} ms per submission, {cpu_each:.2f} ms of it CPU in this process"
            f" (mean of {args.count}, no profiler; load average {os.getloadavg()[0]:.1f})"
        )
        statements = count_statements(app, client, path, counted)
        total = sum(statements.values()) / len(counted)
        print(f"\n{total:.1f} SQL statements per submission (executemany counted once):")
        for name, n in statements.most_common():
            print(f"  {n / len(counted):5.1f}  {name}")
        profiler = Profiler(interval=0.0005)
        profiler.start()
        post_all(client, path, profiled)
        profiler.stop()
        print(
            profiler.output_text(unicode=True, color=False, show_all=False, time="percent_of_total")
        )
        if args.html:
            with open(args.html, "w", encoding="utf-8") as out:
                out.write(profiler.output_html())


if __name__ == "__main__":
    main()
