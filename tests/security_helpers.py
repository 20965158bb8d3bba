"""Helpers for the security tests, which run with CSRF protection on, as in production."""

import re
from contextlib import contextmanager

import sqlalchemy as sa

from engage import create_app
from engage.extensions import db
from tests import factories

TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def csrf_config(app_config: dict) -> dict:
    return {**app_config, "WTF_CSRF_ENABLED": True}


def csrf_token(client, path: str = "/login") -> str:
    """The form token of the client's session, read from a page as a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, form_page: str = "/login", **kwargs):
    """Post a form with the session's CSRF token, as the page's own form would."""
    return client.post(
        url, data={**(data or {}), "csrf_token": csrf_token(client, form_page)}, **kwargs
    )


def sign_in(app, email: str, password: str = factories.PASSWORD, environ: dict | None = None):
    """A new client signed in through the login form, token and all.

    ``environ`` sets request details such as REMOTE_ADDR or wsgi.url_scheme.
    """
    client = app.test_client()
    client.environ_base.update(environ or {})
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def staff_client(app, partnership, role: str):
    user = factories.make_user(partnership, role)
    db.session.commit()
    client = sign_in(app, user.email)
    client.user = user
    return client


def row_counts() -> dict[str, int]:
    """Rows in every table: what a refused request must leave as it was."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@contextmanager
def another_app(config: dict):
    """A second app on the test's database (production settings, a second server ...)."""
    app = create_app(config)
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
