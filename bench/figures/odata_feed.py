"""The OData feed as Excel and Power BI read it: every response, 1,000 a page, following
@odata.nextLink with the token as the Basic password, in process through the test client.

The baseline is the CSV download of the same responses through the same test client:
the same row source, written as one stream instead of pages of JSON.
"""

import base64
import time

from figures.common import Context, app_for, row

TARGET = 3.0  # the whole feed within three times the CSV


def _token(app) -> str:
    from engage.accounts.models import ANALYST
    from engage.accounts.services import create_user
    from engage.api.tokens import create_token
    from engage.extensions import db
    from engage.partnership.services import current_partnership

    with app.app_context():
        user = create_user(
            "odata@bench.example",
            "bench-password-long-enough",
            ANALYST,
            current_partnership().agencies[0],
        )
        _, plaintext = create_token(user, "bench")
        db.session.commit()
        return plaintext


def odata_feed(context: Context) -> list[dict]:
    n = context.responses(100_000)
    app = app_for(context.database(n))
    token = _token(app)
    basic = base64.b64encode(f"bench:{token}".encode()).decode()
    headers = {"Authorization": f"Basic {basic}"}
    client = app.test_client()

    started = time.perf_counter()
    csv = client.get("/exports/responses.csv", headers=headers)
    lines = csv.get_data().count(b"\n") - 1
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    url, rows, pages = "/odata/Responses", 0, 0
    while url:
        body = client.get(url, headers=headers).get_json()
        rows += len(body["value"])
        pages += 1
        url = body.get("@odata.nextLink")
    took = time.perf_counter() - started
    if rows != n or lines != n:
        raise RuntimeError(f"the feed gave {rows:,} rows and the CSV {lines:,} of {n:,}")
    return [
        row(
            f"OData feed, every response through nextLink ({pages:,} pages), {n:,} responses",
            took,
            "s",
            "CSV download of the same responses by token",
            baseline,
            f"<= {TARGET:.0f}x baseline",
            took <= TARGET * baseline,
        )
    ]
