"""What the members' pages need from the panel services, shaped for the templates.

``find_member`` finds a vote from a typed code alone: codes are per vote and
only their hashes are stored, so the card's code is looked up by hash among the
votes of this partnership's panels.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from engage import localtime
from engage.extensions import db
from engage.panels.ballot_box import codes
from engage.panels.errors import PanelError
from engage.panels.models import (
    QUESTION,
    STANCES,
    OptionComment,
    Panel,
    PriorityVote,
    VoteOption,
    VoterCode,
)
from engage.panels.process.deliberation import ShownAnswer, shown_comment
from engage.panels.process.evidence import evidence_text
from engage.panels.rules import check_window
from engage.partnership.models import Partnership


def find_member(partnership: Partnership, code: str | None) -> VoterCode | None:
    """The code (cancelled or not) of any of the partnership's votes, or None."""
    if not code or not codes.normalise(code):
        return None
    digest = codes.code_hash(code)
    found = db.session.scalar(
        sa.select(VoterCode)
        .join(PriorityVote, VoterCode.vote_id == PriorityVote.id)
        .join(Panel, PriorityVote.panel_id == Panel.id)
        .where(VoterCode.code_hash == digest, Panel.partnership_id == partnership.id)
    )
    # Found through a unique index; compare again in constant time, as codes.find_code does.
    if found is None or not secrets.compare_digest(found.code_hash, digest):
        return None
    return found


@dataclass(frozen=True)
class CommentView:
    """A comment or reply as members see it: a hidden one has no text, no author and
    no replies (they answered what is no longer shown), nor its official answer."""

    id: int
    author: str | None  # None for a facilitator's comment
    text: str
    hidden: bool
    created_at: datetime
    replies: tuple["CommentView", ...] = ()
    answer: ShownAnswer | None = None


def comment_view(row: OptionComment) -> CommentView:
    """The member's view of a comment, from ``shown_comment`` (which withholds hidden text);
    the row only says which author is a member."""
    shown = shown_comment(row)
    if shown.hidden:
        return CommentView(shown.id, None, shown.text, True, shown.created_at)
    author = row.voter_code.pseudonym if row.voter_code is not None else None
    return CommentView(
        shown.id,
        author,
        shown.text,
        False,
        shown.created_at,
        tuple(comment_view(reply) for reply in row.replies),
        shown.answer,
    )


@dataclass
class OptionView:
    option: VoteOption
    evidence: str | None
    # "for", "against", "question" → comments, in that order, oldest first.
    comments: dict[str, list[CommentView]] = field(default_factory=dict)
    supporters: int = 0
    supported: bool = False

    @property
    def comment_count(self) -> int:
        return sum(len(group) for group in self.comments.values())

    @property
    def threads(self) -> list[CommentView]:
        return [comment for group in self.comments.values() for comment in group]


def option_views(vote: PriorityVote, member: VoterCode) -> list[OptionView]:
    """The vote's options in ballot order, with evidence, support and grouped comments."""
    views = []
    for option in vote.active_options:
        view = OptionView(
            option,
            evidence_text(option),
            {stance: [] for stance in STANCES},
            len(option.supporters),
            member in option.supporters,
        )
        for row in option.comments:
            if row.parent_id is None:
                view.comments[row.stance].append(comment_view(row))
        # Answered questions first, so a member reads the answers before asking again.
        view.comments[QUESTION].sort(key=lambda c: c.answer is None)
        views.append(view)
    return views


def closing_time(vote: PriorityVote) -> str | None:
    """When voting closes, in the page's language: "18:00, 3 March 2026"."""
    if vote.closes_at is None:
        return None
    return localtime.when(vote.closes_at)


def voting_refusal(vote: PriorityVote, member: VoterCode) -> tuple[str, str] | None:
    """Why this member cannot vote now (a heading and a message), or None if they can."""
    if member.used:
        return _("You have already voted"), _(
            "This code has already been used to vote. Each code votes once."
        )
    try:
        check_window(vote)
    except PanelError as refusal:
        return _("You cannot vote now"), str(refusal)
    return None
