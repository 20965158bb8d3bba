"""Panels and votes: setting them up, and moving a vote through its phases in order."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.panels.errors import PanelError, PhaseError
from engage.panels.models import (
    CLOSED,
    DELIBERATION,
    DRAFT,
    PROPOSALS,
    PUBLISHED,
    STV,
    VOTING,
)
from engage.panels.process import phases, votes
from engage.timeutil import utcnow
from tests import factories
from tests.panel_factories import PASSPHRASE, facilitator, make_panel, make_vote


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


def test_a_panel_covers_a_ward_or_the_whole_partnership(db, partnership, user):
    north = next(a for a in partnership.areas if a.code == "north")
    ward = make_panel(partnership, user, "North panel", area=north)
    whole = make_panel(partnership, user, "Riverside panel")
    db.session.commit()
    assert ward.area.name == "North Ward"
    assert whole.area is None
    assert [p.name for p in votes.panels_for(partnership)] == ["North panel", "Riverside panel"]


def test_only_facilitators_and_admins_manage_panels(db, partnership):
    analyst = factories.make_user(partnership, "analyst")
    with pytest.raises(PanelError, match="Only facilitators and administrators"):
        make_panel(partnership, analyst)
    admin = factories.make_user(partnership, "admin")
    assert make_panel(partnership, admin).name == "North Ward panel"


def test_a_panel_needs_a_name(db, partnership, user):
    with pytest.raises(PanelError, match="Enter a name for the panel"):
        votes.create_panel(partnership, votes.PanelFields(name="  "), user)


@pytest.mark.parametrize(
    ("method", "seats", "message"),
    [
        ("irv", 2, "exactly 1 seat"),
        ("stv", 1, "at least 2 seats"),
        ("borda", 1, "Choose how the vote is counted"),
    ],
)
def test_method_and_seats_are_checked(db, partnership, user, method, seats, message):
    panel = make_panel(partnership, user)
    fields = votes.VoteFields(title="Priorities", question="Rank them", method=method, seats=seats)
    with pytest.raises(PanelError, match=message):
        votes.create_vote(panel, fields, user)


def test_a_vote_moves_through_every_phase_in_order(db, partnership, user):
    vote = make_vote(partnership, user)
    assert vote.phase == DRAFT
    phases.open_proposals(vote, user)
    assert vote.phase == PROPOSALS
    phases.start_deliberation(vote, user)
    assert vote.phase == DELIBERATION
    phases.start_voting(vote, user, PASSPHRASE)
    assert vote.phase == VOTING
    phases.close_voting(vote, user, early=True)
    assert vote.phase == CLOSED
    assert isinstance(vote.count_seed, int)
    phases.save_result(vote, {"elected": ["Parks"]}, user)
    token = phases.publish_results(vote, user)
    db.session.commit()
    assert vote.phase == PUBLISHED
    assert vote.result == {"elected": ["Parks"]}
    assert votes.vote_by_public_token(token) is vote


def test_phases_cannot_be_skipped(db, partnership, user):
    vote = make_vote(partnership, user)
    with pytest.raises(PhaseError, match="Voting can start only while the vote is in deliberation"):
        phases.start_voting(vote, user, PASSPHRASE)
    with pytest.raises(PhaseError, match="it is now in draft"):
        phases.start_deliberation(vote, user)


def test_deliberation_needs_at_least_two_options(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS, titles=["Parks"])
    with pytest.raises(PhaseError, match="at least 2 options to choose between; this one has 1"):
        phases.start_deliberation(vote, user)


def test_stv_needs_more_options_than_seats(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS, method=STV, seats=3)
    with pytest.raises(PhaseError, match="Choosing 3 priorities needs more than 3 options"):
        phases.start_deliberation(vote, user)


def test_voting_needs_a_window_that_has_not_passed(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    vote.opens_at = vote.closes_at = None
    with pytest.raises(PhaseError, match="Set when voting opens and closes"):
        phases.start_voting(vote, user, PASSPHRASE)
    now = utcnow()
    votes.set_window(vote, now - timedelta(days=2), now - timedelta(days=1), user)
    with pytest.raises(PhaseError, match="which has passed. Set a later closing time"):
        phases.start_voting(vote, user, PASSPHRASE)


def test_voting_must_close_after_it_opens(db, partnership, user):
    vote = make_vote(partnership, user)
    now = utcnow()
    with pytest.raises(PanelError, match="Voting must close after it opens"):
        votes.set_window(vote, now, now - timedelta(hours=1), user)


def test_a_vote_can_step_back_until_voting_starts(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    assert phases.step_back(vote, user) == PROPOSALS
    assert phases.step_back(vote, user) == DRAFT
    with pytest.raises(PhaseError, match="nothing before it"):
        phases.step_back(vote, user)


@pytest.mark.parametrize("phase", [VOTING, CLOSED])
def test_a_vote_cannot_go_backwards_once_voting_has_started(db, partnership, user, phase):
    vote = make_vote(partnership, user, phase)
    with pytest.raises(PhaseError, match="Voting has started, so the vote cannot go back"):
        phases.step_back(vote, user)
    with pytest.raises(PhaseError, match="The vote can be changed only while"):
        votes.update_vote(vote, votes.VoteFields(title="New", question="New?"), user)
    with pytest.raises(PhaseError, match="voting times can be changed only while"):
        votes.set_window(vote, utcnow(), utcnow() + timedelta(days=1), user)


def test_closing_before_the_closing_time_needs_confirmation(db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    with pytest.raises(PhaseError, match="Confirm that you want to close it early"):
        phases.close_voting(vote, user)
    phases.close_voting(vote, user, early=True)
    assert vote.phase == CLOSED


def test_closing_after_the_closing_time_needs_no_confirmation(db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    phases.close_voting(vote, user, now=vote.closes_at + timedelta(minutes=1))
    assert vote.phase == CLOSED


def test_results_are_published_only_after_the_count_is_saved(db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    with pytest.raises(
        PhaseError,
        match="The count can be saved only while the vote is closed; it is now open for voting",
    ):
        phases.save_result(vote, {}, user)
    phases.close_voting(vote, user, early=True)
    with pytest.raises(PhaseError, match="Count the votes before publishing"):
        phases.publish_results(vote, user)
    assert vote.public_token is None


def test_facilitator_actions_are_in_the_audit_trail(db, partnership, user):
    make_vote(partnership, user, VOTING)
    db.session.commit()
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[:2] == ["panels.panel.create", "panels.vote.create"]
    assert "panels.option.add" in actions
    assert actions[-3:] == [
        "panels.vote.open_proposals",
        "panels.vote.start_deliberation",
        "panels.vote.start_voting",
    ]


def test_votes_are_found_only_within_their_partnership(db, partnership, user):
    vote = make_vote(partnership, user)
    db.session.commit()
    assert votes.get_vote(partnership, vote.id) is vote
    assert votes.get_vote(partnership, vote.id + 1) is None


def test_a_refused_vote_leaves_nothing_behind(db, partnership, user):
    panel = make_panel(partnership, user)
    fields = votes.VoteFields(title="", question="Rank them")
    with pytest.raises(PanelError, match="Enter a title for the vote"):
        votes.create_vote(panel, fields, user)
    db.session.commit()
    assert panel.votes == []
