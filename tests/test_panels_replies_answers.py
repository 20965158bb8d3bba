"""Deliberation that answers back: replies one level deep, official answers to members'
questions, what hiding does to both, and what the trail records."""

import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.panels.errors import PanelError, PhaseError
from engage.panels.models import (
    AGAINST,
    CLOSED,
    DELIBERATION,
    FOR,
    PROPOSALS,
    QUESTION,
    REPLY,
    VOTING,
    OptionComment,
)
from engage.panels.process import answers, deliberation
from tests import factories
from tests.panel_factories import facilitator, make_vote, member, option


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


@pytest.fixture
def vote(db, partnership, user):
    return make_vote(partnership, user, DELIBERATION)


def trail(db, prefix="panels."):
    rows = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
    return [(e.action, e.user_id, e.detail) for e in rows if e.action.startswith(prefix)]


def test_replies_show_under_their_comment_in_order(db, vote, user):
    amber, basil = member(vote, user), member(vote, user)
    parks = option(vote, "Parks")
    comment = deliberation.add_comment(parks, FOR, "More trees please", member=amber)
    deliberation.add_reply(comment, "Yes, and benches", member=basil)
    deliberation.add_reply(comment, "We will ask the council", user=user)
    db.session.commit()
    (thread,) = deliberation.shown_comments(parks)
    assert thread.text == "More trees please"
    assert [(r.author, r.stance, r.text) for r in thread.replies] == [
        (basil.pseudonym, REPLY, "Yes, and benches"),
        (user.name, REPLY, "We will ask the council"),
    ]


def test_a_reply_to_a_reply_joins_the_top_comment(db, vote, user):
    amber, basil = member(vote, user), member(vote, user)
    comment = deliberation.add_comment(option(vote, "Parks"), AGAINST, "Costly", member=amber)
    first = deliberation.add_reply(comment, "Not if volunteers help", member=basil)
    second = deliberation.add_reply(first, "Volunteers need tools", member=amber)
    db.session.commit()
    assert second.parent_id == comment.id
    assert [r.id for r in comment.replies] == [first.id, second.id]
    assert first.replies == []


@pytest.mark.parametrize(("text", "message"), [("  ", "Enter your reply"), ("x" * 2001, "2000")])
def test_a_reply_follows_the_comment_rules(db, vote, user, text, message):
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", member=member(vote, user))
    with pytest.raises(PanelError, match=message):
        deliberation.add_reply(comment, text, member=member(vote, user))


def test_replies_are_taken_only_while_members_discuss(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", member=member(vote, user))
    vote.phase = VOTING
    with pytest.raises(PhaseError, match="Comments can be added only"):
        deliberation.add_reply(comment, "Too late", member=member(vote, user))


def test_a_member_of_another_vote_cannot_reply(db, partnership, user, vote):
    other = make_vote(partnership, user, DELIBERATION)
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", member=member(vote, user))
    with pytest.raises(PanelError, match="cannot take part in this vote"):
        deliberation.add_reply(comment, "Hello", member=member(other, user))


def test_a_hidden_comment_takes_no_replies_and_keeps_its_replies_for_facilitators(db, vote, user):
    amber, basil = member(vote, user), member(vote, user)
    parks = option(vote, "Parks")
    comment = deliberation.add_comment(parks, AGAINST, "Something rude", member=amber)
    deliberation.add_reply(comment, "That is unkind", member=basil)
    deliberation.hide_comment(comment, user)
    with pytest.raises(PanelError, match="hidden, so it takes no replies"):
        deliberation.add_reply(comment, "Quite", member=basil)
    (thread,) = deliberation.shown_comments(parks)
    assert (thread.hidden, thread.text) == (True, "hidden")
    assert [r.text for r in thread.replies] == ["That is unkind"]


def test_a_hidden_reply_shows_as_hidden(db, vote, user):
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", member=member(vote, user))
    reply = deliberation.add_reply(comment, "Rude words", member=member(vote, user))
    deliberation.hide_comment(reply, user)
    (shown,) = deliberation.shown_comments(option(vote, "Parks"))[0].replies
    assert (shown.hidden, shown.text) == (True, "hidden")
    assert "Rude" not in repr(shown)


def test_a_facilitator_answers_a_members_question_and_can_reword_it(db, vote, user):
    question = deliberation.add_comment(
        option(vote, "Parks"), QUESTION, "Which parks?", member=member(vote, user)
    )
    assert answers.unanswered_questions(vote) == [question]
    answer = answers.answer_question(question, "All three in the ward.", user)
    db.session.commit()
    assert answers.unanswered_questions(vote) == []
    assert (answer.text, answer.user_id, answer.edited_at) == (
        "All three in the ward.",
        user.id,
        None,
    )
    admin = factories.make_user(vote.panel.partnership, "admin")
    answers.answer_question(question, "All three parks in North Ward.", admin)
    db.session.commit()
    (shown,) = deliberation.shown_comments(option(vote, "Parks"))
    assert shown.answer is not None
    assert (shown.answer.text, shown.answer.role) == ("All three parks in North Ward.", "admin")
    assert shown.answer.edited_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OptionComment)) == 1


