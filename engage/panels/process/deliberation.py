"""Comments on options: for, against, or a question; replies to them; and hiding them.

A hidden comment shows as "hidden" to everyone. Its text stays in the database
for the audit (who hid it and when are kept on the comment), but nothing here
hands it to a page: ``shown_comments`` gives ``shown_text`` only.

Replies go one level deep: a reply to a reply is stored under the comment at the
top of the thread, so every thread reads as one comment and the replies below it.
A hidden comment takes no new replies; the replies it already has stay in the
database and on the facilitators' pages (``shown_comments``), while members'
pages leave them out with it (``members.pages``).
"""

from dataclasses import dataclass
from datetime import datetime

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.models import (
    ACTIVE,
    DELIBERATION,
    PROPOSALS,
    REPLY,
    STANCES,
    CommentAnswer,
    OptionComment,
    VoteOption,
    VoterCode,
)
from engage.panels.rules import clean, note, require_manager, require_phase
from engage.timeutil import utcnow

MAX_COMMENT = 2000
# While members may write, they may reply.
DISCUSSING = (PROPOSALS, DELIBERATION)


@dataclass(frozen=True)
class ShownAnswer:
    """An official answer as a page may show it: the role that gave it, never who."""

    text: str
    role: str
    answered_at: datetime
    edited_at: datetime | None


@dataclass(frozen=True)
class ShownComment:
    """A comment as a page may show it, with its replies (oldest first) and answer."""

    id: int
    author: str
    stance: str
    text: str
    hidden: bool
    created_at: datetime
    by_member: bool = False
    replies: tuple["ShownComment", ...] = ()
    answer: ShownAnswer | None = None


def _check_author(option: VoteOption, member: VoterCode | None, user: User | None) -> None:
    if (member is None) == (user is None):
        raise ValueError("A comment has one author: a member's code or a staff user.")
    if member is not None and (member.vote_id != option.vote_id or member.voided):
        raise PanelError("That code cannot take part in this vote.")
    if user is not None:
        require_manager(user)
    require_phase(option.vote, DISCUSSING, "Comments can be added")
    if option.status != ACTIVE:
        raise PanelError(f"‘{option.title}’ is no longer an option, so it takes no comments.")


def add_comment(
    option: VoteOption,
    stance: str,
    text: str,
    member: VoterCode | None = None,
    user: User | None = None,
) -> OptionComment:
    """A comment by a member (under their pseudonym) or by a facilitator."""
    _check_author(option, member, user)
    if stance not in STANCES:
        raise PanelError("Say whether your comment is for, against, or a question.")
    comment = OptionComment(option=option, stance=stance)
    # A member's comment is recorded with no user and no pseudonym, only the option.
    action = "comment.add" if user is not None else "member.comment"
    detail = f"On ‘{option.title}’ ({stance})"
    return _store(comment, clean(text, "your comment", MAX_COMMENT), member, user, action, detail)


def _store(
    comment: OptionComment,
    text: str,
    member: VoterCode | None,
    user: User | None,
    action: str,
    detail: str,
) -> OptionComment:
    """Store a comment or reply by its one author, and note it on the trail."""
    comment.text, comment.voter_code, comment.user_id = text, member, user.id if user else None
    db.session.add(comment)
    db.session.flush()
    note(action, user, comment.option.vote, detail)
    return comment


def add_reply(
    comment: OptionComment,
    text: str,
    member: VoterCode | None = None,
    user: User | None = None,
) -> OptionComment:
    """A reply by a member or a facilitator, kept under the comment at the top of its thread."""
    top = comment.parent or comment
    _check_author(top.option, member, user)
    if top.hidden or comment.hidden:
        raise PanelError("That comment has been hidden, so it takes no replies.")
    reply = OptionComment(option=top.option, parent=top, stance=REPLY)
    # As with comments: a member's reply is recorded with no user and no pseudonym.
    action = "comment.reply" if user is not None else "member.reply"
    detail = f"On ‘{top.option.title}’, to comment {top.id}"
    return _store(reply, clean(text, "your reply", MAX_COMMENT), member, user, action, detail)


def hide_comment(comment: OptionComment, user: User | None) -> None:
    """Hide a comment or a reply from view, recording who hid it and when."""
    require_manager(user)
    assert user is not None
    if comment.hidden:
        raise PanelError("That comment is already hidden.")
    comment.hidden_at = utcnow()
    comment.hidden_by_id = user.id
    db.session.flush()
    note("comment.hide", user, comment.option.vote, f"comment {comment.id}")


def shown_answer(answer: CommentAnswer | None) -> ShownAnswer | None:
    if answer is None:
        return None
    role = answer.user.role if answer.user is not None else ""
    return ShownAnswer(answer.text, role, answer.answered_at, answer.edited_at)


def shown_comment(comment: OptionComment) -> ShownComment:
    """One comment with its replies, hidden text withheld at every level."""
    return ShownComment(
        comment.id,
        comment.author,
        comment.stance,
        comment.shown_text,
        comment.hidden,
        comment.created_at,
        by_member=comment.voter_code_id is not None,
        replies=tuple(shown_comment(r) for r in comment.replies),
        answer=shown_answer(comment.answer),
    )


def shown_comments(option: VoteOption) -> list[ShownComment]:
    """The option's threads, oldest first: each comment with its replies under it."""
    return [shown_comment(c) for c in option.comments if c.parent_id is None]
