"""Server time of the results page and one cross-tab (in-process, through the test client
as an analyst), against the raw SQL GROUP BY of one question's answers."""

import sqlite3

from engage.accounts.models import ANALYST, User
from engage.accounts.services import create_user
from engage.extensions import db
from figures.common import Context, app_for, median_seconds, row

ROW, COLUMN = "safe_after_dark", "ward"
TARGET = 0.5  # seconds
PASSWORD = "bench-password-long-enough"  # noqa: S105 (a throwaway database)


def _analyst_client(app):
    with app.app_context():
        user = create_user("analyst@bench.example", PASSWORD, ANALYST, _any_agency())
        db.session.commit()
        email = user.email
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"the analyst could not sign in (HTTP {response.status_code})")
    return client


def _any_agency():
    from engage.partnership.services import current_partnership

    return current_partnership().agencies[0]


def group_by(path: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "SELECT option_id, count(*) FROM answer WHERE question_id ="
            " (SELECT max(id) FROM question WHERE code = ?) GROUP BY option_id",
            (ROW,),
        ).fetchall()


def dashboard(context: Context) -> list[dict]:
    n = context.responses(1_000_000)
    path = context.database(n)
    app = app_for(path)
    with app.app_context():
        db.session.execute(db.delete(User).where(User.email == "analyst@bench.example"))
        db.session.commit()
    client = _analyst_client(app)

    def get(url: str):
        def fetch() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url}: HTTP {response.status_code}")

        return fetch

    baseline = median_seconds(lambda: group_by(path))
    rows = []
    for label, url in (
        ("results page", "/results/"),
        (f"cross-tab {ROW} x {COLUMN}", f"/results/crosstab?row={ROW}&column={COLUMN}"),
    ):
        took = median_seconds(get(url))
        rows.append(
            row(
                f"{label}, {n:,} responses, server time (median of 5)",
                took * 1000,
                "ms",
                "raw SQL GROUP BY of one question's answers",
                baseline * 1000,
                f"<= {TARGET * 1000:.0f} ms",
                took <= TARGET,
            )
        )
    return rows
