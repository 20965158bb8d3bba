"""Factory functions for panels and votes, driven through the services. They flush only."""

from datetime import timedelta

from engage.panels.ballot_box import codes
from engage.panels.models import CLOSED, DELIBERATION, DRAFT, IRV, PROPOSALS, VOTING
from engage.panels.process import phases, proposals, votes
from engage.timeutil import utcnow
from tests import factories

ORDER = (DRAFT, PROPOSALS, DELIBERATION, VOTING, CLOSED)
TITLES = ("Parks", "Street lighting", "Less litter")


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
        VOTING: phases.start_voting,
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
