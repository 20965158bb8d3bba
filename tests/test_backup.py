"""Backup and restore: a restored database is the backed-up one, row for row.

SQLite is copied with its online backup API; PostgreSQL is refused with the
pg_dump and pg_restore commands to use instead.
"""

import os
import sqlite3
from contextlib import closing

import pytest
import sqlalchemy as sa

from engage.api import tokens
from engage.audit import services as audit
from engage.demo.synthetic import seed_synthetic
from engage.panels.ballot_box import ballots, paper
from engage.panels.models import VOTING, Ballot, BallotRanking
from engage.results import aggregates
from engage.results.filters import ResultFilter
from engage.survey.models import Answer, Response
from tests import factories
from tests.panel_factories import ids, make_vote, member

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POSTGRESQL = pytest.mark.parametrize(
    "database_url",
    [
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not os.environ.get("ENGAGE_TEST_DATABASE_URL"),
                reason="ENGAGE_TEST_DATABASE_URL is not set, so the PostgreSQL leg is skipped",
            ),
        )
    ],
    indirect=True,
)


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of every table (and the migration revision), ordered by primary key; not
    the results epoch, which a restore renews so that running processes read it afresh."""
    db.session.remove()
    rows = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name == "results_state":
                continue
            query = sa.select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in conn.execute(query)]
        rows["alembic_version"] = [
            tuple(row) for row in conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        ]
    return rows


def count(path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


@pytest.fixture
def full(db, runner, partnership, questionnaire):
    """A database with responses, answers, a vote with ballots, audit entries and tokens."""
    assert runner.invoke(args=["db", "stamp", "head"]).exit_code == 0
    seed_synthetic(questionnaire, 40, seed=7)
    facilitator = factories.make_user(partnership, "facilitator")
    analyst = factories.make_user(partnership, "analyst")
    vote = make_vote(partnership, facilitator, VOTING)
    rankings = [("Parks", "Less litter"), ("Street lighting",), ("Less litter", "Parks")]
    for titles in rankings:
        ballots.cast_ballot(vote, member(vote, facilitator), ids(vote, *titles))
    paper.enter_paper_ballot(vote, ids(vote, "Parks", "Street lighting"), facilitator)
    kept, _ = tokens.create_token(analyst, "Power BI")
    revoked, _ = tokens.create_token(analyst, "Old laptop")
    tokens.revoke(revoked)
    audit.record(audit.DOWNLOAD, "responses.csv", analyst, {"ward": "north"}, rows=12)
    audit.record(audit.ADMIN, "users.grant_free_text", None, detail="analyst@example.org")
    db.session.commit()
    return snapshot(db)


def database_path(db) -> str:
    return db.engine.url.database


def _responses_in_results(db) -> int:
    questionnaire = db.session.get(Response, 1).version.questionnaire
    return aggregates.overview(questionnaire, ResultFilter(), 0)["total"]


@SQLITE
def test_restore_gives_back_every_row_including_ballots_and_the_audit_trail(
    db, runner, full, tmp_path
):
    assert all(full[t] for t in ("ballot", "ballot_ranking", "audit_entry", "api_token"))
    assert len(full["response"]) == 40 and full["answer"]
    target = tmp_path / "engage-backup.sqlite3"

    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert f"Backed up to {target}" in made.output

    # Lose ballots and the audit trail, revoke a token, change an answer, add responses.
    db.session.execute(sa.delete(BallotRanking))
    db.session.execute(sa.delete(Ballot))
    db.session.execute(sa.text("DELETE FROM audit_entry"))
    db.session.execute(sa.text("UPDATE api_token SET revoked_at = CURRENT_TIMESTAMP"))
    db.session.execute(sa.update(Answer).values(text_value="changed"))
    db.session.commit()
    seed_synthetic(db.session.get(Response, 1).version, 5, seed=8)
    assert snapshot(db) != full
    assert _responses_in_results(db) == 45

    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "The database is at the current migration" in restored.output

    assert snapshot(db) == full
    # A process that had read the results before the restore reads the restored ones.
    assert _responses_in_results(db) == 40
    [kept] = tmp_path.glob("engage.sqlite3.before-restore-*")
    assert f"kept in {kept}" in restored.output
    assert (count(kept, "ballot"), count(kept, "response")) == (0, 45)


@SQLITE
def test_a_backup_taken_during_a_write_holds_only_what_was_committed(db, runner, full, tmp_path):
    target = tmp_path / "during.sqlite3"
    with closing(sqlite3.connect(database_path(db), timeout=5)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM ballot_ranking")
        writer.execute(
            "INSERT INTO audit_entry (at, kind, action, filters, detail) "
            "VALUES ('2026-01-01', 'admin', 'half-done', '{}', '')"
        )
        made = runner.invoke(args=["backup", str(target)])
        writer.commit()
    assert made.exit_code == 0, made.output
    assert count(target, "ballot_ranking") == len(full["ballot_ranking"])
    assert count(target, "audit_entry") == len(full["audit_entry"])
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)


@SQLITE
def test_backup_never_overwrites_a_file(db, runner, full, tmp_path):
    target = tmp_path / "exists.sqlite3"
    target.write_bytes(b"precious")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_bytes() == b"precious"


def _not_a_database(tmp_path, backup_file):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n")
    return path


def _truncated(tmp_path, backup_file):
    path = tmp_path / "truncated.sqlite3"
    data = backup_file.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def _without_revision(tmp_path, backup_file):
    path = tmp_path / "other-app.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        conn.commit()
    return path


def _unknown_revision(tmp_path, backup_file):
    path = tmp_path / "from-the-future.sqlite3"
    path.write_bytes(backup_file.read_bytes())
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
        conn.commit()
    return path


@SQLITE
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_a_database, "is not an Engage backup: it is not a SQLite database"),
        (_truncated, "is damaged"),
        (_without_revision, "has no alembic_version table"),
        (_unknown_revision, "which this version of Engage does not know"),
    ],
)
def test_restore_refuses_a_file_that_is_not_an_engage_backup(
    db, runner, full, tmp_path, make, message
):
    good = tmp_path / "good.sqlite3"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    result = runner.invoke(args=["restore", str(make(tmp_path, good)), "--yes"])
    assert result.exit_code == 1
    assert message in result.output
    assert snapshot(db) == full
    assert not list(tmp_path.glob("*.before-restore-*"))


@SQLITE
def test_restore_asks_first_and_changes_nothing_when_told_no(db, runner, full, tmp_path):
    good = tmp_path / "good.sqlite3"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    db.session.execute(sa.text("DELETE FROM audit_entry"))
    db.session.commit()
    changed = snapshot(db)
    result = runner.invoke(args=["restore", str(good)], input="n\n")
    assert "Replace everything in" in result.output
    assert result.exit_code == 1
    assert snapshot(db) == changed


@SQLITE
def test_restoring_an_older_backup_says_to_run_db_upgrade(db, runner, full, tmp_path):
    old = tmp_path / "old.sqlite3"
    assert runner.invoke(args=["backup", str(old)]).exit_code == 0
    with closing(sqlite3.connect(old)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'c1a0f649dac6'")
        conn.commit()
    result = runner.invoke(args=["restore", str(old), "--yes"])
    assert result.exit_code == 0, result.output
    assert "run `flask --app engage db upgrade` now" in result.output


@POSTGRESQL
def test_postgresql_is_sent_to_pg_dump_and_pg_restore(db, runner, tmp_path):
    target = tmp_path / "engage.dump"
    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 1
    assert "pg_dump --format=custom --no-owner --file=engage.dump 'postgresql://" in made.output
    assert not target.exists()
    target.write_bytes(b"PGDMP")
    restored = runner.invoke(args=["restore", str(target), "--yes"])
    assert restored.exit_code == 1
    assert "pg_restore --no-owner --exit-on-error --dbname='postgresql://" in restored.output
    assert "flask --app engage db upgrade" in restored.output
