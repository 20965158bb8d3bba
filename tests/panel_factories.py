"""Factory functions for panels and votes, driven through the services. They flush only."""

from datetime import timedelta

import sqlalchemy as sa

from engage.extensions import db
from engage.panels.ballot_box import codes, keys, sealing
from engage.panels.models import CLOSED, DELIBERATION, DRAFT, IRV, PROPOSALS, VOTING, SealedBallot
from engage.panels.process import phases, proposals, votes
from engage.timeutil import utcnow
from tests import factories

ORDER = (DRAFT, PROPOSALS, DELIBERATION, VOTING, CLOSED)
TITLES = ("Parks", "Street lighting", "Less litter")
# The ballot box's passphrase in every test vote.
PASSPHRASE = "tawny otter lantern quarry"  # noqa: S105 (a test value)


def facilitator(partnership):
    return factories.make_user(partnership, "facilitator")


def make_panel(partnership, user, name="North Ward panel", area=None):
    return votes.create_panel(partnership, votes.PanelFields(name=name, area=area), user)


def make_vote(
    partnership,
    user,
    phase=DRAFT,
    titles=TITLES,
    method=IRV,
    seats=1,
    panel=None,
):
    """A vote with these options, moved on through the phases up to ``phase``."""
    panel = panel or make_panel(partnership, user)
    vote = votes.create_vote(
        panel,
        votes.VoteFields(
            title="What should we fix first?",
            question="Rank the things you most want fixed.",
            method=method,
            seats=seats,
        ),
        user,
    )
    for title in titles:
        proposals.add_option(vote, title, "", user)
    now = utcnow()
    votes.set_window(vote, now - timedelta(hours=1), now + timedelta(days=7), user)
    steps = {
        PROPOSALS: phases.open_proposals,
        DELIBERATION: phases.start_deliberation,
        VOTING: lambda v, u: phases.start_voting(v, u, PASSPHRASE),
        CLOSED: lambda v, u: phases.close_voting(v, u, early=True),
    }
    for step in ORDER[1 : ORDER.index(phase) + 1]:
        steps[step](vote, user)
    return vote


def option(vote, title):
    return next(o for o in vote.options if o.title == title)


def ids(vote, *titles):
    return [option(vote, title).id for title in titles]


def member(vote, user):
    """One voter code for the vote, as its VoterCode row."""
    (issued,) = codes.generate_codes(vote, 1, user)
    return codes.member_for_code(vote, issued.code)


def unsealed(vote) -> list[sealing.Opened]:
    """What the vote's sealed ballots say, opened with the test passphrase, leaving them
    sealed in the database (a test's look inside the box, not the count's opening)."""
    boxes = db.session.scalars(sa.select(SealedBallot.box).where(SealedBallot.vote_id == vote.id))
    return sealing.open_boxes(keys.locked_key(keys.seal_of(vote)), PASSPHRASE, list(boxes))


def stored_ballots(vote=None) -> int:
    """Ballots stored, sealed or opened (of one vote, or of all)."""
    from engage.panels.models import Ballot

    total = 0
    for model in (Ballot, SealedBallot):
        query = sa.select(sa.func.count()).select_from(model)
        if vote is not None:
            query = query.where(model.vote_id == vote.id)
        total += db.session.scalar(query)
    return total
