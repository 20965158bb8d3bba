"""Ballot secrecy and integrity, checked against the live database schema and under load."""

import threading

import pytest
import sqlalchemy as sa

from engage.extensions import db as _db
from engage.panels.ballot_box import ballots, codes, opening
from engage.panels.errors import CodeError
from engage.panels.models import VOTING, Ballot, PriorityVote, VoterCode
from engage.panels.process import phases
from tests.panel_factories import PASSPHRASE, facilitator, ids, make_vote, member, unsealed

TIME_TYPES = (sa.DateTime, sa.Date, sa.Time, sa.Interval)
SUBMISSIONS = 50


@pytest.fixture
def app_config(app_config):
    """Room in the pool for every thread of the concurrency test to hold a connection."""
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": SUBMISSIONS + 5, "pool_timeout": 60}
    return app_config


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


def referred(inspector, table: str) -> set[str]:
    return {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}


def time_columns(inspector, table: str) -> list[str]:
    return [c["name"] for c in inspector.get_columns(table) if isinstance(c["type"], TIME_TYPES)]


def test_no_column_or_key_links_a_ballot_to_the_code_that_cast_it(db):
    inspector = sa.inspect(db.engine)
    # A ballot points at its vote; its rankings at the ballot and options. Nothing else.
    assert referred(inspector, "ballot") == {"priority_vote"}
    assert referred(inspector, "ballot_ranking") == {"ballot", "vote_option"}
    assert time_columns(inspector, "ballot") == []
    assert time_columns(inspector, "ballot_ranking") == []
    # A code knows its vote and whether it was used: not which ballot, not when.
    assert referred(inspector, "voter_code") == {"priority_vote"}
    assert time_columns(inspector, "voter_code") == []
    assert {c["name"] for c in inspector.get_columns("voter_code")} == {
        "id",
        "vote_id",
        "serial",
        "code_hash",
        "pseudonym",
        "used",
        "voided",
    }
    # No table joins the two, and only the rankings refer to a ballot.
    for table in inspector.get_table_names():
        assert not {"ballot", "voter_code"} <= referred(inspector, table), table
        if table != "ballot_ranking":
            assert "ballot" not in referred(inspector, table), table


def test_ballot_keys_are_random_not_counters(db):
    inspector = sa.inspect(db.engine)
    assert inspector.get_pk_constraint("ballot")["constrained_columns"] == ["id"]
    (ballot_id,) = [c for c in inspector.get_columns("ballot") if c["name"] == "id"]
    assert isinstance(ballot_id["type"], sa.String)
    assert inspector.get_pk_constraint("ballot_ranking")["constrained_columns"] == [
        "ballot_id",
        "rank",
    ]
    for table in ("ballot", "ballot_ranking"):
        assert db.metadata.tables[table].autoincrement_column is None


def test_sqlite_keeps_no_hidden_row_number_for_ballots(db, partnership, user):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("rowid is SQLite's hidden insertion counter")
    for table in ("ballot", "ballot_ranking"):
        with pytest.raises(sa.exc.OperationalError, match="no such column: rowid"):
            db.session.execute(sa.text(f"SELECT rowid FROM {table}"))  # noqa: S608
        db.session.rollback()


def test_ballot_ids_and_receipts_are_random(db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    for _ in range(20):
        ballots.cast_ballot(vote, member(vote, user), ids(vote, "Parks"))
    phases.close_voting(vote, user, early=True)
    opening.open_box(vote, PASSPHRASE)
    db.session.commit()
    rows = db.session.execute(sa.select(Ballot.id, Ballot.receipt)).all()
    assert all(len(ballot_id) == 32 for ballot_id, _ in rows)
    assert len({ballot_id for ballot_id, _ in rows}) == 20
    assert len({receipt for _, receipt in rows}) == 20


def test_counting_separates_codes_from_ballots_in_postgresql_row_versions(db, partnership, user):
    """Each code was marked used in its sealed ballot's transaction, so the rows share a
    transaction id (xmin): that pairs a code with ciphertext only. Counting writes the
    opened ballots in one transaction of their own, sharing no xmin with any code."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's record of the transaction that wrote a row")
    vote = make_vote(partnership, user, VOTING)
    for title in ("Parks", "Street lighting", "Less litter"):
        ballots.cast_ballot(vote, member(vote, user), ids(vote, title))
        db.session.commit()

    def xmins(table: str) -> set[str]:
        query = f"SELECT xmin::text FROM {table}"  # noqa: S608  (our own table names)
        return set(db.session.scalars(sa.text(query)))

    assert xmins("sealed_ballot") <= xmins("voter_code")  # a code with a sealed box
    assert not xmins("ballot")
    phases.close_voting(vote, user, early=True)
    db.session.commit()
    assert len(xmins("voter_code")) == 1
    opening.open_box(vote, PASSPHRASE)
    db.session.commit()
    assert not xmins("sealed_ballot")
    assert len(xmins("ballot")) == 1
    assert not xmins("ballot") & xmins("voter_code")


def _submit(app, vote_id: int, code: str, ranking: list[int], barrier) -> str | Exception:
    """One member's browser: its own app context, session and connection."""
    with app.app_context():
        vote = _db.session.get(PriorityVote, vote_id)
        assert vote is not None
        member = codes.member_for_code(vote, code)
        barrier.wait()
        try:
            receipt = ballots.cast_ballot(vote, member, ranking)
            _db.session.commit()
            return receipt
        except Exception as refused:  # noqa: BLE001  (every outcome is checked below)
            _db.session.rollback()
            return refused


def test_fifty_simultaneous_submissions_with_one_code_store_one_ballot(app, db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    (issued,) = codes.generate_codes(vote, 1, user)
    ranking = ids(vote, "Parks", "Less litter")
    vote_id = vote.id
    db.session.commit()
    barrier = threading.Barrier(SUBMISSIONS)
    outcomes: list[str | Exception] = []

    def submit() -> None:
        outcomes.append(_submit(app, vote_id, issued.code, ranking, barrier))

    threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    receipts = [o for o in outcomes if isinstance(o, str)]
    refusals = [o for o in outcomes if isinstance(o, CodeError)]
    assert len(outcomes) == SUBMISSIONS
    assert len(receipts) == 1, [o for o in outcomes if not isinstance(o, str | CodeError)]
    assert len(refusals) == SUBMISSIONS - 1
    assert {str(r) for r in refusals} == {"This code has already been used to vote."}
    db.session.expire_all()
    assert [b.receipt for b in unsealed(vote)] == receipts
    assert db.session.scalar(sa.select(VoterCode.used)) is True


def test_a_busy_database_makes_the_scrub_wait_seconds_not_forever(db, partnership, user):
    """A long transaction holding a ballot table must not leave the count's rewrite (and
    every query queued behind it) waiting: it gives up, saying to try again."""
    from engage.panels.ballot_box import scrub

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's checkpoint retries are bounded in scrub itself")
    with db.engine.connect() as reader:
        reader.execute(sa.text("SELECT count(*) FROM sealed_ballot"))  # holds its lock
        with pytest.raises(scrub.ScrubError, match="flask panels scrub"):
            scrub.scrub_storage(db.engine)
        reader.rollback()
    scrub.scrub_storage(db.engine)  # and succeeds once the reader has finished
