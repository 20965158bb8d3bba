"""Server time of the results pages (in-process, through the test client as an analyst),
against the raw SQL GROUP BY of one question's answers.

The pages sum the running tallies kept as responses are stored. A cross-tab's pair of
questions is counted from the answers the first time anyone asks for it; that first
view is reported on its own line, and the later views (median of 5) against the target.
"""

import sqlite3

from engage.accounts.models import ANALYST, User
from engage.accounts.services import create_user
from engage.api.tokens import create_token
from engage.extensions import db
from figures.common import Context, app_for, median_seconds, row, seconds

ROW, COLUMN, ABOUT_YOU = "safe_after_dark", "ward", "age_band"
TARGET = 0.5  # seconds
PASSWORD = "bench-password-long-enough"  # noqa: S105 (a throwaway database)
EMAIL = "analyst@bench.example"


def _analyst(app):
    """A signed-in test client and an API token of a new analyst."""
    from engage.partnership.services import current_partnership

    with app.app_context():
        db.session.execute(db.delete(User).where(User.email == EMAIL))
        user = create_user(EMAIL, PASSWORD, ANALYST, current_partnership().agencies[0])
        _, token = create_token(user, "bench")
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"the analyst could not sign in (HTTP {response.status_code})")
    return client, {"Authorization": f"Bearer {token}"}


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
    client, headers = _analyst(app)

    def get(url: str, **kwargs):
        def fetch() -> None:
            response = client.get(url, **kwargs)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url}: HTTP {response.status_code}")

        return fetch

    baseline = median_seconds(lambda: group_by(path))
    crosstab = "/results/crosstab?row={}&column={}"
    rows = []
    for column in (COLUMN, ABOUT_YOU):
        took = seconds(get(crosstab.format(ROW, column)))
        rows.append(
            row(
                f"cross-tab {ROW} x {column}, first view (counts the pair), {n:,} responses",
                took * 1000,
                "ms",
                "raw SQL GROUP BY of one question's answers",
                baseline * 1000,
            )
        )
    pages = (
        ("results page, every question", "/results/", {}),
        (
            "results page, every question, 15 Jan-10 Apr",
            "/results/?since=2026-01-15&until=2026-04-10",
            {},
        ),
        (f"one question's results ({ROW}, API)", f"/api/v1/results/{ROW}", {"headers": headers}),
        (f"cross-tab {ROW} x {COLUMN}", crosstab.format(ROW, COLUMN), {}),
        (f"cross-tab {ROW} x {ABOUT_YOU}", crosstab.format(ROW, ABOUT_YOU), {}),
        ("trend of area_rating by week", "/results/trend?code=area_rating&period=week", {}),
    )
    for label, url, kwargs in pages:
        took = median_seconds(get(url, **kwargs))
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
