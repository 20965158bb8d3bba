"""The app factory, configuration and database settings."""

import json

import pytest
import sqlalchemy as sa

from engage import create_app
from engage.config import ConfigError, from_environment, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="ENGAGE_SECRET_KEY"):
        create_app({"ENGAGE_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_with_a_secret_key_uses_secure_cookies():
    app = create_app(
        {
            "ENGAGE_ENV": "production",
            "SECRET_KEY": "s" * 64,
            "ENGAGE_CONTACT_KEY": "c" * 64,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_production_refuses_to_start_without_a_contact_key():
    with pytest.raises(ConfigError, match="ENGAGE_CONTACT_KEY"):
        create_app(
            {
                "ENGAGE_ENV": "production",
                "SECRET_KEY": "s" * 64,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )


def test_environment_variables_choose_database_and_secret():
    values = from_environment(
        {"ENGAGE_DATABASE_URL": "postgres://u@h/db", "ENGAGE_SECRET_KEY": "k"}
    )
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert values["SECRET_KEY"] == "k"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("ENGAGE_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/engage.sqlite3")


def test_sqlite_runs_with_wal_and_foreign_keys(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings only")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1


def test_health_check(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_stats_json_describes_questionnaire_and_responses(runner, questionnaire, client):
    from tests.test_survey import VALID, post

    post(client, VALID)
    result = runner.invoke(args=["stats", "--json"])
    stats = json.loads(result.output)
    assert stats["agencies"] == 6
    assert stats["questions"] == 9
    assert stats["questions_shared"] == 2
    assert stats["responses"] == 1
    assert stats["version"] == 1


def test_stats_on_an_empty_database(runner, db):
    stats = json.loads(runner.invoke(args=["stats", "--json"]).output)
    assert stats["responses"] == 0 and stats["version"] is None
