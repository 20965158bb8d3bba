"""Counting a closed vote: the engine's result kept on the vote, with pyrankvote's recount."""

import pytest

from engage.counting import Ballot, Election, count
from engage.panels.ballot_box import ballots, paper
from engage.panels.errors import PhaseError
from engage.panels.models import STV, VOTING
from engage.panels.outcome import tally
from engage.panels.process import phases
from tests.panel_factories import PASSPHRASE, facilitator, ids, make_vote, member


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


def cast(vote, user, *rankings):
    for ranking in rankings:
        ballots.cast_ballot(vote, member(vote, user), ids(vote, *ranking))


def test_an_irv_count_is_kept_on_the_vote_and_pyrankvote_agrees(db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    cast(
        vote,
        user,
        ("Parks", "Street lighting"),
        ("Parks",),
        ("Street lighting", "Parks"),
        ("Less litter", "Street lighting"),
        ("Street lighting",),
    )
    phases.close_voting(vote, user, early=True)
    result = tally.run_count(vote, user, PASSPHRASE)
    db.session.commit()
    assert vote.result == result
    assert result["elected"] == ["Street lighting"]
    assert result["seed"] == str(vote.count_seed)
    assert result["recount"] == {
        "by": "pyrankvote",
        "winner": "Street lighting",
        "agrees": True,
        "comparable": True,
        "problem": None,
    }
    # Anyone with the published ballots and seed gets the same count.
    again = Election(
        candidates=["Parks", "Street lighting", "Less litter"],
        ballots=[
            Ballot(tuple(r))
            for r in (
                ("Parks", "Street lighting"),
                ("Parks",),
                ("Street lighting", "Parks"),
                ("Less litter", "Street lighting"),
                ("Street lighting",),
            )
        ],
    )
    assert count(again, "irv", seed=result["seed"]).to_dict()["stages"] == result["stages"]


def test_an_stv_count_includes_paper_ballots(db, partnership, user):
    titles = ("Parks", "Street lighting", "Less litter", "Potholes")
    vote = make_vote(partnership, user, VOTING, titles=titles, method=STV, seats=2)
    cast(vote, user, ("Parks",), ("Parks", "Potholes"), ("Potholes",))
    phases.close_voting(vote, user, early=True)
    paper.import_paper_ballots(vote, "rank_1,rank_2\nPotholes,Parks\nLess litter,\n", user)
    result = tally.run_count(vote, user, PASSPHRASE)
    assert result["ballots"] == 5 and result["quota"] == "2.00000"
    assert set(result["elected"]) == {"Parks", "Potholes"}
    assert "recount" not in result


def test_votes_cannot_be_counted_while_voting_is_open(db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    with pytest.raises(PhaseError):
        tally.run_count(vote, user, PASSPHRASE)
    assert vote.phase == VOTING and vote.result is None


def test_a_vote_nobody_voted_in_is_not_counted(db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    phases.close_voting(vote, user, early=True)
    with pytest.raises(PhaseError, match="no ballots to count"):
        tally.run_count(vote, user, PASSPHRASE)
    assert vote.result is None
