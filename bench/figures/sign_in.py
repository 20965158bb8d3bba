"""Sign-in time for an existing email against an unknown one, through the web form.

A sign-in that answers faster for unknown emails tells an attacker which addresses have
accounts. Both are timed in one process on one database, interleaved (existing, unknown,
unknown, existing, ...) so that drift hits both alike; the figure is the median of each.
The target: they differ by less than 10 %.
"""

import os
import statistics
import time

from engage import create_app
from engage.accounts.models import ANALYST
from engage.accounts.services import create_user
from engage.extensions import db
from engage.partnership.services import agencies, current_partnership
from figures.common import Context, row

PASSWORD = "quarry otter marigold 47"  # noqa: S105 (a throwaway account)
EMAIL = "bench-sign-in@example.org"


def _time(client, email: str) -> float:
    started = time.perf_counter()
    response = client.post("/login", data={"email": email, "password": "not the password 1"})
    took = time.perf_counter() - started
    assert response.status_code == 401, response.status_code
    return took


def sign_in(context: Context) -> list[dict]:
    path = os.path.join(context.folder, "sign-in.sqlite3")
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,  # the throttle would stop the run, not time it
        }
    )
    with app.app_context():
        db.create_all()
        app.test_cli_runner().invoke(args=["seed-demo"], catch_exceptions=False)
        create_user(EMAIL, PASSWORD, ANALYST, agencies(current_partnership())[0])
        db.session.commit()
    rounds = max(10, round(100 * context.scale))
    existing: list[float] = []
    unknown: list[float] = []
    client = app.test_client()
    for number in range(rounds):
        order = (existing, unknown) if number % 2 == 0 else (unknown, existing)
        for times in order:
            email = EMAIL if times is existing else f"nobody-{number}@example.org"
            times.append(_time(client, email))
    known_ms = statistics.median(existing) * 1000
    unknown_ms = statistics.median(unknown) * 1000
    difference = abs(unknown_ms - known_ms) / known_ms
    return [
        row(
            "failed sign-in, unknown email (median)",
            unknown_ms,
            "ms",
            baseline="failed sign-in, existing email, same run (median)",
            baseline_value=known_ms,
            target="within 10 %",
            ok=difference < 0.10,
        )
    ]
