"""Options: facilitators add them, members propose and support them, facilitators edit,
merge or reject them, and deliberation fixes them."""

import pytest

from engage.panels.ballot_box import codes
from engage.panels.errors import PanelError, PhaseError
from engage.panels.models import (
    ACTIVE,
    DELIBERATION,
    DRAFT,
    FOR,
    FROM_MEMBER,
    MERGED,
    PROPOSALS,
    QUESTION,
    REJECTED,
)
from engage.panels.process import deliberation, phases, proposals
from engage.panels.process.proposals import add_option, edit_option, merge_options, reject_option
from tests.panel_factories import facilitator, make_vote, member, option


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


def test_a_facilitator_adds_options_in_draft(db, partnership, user):
    vote = make_vote(partnership, user, DRAFT, titles=[])
    added = add_option(vote, "  Parks  ", "More benches", user)
    db.session.commit()
    assert (added.title, added.description, added.status) == ("Parks", "More benches", ACTIVE)
    assert [o.title for o in vote.active_options] == ["Parks"]


def test_option_titles_are_unique_ignoring_case(db, partnership, user):
    vote = make_vote(partnership, user, DRAFT)
    with pytest.raises(PanelError, match="There is already an option called ‘Parks’"):
        add_option(vote, "parks ", "", user)


def test_members_propose_only_while_proposals_are_open(db, partnership, user):
    vote = make_vote(partnership, user, DRAFT)
    amber = member(vote, user)
    with pytest.raises(PhaseError, match="can be proposed only while the vote is taking proposals"):
        proposals.propose_option(vote, amber, "Speed bumps")
    phases.open_proposals(vote, user)
    proposed = proposals.propose_option(vote, amber, "Speed bumps", "On Mill Lane")
    db.session.commit()
    assert proposed.origin == FROM_MEMBER
    assert proposed.proposed_by is amber
    assert proposed.supporters == [amber]


def test_a_member_supports_a_proposal_once(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS)
    parks = option(vote, "Parks")
    amber = member(vote, user)
    assert proposals.support_option(parks, amber) is True
    assert proposals.support_option(parks, amber) is False
    assert parks.supporters == [amber]


def test_a_facilitator_edits_a_proposal(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS)
    proposed = proposals.propose_option(vote, member(vote, user), "spedd bumps")
    edit_option(proposed, "Speed bumps", "Traffic calming on Mill Lane", user)
    assert (proposed.title, proposed.description) == ("Speed bumps", "Traffic calming on Mill Lane")
    with pytest.raises(PanelError, match="There is already an option called ‘Parks’"):
        edit_option(proposed, "PARKS", "", user)


def test_merging_moves_comments_and_supporters_and_notes_where_it_went(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS)
    amber, birch = member(vote, user), member(vote, user)
    parks = option(vote, "Parks")
    green = proposals.propose_option(vote, amber, "Green spaces")
    proposals.support_option(green, birch)
    proposals.support_option(parks, birch)
    comment = deliberation.add_comment(green, FOR, "We need somewhere to walk", member=birch)
    merge_options(green, parks, user)
    db.session.commit()
    assert green.status == MERGED
    assert green.merged_into is parks
    assert green.note == "Merged into ‘Parks’"
    assert green.supporters == []
    assert green.comments == []
    assert sorted(s.pseudonym for s in parks.supporters) == sorted(
        [amber.pseudonym, birch.pseudonym]
    )
    assert comment.option is parks
    assert parks.comments == [comment]
    assert green not in vote.active_options


def test_an_option_cannot_be_merged_into_itself(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS)
    parks = option(vote, "Parks")
    with pytest.raises(PanelError, match="Choose a different option"):
        merge_options(parks, parks, user)


def test_a_rejected_option_keeps_its_reason_and_leaves_the_ballot(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS)
    litter = option(vote, "Less litter")
    with pytest.raises(PanelError, match="Enter the reason for rejecting it"):
        reject_option(litter, "", user)
    reject_option(litter, "The council already funds a litter team", user)
    assert (litter.status, litter.note) == (REJECTED, "The council already funds a litter team")
    assert litter not in vote.active_options
    with pytest.raises(PanelError, match="‘Less litter’ is no longer an option"):
        edit_option(litter, "Litter", "", user)
    # Its title is free again.
    assert add_option(vote, "Less litter", "", user).status == ACTIVE


def test_options_are_fixed_in_deliberation(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    parks = option(vote, "Parks")
    with pytest.raises(PhaseError, match="Options can be edited only while the vote is in draft"):
        edit_option(parks, "Play parks", "", user)
    with pytest.raises(PhaseError, match="Options can be added only"):
        add_option(vote, "Potholes", "", user)
    with pytest.raises(PhaseError, match="Options can be merged only"):
        merge_options(parks, option(vote, "Less litter"), user)
    with pytest.raises(PhaseError, match="Options can be rejected only"):
        reject_option(parks, "No", user)
    # Members can still discuss them.
    deliberation.add_comment(parks, QUESTION, "Which parks?", member=member(vote, user))


def test_a_cancelled_code_cannot_propose(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS)
    amber = member(vote, user)
    codes.void_codes(vote, [amber.serial], user)
    with pytest.raises(PanelError, match="That code cannot take part in this vote"):
        proposals.propose_option(vote, amber, "Speed bumps")
