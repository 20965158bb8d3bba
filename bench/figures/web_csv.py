"""The CSV download of every response through gunicorn as the README deploys it (2 workers,
4 threads each): time to the first byte, the whole download, and a check that it was not
cut off (every row arrives, read back with Python's csv module as it streams).

The baseline is the same server's time to the first byte of the downloads page.
"""

import csv
import http.client
import io
import os
import re
import time
from urllib.parse import urlencode

from harness import databases
from harness.servers import HOST, Gunicorn, free_port

from figures.common import Context, app_for, row

EMAIL = "csv@bench.example"
PASSWORD = "bench-password-long-enough"  # noqa: S105 (a throwaway database)
TTFB_TARGET = 1.0  # seconds


def _analyst(path: str) -> None:
    from engage.accounts.models import ANALYST, User
    from engage.accounts.services import create_user
    from engage.extensions import db
    from engage.partnership.services import current_partnership

    app = app_for(path)
    with app.app_context():
        db.session.execute(db.delete(User).where(User.email == EMAIL))
        create_user(EMAIL, PASSWORD, ANALYST, current_partnership().agencies[0])
        db.session.commit()
        db.engine.dispose()


def _sign_in(port: int) -> str:
    """The session cookie of the analyst, signed in through the login form."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", "/login")
    page = connection.getresponse()
    body = page.read().decode()
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        r'name="csrf_token" value="([^"]+)"', body
    )
    if token is None:
        raise RuntimeError("no form token on the login page")
    form = urlencode({"csrf_token": token.group(1), "email": EMAIL, "password": PASSWORD})
    connection.request(
        "POST",
        "/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    answer = connection.getresponse()
    answer.read()
    if answer.status != 302:
        raise RuntimeError(f"sign-in answered HTTP {answer.status}")
    connection.close()
    return answer.getheader("Set-Cookie", "").split(";")[0]


def _download(port: int, cookie: str, path: str) -> tuple[float, float, int]:
    """(seconds to the first byte, seconds in all, data rows read) for one GET."""
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}")
    response.read(1)  # the first byte of the byte-order mark
    ttfb = time.perf_counter() - started
    # The rest of the mark decodes as replacement characters before the header.
    text = io.TextIOWrapper(response, encoding="utf-8", errors="replace", newline="")
    rows = sum(1 for _ in csv.reader(text))
    connection.close()
    return ttfb, time.perf_counter() - started, rows - 1  # less the header


def web_csv(context: Context) -> list[dict]:
    n = context.responses(1_000_000)
    path = context.database(n)
    _analyst(path)
    port = free_port()
    env = databases.server_env(f"sqlite:///{path}", port)
    server = Gunicorn(port, env, os.path.join(context.folder, "web-csv.log"), threads=4)
    server.start()
    try:
        server.wait_until_answering("/healthz")
        cookie = _sign_in(port)
        page, _, _ = _download_page(port, cookie)
        ttfb, total, rows = _download(port, cookie, "/exports/responses.csv")
    finally:
        server.stop()
    if rows != n:
        raise RuntimeError(f"the CSV was cut off: {rows:,} of {n:,} rows arrived")
    where = f"{n:,} responses, gunicorn 2 workers x 4 threads"
    return [
        row(
            f"CSV download through the web, time to first byte, {where}",
            ttfb * 1000,
            "ms",
            "time to first byte of the downloads page",
            page * 1000,
            f"<= {TTFB_TARGET * 1000:.0f} ms",
            ttfb <= TTFB_TARGET,
        ),
        row(
            f"CSV download through the web, whole file ({rows:,} rows, none cut off), {where}",
            total,
            "s",
        ),
    ]


def _download_page(port: int, cookie: str) -> tuple[float, int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", "/exports/", headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read(1)
    took = time.perf_counter() - started
    body = response.read()
    connection.close()
    return took, response.status, body
