"""Casting ballots: the checks members see, one ballot per code, receipts, and reading back."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.panels.ballot_box import ballots, codes, opening, reading
from engage.panels.errors import BallotError, CodeError, PhaseError
from engage.panels.models import (
    CLOSED,
    DELIBERATION,
    STV,
    VOTING,
    Ballot,
    BallotSeal,
    SealedBallot,
    VoterCode,
)
from engage.panels.process import phases
from tests.panel_factories import PASSPHRASE, facilitator, ids, make_vote, member, option

TITLES = ("Parks", "Street lighting", "Less litter", "Potholes")


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


@pytest.fixture
def vote(db, partnership, user):
    return make_vote(partnership, user, VOTING, titles=TITLES)


def ranks(vote, **by_title):
    """A ballot form: option id → rank typed in (titles use _ for spaces)."""
    return {option(vote, t.replace("_", " ")).id: r for t, r in by_title.items()}


def stored_ballots(db) -> int:
    """Ballots stored, sealed or opened."""
    opened = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot))
    return opened + db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot))


def test_ranks_become_an_ordered_ballot(db, vote):
    checked = ballots.check_ranks(vote, ranks(vote, Parks="2", Potholes="1", Less_litter=""))
    assert checked.ranking == ids(vote, "Potholes", "Parks")
    assert checked.warnings == []


def test_a_repeated_rank_is_refused_naming_the_options(db, vote):
    with pytest.raises(BallotError) as refused:
        ballots.check_ranks(vote, ranks(vote, Parks=1, Street_lighting=2, Potholes=2))
    assert str(refused.value) == (
        "Give each option a different rank: you gave 2nd place to ‘Street lighting’ and ‘Potholes’."
    )


def test_a_gap_in_the_ranks_is_closed_up_with_a_warning(db, vote):
    checked = ballots.check_ranks(vote, ranks(vote, Parks=1, Street_lighting=2, Potholes=4))
    assert checked.ranking == ids(vote, "Parks", "Street lighting", "Potholes")
    (warning,) = checked.warnings
    assert "skipped a number, so they were closed up" in warning
    assert "3rd ‘Potholes’" in warning


def test_an_unknown_option_is_refused(db, partnership, user, vote):
    other = make_vote(partnership, user, DELIBERATION)
    stranger = option(other, "Parks").id
    with pytest.raises(BallotError, match="includes an option that is not on this vote"):
        ballots.check_ranks(vote, {stranger: 1})
    with pytest.raises(BallotError, match="includes an option that is not on this vote"):
        ballots.cast_ballot(vote, member(vote, user), [stranger])


def test_an_empty_ballot_is_refused(db, vote, user):
    with pytest.raises(BallotError, match="Rank at least one option"):
        ballots.check_ranks(vote, ranks(vote, Parks="", Potholes=" "))
    with pytest.raises(BallotError, match="Rank at least one option"):
        ballots.cast_ballot(vote, member(vote, user), [])


def test_a_rank_that_is_not_a_whole_number_is_refused(db, vote):
    with pytest.raises(BallotError, match="Ranks must be whole numbers"):
        ballots.check_ranks(vote, ranks(vote, Parks="first"))
    with pytest.raises(BallotError, match="Ranks must be whole numbers"):
        ballots.check_ranks(vote, ranks(vote, Parks="0"))


def test_casting_returns_a_receipt_and_uses_the_code(db, vote, user):
    amber = member(vote, user)
    receipt = ballots.cast_ballot(vote, amber, ids(vote, "Parks", "Potholes"))
    db.session.commit()
    assert len(receipt) == 11 and receipt[5] == "-"
    db.session.refresh(amber)
    assert amber.used is True
    assert stored_ballots(db) == 1


def test_a_code_casts_exactly_one_ballot(db, vote, user):
    amber = member(vote, user)
    ballots.cast_ballot(vote, amber, ids(vote, "Parks"))
    db.session.commit()
    with pytest.raises(CodeError, match="This code has already been used to vote"):
        ballots.cast_ballot(vote, amber, ids(vote, "Potholes"))
    db.session.rollback()
    assert stored_ballots(db) == 1


def test_a_cancelled_code_cannot_vote(db, vote, user):
    amber = member(vote, user)
    codes.void_codes(vote, [amber.serial], user)
    with pytest.raises(CodeError, match="has been cancelled"):
        ballots.cast_ballot(vote, amber, ids(vote, "Parks"))


def test_a_failure_after_the_code_is_used_undoes_both(db, vote, user, monkeypatch):
    ballots.cast_ballot(vote, member(vote, user), ids(vote, "Parks"))
    amber = member(vote, user)
    db.session.commit()

    def broken(*_args):
        raise OSError("the sealing failed")

    # Sealing the next ballot fails after its code was marked used.
    monkeypatch.setattr(ballots.sealing, "seal", broken)
    with pytest.raises(OSError, match="sealing failed"):
        ballots.cast_ballot(vote, amber, ids(vote, "Potholes"))
    db.session.rollback()
    assert db.session.get(VoterCode, amber.id).used is False
    assert stored_ballots(db) == 1
    monkeypatch.undo()
    assert ballots.cast_ballot(vote, amber, ids(vote, "Potholes"))
    db.session.commit()
    assert stored_ballots(db) == 2


def test_casting_before_the_window_opens_is_refused(db, vote, user):
    early = vote.opens_at - timedelta(minutes=5)
    with pytest.raises(PhaseError, match="Voting opens at .* Your vote has not been recorded"):
        ballots.cast_ballot(vote, member(vote, user), ids(vote, "Parks"), now=early)


def test_casting_after_the_window_closes_is_refused(db, vote, user):
    late = vote.closes_at + timedelta(seconds=1)
    with pytest.raises(PhaseError, match="Voting closed at .* Your vote has not been recorded"):
        ballots.cast_ballot(vote, member(vote, user), ids(vote, "Parks"), now=late)
    amber = db.session.scalar(sa.select(VoterCode))
    assert amber.used is False


def test_casting_before_voting_starts_is_refused(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    with pytest.raises(PhaseError, match="Voting has not started yet"):
        ballots.cast_ballot(vote, member(vote, user), ids(vote, "Parks"))


def test_casting_leaves_no_trace_in_the_audit_trail(db, vote, user):
    amber = member(vote, user)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    ballots.cast_ballot(vote, amber, ids(vote, "Parks"))
    db.session.commit()
    after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert after == before


def test_ballots_are_read_back_by_receipt_only_after_voting_closes(db, vote, user):
    cast = {}
    for ranking in [("Potholes",), ("Parks", "Less litter"), ("Street lighting", "Parks")]:
        cast[ballots.cast_ballot(vote, member(vote, user), ids(vote, *ranking))] = ranking
    with pytest.raises(PhaseError, match="Ballots can be read only while the vote is closed"):
        reading.anonymised_ballots(vote)
    assert reading.ballot_count(vote) == 3
    phases.close_voting(vote, user, early=True)
    db.session.commit()
    with pytest.raises(PhaseError, match="still sealed"):
        reading.anonymised_ballots(vote)
    assert opening.open_box(vote, PASSPHRASE) == 3
    db.session.commit()
    listed = reading.anonymised_ballots(vote)
    assert [b.receipt for b in listed] == sorted(cast)
    assert {b.receipt: b.ranking for b in listed} == cast
    assert not any(b.paper for b in listed)
    receipt = sorted(cast)[0]
    found = reading.find_receipt(vote, receipt.lower().replace("-", " "))
    assert found is not None and found.ranking == cast[receipt]
    assert reading.find_receipt(vote, "AAAAA-AAAAA") is None


def test_the_count_gets_ranked_titles_with_weight_one(db, partnership, user):
    vote = make_vote(partnership, user, VOTING, titles=TITLES, method=STV, seats=2)
    receipt = ballots.cast_ballot(vote, member(vote, user), ids(vote, "Potholes", "Parks"))
    with pytest.raises(PhaseError, match="counted once voting has closed"):
        reading.count_input(vote)
    phases.close_voting(vote, user, early=True)
    opening.open_box(vote, PASSPHRASE)
    given = reading.count_input(vote)
    assert given.candidates == list(TITLES)
    assert given.ballots == [(("Potholes", "Parks"), 1, receipt)]
    assert (given.method, given.seats, given.seed) == (STV, 2, vote.count_seed)
    assert vote.phase == CLOSED


def test_a_vote_started_before_sealing_is_counted_without_a_passphrase_and_rewritten(
    db, partnership, user
):
    vote = make_vote(partnership, user, VOTING, titles=TITLES)
    db.session.delete(db.session.get(BallotSeal, vote.id))  # as voting started before
    receipts = {
        ballots.cast_ballot(vote, member(vote, user), ids(vote, *ranking)): ranking
        for ranking in [("Parks",), ("Potholes", "Parks"), ("Less litter",)]
    }
    db.session.commit()
    before = set(db.session.scalars(sa.select(Ballot.id)))
    assert len(before) == 3 and stored_ballots(db) == 3
    phases.close_voting(vote, user, early=True)
    assert not opening.needs_passphrase(vote)
    assert opening.open_box(vote, None) == 0
    db.session.commit()
    assert not before & set(db.session.scalars(sa.select(Ballot.id)))  # new random keys
    listed = {b.receipt: b.ranking for b in reading.anonymised_ballots(vote)}
    assert listed == {receipt: tuple(ranking) for receipt, ranking in receipts.items()}


def test_opening_needs_the_passphrase_and_a_wrong_one_opens_nothing(db, vote, user):
    for ranking in [("Parks",), ("Potholes",)]:
        ballots.cast_ballot(vote, member(vote, user), ids(vote, *ranking))
    phases.close_voting(vote, user, early=True)
    db.session.commit()
    for wrong in (None, "", PASSPHRASE.upper()):
        with pytest.raises(PhaseError, match="That passphrase does not open"):
            opening.open_box(vote, wrong)
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
    assert opening.open_box(vote, PASSPHRASE) == 2
