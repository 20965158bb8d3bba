"""Official answers: a facilitator answers a member's question on an option.

One answer per question, shown on the option marked as official, with the role of
whoever wrote it (never their name or email). Any facilitator or administrator may
reword it; the trail records each answer and each change. Answers are given while
members can still read and act on them: from proposals until voting closes.
"""

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.models import (
    DELIBERATION,
    PROPOSALS,
    QUESTION,
    VOTING,
    CommentAnswer,
    OptionComment,
    PriorityVote,
)
from engage.panels.rules import clean, note, require_manager, require_phase
from engage.timeutil import utcnow

MAX_ANSWER = 2000
ANSWERING = (PROPOSALS, DELIBERATION, VOTING)


def answerable(comment: OptionComment) -> bool:
    """A member's question, at the top of its thread and not hidden."""
    return (
        comment.stance == QUESTION
        and comment.parent_id is None
        and comment.voter_code_id is not None
        and not comment.hidden
    )


def answer_question(comment: OptionComment, text: str, user: User | None) -> CommentAnswer:
    """Give the official answer to a member's question, or reword the one it has."""
    require_manager(user)
    assert user is not None
    vote = comment.option.vote
    require_phase(vote, ANSWERING, "Questions can be answered")
    if not answerable(comment):
        raise PanelError("Only a member’s question that is not hidden can have an official answer.")
    wording = clean(text, "the answer", MAX_ANSWER)
    answer = comment.answer
    if answer is None:
        answer = CommentAnswer(comment=comment, text=wording, user_id=user.id)
        db.session.add(answer)
        action = "comment.answer"
    elif answer.text == wording:
        raise PanelError("The answer is unchanged. Change the wording, or go back.")
    else:
        answer.text, answer.user_id, answer.edited_at = wording, user.id, utcnow()
        action = "comment.answer_edit"
    db.session.flush()
    db.session.refresh(answer, ["user"])
    note(action, user, vote, f"On ‘{comment.option.title}’, to comment {comment.id}")
    return answer


def unanswered_questions(vote: PriorityVote) -> list[OptionComment]:
    """Members' questions still waiting for an answer, option by option, oldest first."""
    return [
        comment
        for option in vote.active_options
        for comment in option.comments
        if answerable(comment) and comment.answer is None
    ]
