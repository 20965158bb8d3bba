"""Comments on options: for, against, or a question; and hiding them.

A hidden comment shows as "hidden" to everyone. Its text stays in the database
for the audit (who hid it and when are kept on the comment), but nothing here
hands it to a page: ``shown_comments`` gives ``shown_text`` only.
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
    STANCES,
    OptionComment,
    VoteOption,
    VoterCode,
)
from engage.panels.rules import clean, note, require_manager, require_phase
from engage.timeutil import utcnow

MAX_COMMENT = 2000


@dataclass(frozen=True)
class ShownComment:
    """A comment as a page may show it."""

    id: int
    author: str
    stance: str
    text: str
    hidden: bool
    created_at: datetime


def add_comment(
    option: VoteOption,
    stance: str,
    text: str,
    member: VoterCode | None = None,
    user: User | None = None,
) -> OptionComment:
    """A comment by a member (under their pseudonym) or by a facilitator."""
    if (member is None) == (user is None):
        raise ValueError("A comment has one author: a member's code or a staff user.")
    if member is not None and (member.vote_id != option.vote_id or member.voided):
        raise PanelError("That code cannot take part in this vote.")
    if user is not None:
        require_manager(user)
    require_phase(option.vote, (PROPOSALS, DELIBERATION), "Comments can be added")
    if option.status != ACTIVE:
        raise PanelError(f"‘{option.title}’ is no longer an option, so it takes no comments.")
    if stance not in STANCES:
        raise PanelError("Say whether your comment is for, against, or a question.")
    comment = OptionComment(
        option=option,
        stance=stance,
        text=clean(text, "your comment", MAX_COMMENT),
        voter_code=member,
        user_id=user.id if user else None,
    )
    db.session.add(comment)
    db.session.flush()
    # A member's comment is recorded with no user and no pseudonym, only the option.
    action = "comment.add" if user is not None else "member.comment"
    note(action, user, option.vote, f"On ‘{option.title}’ ({stance})")
    return comment


def hide_comment(comment: OptionComment, user: User | None) -> None:
    """Hide a comment from view, recording who hid it and when."""
    require_manager(user)
    assert user is not None
    if comment.hidden:
        raise PanelError("That comment is already hidden.")
    comment.hidden_at = utcnow()
    comment.hidden_by_id = user.id
    db.session.flush()
    note("comment.hide", user, comment.option.vote, f"comment {comment.id}")


def shown_comments(option: VoteOption) -> list[ShownComment]:
    """The option's comments, oldest first, with hidden ones' text withheld."""
    return [
        ShownComment(c.id, c.author, c.stance, c.shown_text, c.hidden, c.created_at)
        for c in option.comments
    ]
