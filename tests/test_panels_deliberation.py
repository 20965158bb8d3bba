"""Deliberation: members comment for, against or with a question; facilitators hide comments."""

import pytest
import sqlalchemy as sa

from engage.panels.errors import PanelError, PhaseError
from engage.panels.models import AGAINST, DELIBERATION, DRAFT, FOR, QUESTION, VOTING, OptionComment
from engage.panels.process import deliberation
from tests import factories
from tests.panel_factories import facilitator, make_vote, member, option


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


def test_members_comment_under_their_pseudonym(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    amber = member(vote, user)
    parks = option(vote, "Parks")
    for stance, text in [(FOR, "Children need it"), (AGAINST, "Costly"), (QUESTION, "Which?")]:
        deliberation.add_comment(parks, stance, text, member=amber)
    db.session.commit()
    shown = deliberation.shown_comments(parks)
    assert [(c.author, c.stance, c.text) for c in shown] == [
        (amber.pseudonym, FOR, "Children need it"),
        (amber.pseudonym, AGAINST, "Costly"),
        (amber.pseudonym, QUESTION, "Which?"),
    ]


def test_a_comment_must_say_for_against_or_question(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    with pytest.raises(PanelError, match="for, against, or a question"):
        deliberation.add_comment(option(vote, "Parks"), "maybe", "Hmm", member=member(vote, user))


def test_an_empty_comment_is_refused(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    with pytest.raises(PanelError, match="Enter your comment"):
        deliberation.add_comment(option(vote, "Parks"), FOR, "   ", member=member(vote, user))


@pytest.mark.parametrize("phase", [DRAFT, VOTING])
def test_comments_are_taken_only_in_proposals_and_deliberation(db, partnership, user, phase):
    vote = make_vote(partnership, user, phase)
    with pytest.raises(PhaseError, match="Comments can be added only while the vote is taking"):
        deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", member=member(vote, user))


def test_a_hidden_comment_shows_as_hidden_and_keeps_who_hid_it(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    parks = option(vote, "Parks")
    comment = deliberation.add_comment(parks, AGAINST, "Something rude", member=member(vote, user))
    deliberation.hide_comment(comment, user)
    db.session.commit()
    (shown,) = deliberation.shown_comments(parks)
    assert shown.hidden is True
    assert shown.text == "hidden"
    assert "rude" not in repr(shown)
    stored = db.session.scalar(sa.select(OptionComment).where(OptionComment.id == comment.id))
    assert stored.text == "Something rude"  # kept for the audit
    assert stored.hidden_by_id == user.id
    assert stored.hidden_at is not None
    with pytest.raises(PanelError, match="already hidden"):
        deliberation.hide_comment(comment, user)


def test_only_staff_who_manage_panels_can_hide_comments(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", member=member(vote, user))
    analyst = factories.make_user(partnership, "analyst")
    with pytest.raises(PanelError, match="Only facilitators and administrators"):
        deliberation.hide_comment(comment, analyst)
    assert not comment.hidden


def test_a_facilitator_can_answer_a_question(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    parks = option(vote, "Parks")
    deliberation.add_comment(parks, QUESTION, "All parks in the ward", user=user)
    assert deliberation.shown_comments(parks)[0].author == "Facilitator"
