"""Fixtures: every database test runs on SQLite and, when configured, on PostgreSQL.

Set ENGAGE_TEST_DATABASE_URL (for example
postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the PostgreSQL leg.
"""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from engage import create_app
from engage.config import normalise_database_url
from engage.extensions import db as _db
from tests import factories

PG_URL = os.environ.get("ENGAGE_TEST_DATABASE_URL")
# A ptable that changes no count: tests of counting see true counts with the threshold
# on top. Tests of perturbation itself (test_perturbation*.py) use the shipped default.
NO_CHANGE_PTABLE = os.path.join(os.path.dirname(__file__), "data", "ptable_no_change.csv")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not PG_URL,
                reason="ENGAGE_TEST_DATABASE_URL is not set, so the PostgreSQL leg is skipped",
            ),
        ),
    ]
)
def database_url(request, tmp_path):
    """A fresh, empty database for one test: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'engage.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = normalise_database_url(PG_URL)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            sa.engine.make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def app_config(database_url, tmp_path):
    """The test configuration; tests may change it before asking for ``app``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        # Background jobs run at once, in the request that asks for them.
        "ENGAGE_JOBS_IMMEDIATE": True,
        "ENGAGE_EXPORT_FOLDER": str(tmp_path / "exports"),
        "ENGAGE_JOB_FOLDER": str(tmp_path / "jobs"),
        "ENGAGE_PTABLE": NO_CHANGE_PTABLE,
        # Ballot keys are locked at the cheapest Argon2id cost (allowed only in tests).
        "ENGAGE_BALLOT_KDF": "minimal",
        # Seals panel volunteers' contact details (never stored in the database).
        "ENGAGE_CONTACT_KEY": "5e" * 32,
    }


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    The ``app`` fixture keeps an app context open for the test body; without this,
    requests would share its ``g`` (and Flask-Login's cached user) and its session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def partnership(db):
    """Six agencies, three wards, and nothing else."""
    p = factories.make_partnership()
    db.session.commit()
    return p


@pytest.fixture
def questionnaire(db, partnership):
    """A published version 1 with one question of every type."""
    q = factories.make_questionnaire(partnership)
    db.session.commit()
    return q


class AuthActions:
    """Signs a test client in and out."""

    def __init__(self, client):
        self._client = client

    def login(self, email, password=factories.PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def _client_for(app, partnership, role):
    user = factories.make_user(partnership, role)
    _db.session.commit()
    client = app.test_client()
    response = AuthActions(client).login(user.email)
    assert response.status_code == 302, response.get_data(as_text=True)
    client.user = user
    return client


@pytest.fixture
def admin_client(app, partnership):
    return _client_for(app, partnership, "admin")


@pytest.fixture
def analyst_client(app, partnership):
    return _client_for(app, partnership, "analyst")


@pytest.fixture
def facilitator_client(app, partnership):
    return _client_for(app, partnership, "facilitator")


@pytest.fixture
def demo_questionnaire(db):
    """The demo partnership's questionnaire with 300 synthetic responses (seed 4)."""
    from engage.demo.seed import seed_demo
    from engage.demo.synthetic import seed_synthetic
    from engage.partnership.services import current_partnership
    from engage.questionnaire.services import current_version, questionnaire_for

    seed_demo()
    db.session.commit()
    questionnaire = questionnaire_for(current_partnership())
    seed_synthetic(current_version(questionnaire), 300, seed=4)
    db.session.commit()
    return questionnaire