def test_only_a_members_visible_question_can_be_answered(db, vote, user):
    parks = option(vote, "Parks")
    opinion = deliberation.add_comment(parks, FOR, "Yes", member=member(vote, user))
    own = deliberation.add_comment(parks, QUESTION, "Anyone?", user=user)
    hidden = deliberation.add_comment(parks, QUESTION, "Rude?", member=member(vote, user))
    deliberation.hide_comment(hidden, user)
    reply = deliberation.add_reply(opinion, "Why?", member=member(vote, user))
    for comment in (opinion, own, hidden, reply):
        with pytest.raises(PanelError, match="Only a member’s question that is not hidden"):
            answers.answer_question(comment, "An answer", user)
    assert answers.unanswered_questions(vote) == []


def test_answers_need_words_a_manager_and_an_open_vote(db, partnership, vote, user):
    question = deliberation.add_comment(
        option(vote, "Parks"), QUESTION, "Which parks?", member=member(vote, user)
    )
    with pytest.raises(PanelError, match="Enter the answer"):
        answers.answer_question(question, "   ", user)
    with pytest.raises(PanelError, match="Only facilitators and administrators"):
        answers.answer_question(question, "All", factories.make_user(partnership, "analyst"))
    answers.answer_question(question, "All", user)
    with pytest.raises(PanelError, match="The answer is unchanged"):
        answers.answer_question(question, " All ", user)
    vote.phase = CLOSED
    with pytest.raises(PhaseError, match="Questions can be answered only"):
        answers.answer_question(question, "Every park", user)


def test_the_trail_records_replies_and_answers_but_never_which_member(db, vote, user):
    amber, basil = member(vote, user), member(vote, user)
    parks = option(vote, "Parks")
    question = deliberation.add_comment(parks, QUESTION, "Which parks?", member=amber)
    deliberation.add_reply(question, "Good question", member=basil)
    deliberation.add_reply(question, "We are finding out", user=user)
    answers.answer_question(question, "All three.", user)
    answers.answer_question(question, "All three parks.", user)
    db.session.commit()
    recorded = trail(db, "panels.")[-5:]
    where = f"On ‘Parks’, to comment {question.id}"
    assert recorded == [
        ("panels.member.comment", None, "On ‘Parks’ (question)"),
        ("panels.member.reply", None, where),
        ("panels.comment.reply", user.id, where),
        ("panels.comment.answer", user.id, where),
        ("panels.comment.answer_edit", user.id, where),
    ]
    everything = repr(db.session.scalars(sa.select(AuditEntry)).all()) + "".join(
        e.detail + e.target for e in db.session.scalars(sa.select(AuditEntry))
    )
    assert amber.pseudonym not in everything and basil.pseudonym not in everything


def test_proposals_take_replies_too(db, partnership, user):
    vote = make_vote(partnership, user, PROPOSALS)
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", member=member(vote, user))
    assert deliberation.add_reply(comment, "Agreed", member=member(vote, user)).parent_id
