"""Citizens' panels, their priority votes, options, comments, voter codes and ballots.

Ballot secrecy is built into the schema, not left to the code that uses it. It works
like a double envelope:

- While voting is open a ballot is stored only as a ``SealedBallot``: a libsodium
  sealed box for the vote's public key (``BallotSeal``), whose private key is kept
  locked under the facilitator's passphrase. Casting marks the ``VoterCode`` used in
  the same transaction, so the database's bookkeeping (the SQLite WAL, PostgreSQL's
  xmin) can pair a code with a box, but never with what the box says.
- Counting opens the boxes (``ballot_box.opening``): it shuffles them, writes each as a
  ``Ballot`` with a fresh random key, in the order of those keys, deletes the sealed
  boxes and then rewrites the storage (``ballot_box.scrub``), so nothing of the order,
  time or transaction a ballot was cast in is left beside the opened set.
- ``Ballot`` has a random text id, no timestamp and no reference to the ``VoterCode``
  that cast it; its rankings refer only to the ballot and options. ``VoterCode``
  records only whether it has been used, never when or for what. On SQLite the ballot
  tables are ``WITHOUT ROWID``, so no hidden row number counts them in.
- A member's browser holds a random handle (``MemberHandle``), not the code.
"""

import secrets
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import Model, db
from engage.partnership.models import Area, Partnership
from engage.timeutil import utcnow

IRV = "irv"
STV = "stv"
METHODS = {
    IRV: "One priority (instant run-off)",
    STV: "Several priorities (single transferable vote)",
}

DRAFT = "draft"
PROPOSALS = "proposals"
DELIBERATION = "deliberation"
VOTING = "voting"
CLOSED = "closed"
PUBLISHED = "published"
PHASES = (DRAFT, PROPOSALS, DELIBERATION, VOTING, CLOSED, PUBLISHED)
PHASE_LABELS = {
    DRAFT: "Draft",
    PROPOSALS: "Taking proposals",
    DELIBERATION: "Deliberation",
    VOTING: "Voting",
    CLOSED: "Voting closed",
    PUBLISHED: "Results published",
}

# What became of an option.
ACTIVE = "active"
MERGED = "merged"
REJECTED = "rejected"
# Where an option came from.
FROM_FACILITATOR = "facilitator"
FROM_MEMBER = "member"
FROM_EVIDENCE = "evidence"

FOR = "for"
AGAINST = "against"
QUESTION = "question"
STANCES = {FOR: "For", AGAINST: "Against", QUESTION: "Question"}
# A reply takes no side: it answers the comment above it.
REPLY = "reply"
HIDDEN_TEXT = "hidden"

option_supporter = sa.Table(
    "option_supporter",
    db.metadata,
    sa.Column("option_id", sa.ForeignKey("vote_option.id"), primary_key=True),
    sa.Column("voter_code_id", sa.ForeignKey("voter_code.id"), primary_key=True),
)


def random_id() -> str:
    """128 random bits: a key that says nothing about when its row was stored."""
    return secrets.token_hex(16)


class Panel(Model):
    """A standing group of residents for a ward, or for the whole partnership."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # None: the panel covers the whole partnership.
    area_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("area.id"))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The last day (in the partnership's time zone) a digest of the discussion was sent
    # through: the next digest starts the day after.
    digest_through: so.Mapped[date | None]

    partnership: so.Mapped[Partnership] = so.relationship()
    area: so.Mapped[Area | None] = so.relationship()
    votes: so.Mapped[list["PriorityVote"]] = so.relationship(
        back_populates="panel", order_by="PriorityVote.id"
    )


class PriorityVote(Model):
    """A question put to a panel, answered by ranking options (IRV for one, STV for several)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("panel.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    question: so.Mapped[str] = so.mapped_column(sa.Text)
    method: so.Mapped[str] = so.mapped_column(sa.String(10), default=IRV)
    seats: so.Mapped[int] = so.mapped_column(default=1)
    phase: so.Mapped[str] = so.mapped_column(sa.String(20), default=DRAFT)
    opens_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    closes_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # Fixed when voting closes, so anyone can repeat the count and its tie-breaks.
    count_seed: so.Mapped[int | None]
    # The count's JSON, as it stood when it was saved; published as it is.
    result: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    # How imported paper ballots with blank ranks, overvotes or repeated options are
    # read (engage.counting.rules.BallotRules.to_dict()); None: such a ballot is refused.
    paper_rules: so.Mapped[dict | None] = so.mapped_column(sa.JSON)
    public_token: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    published_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    panel: so.Mapped[Panel] = so.relationship(back_populates="votes")
    options: so.Mapped[list["VoteOption"]] = so.relationship(
        back_populates="vote", order_by="VoteOption.position"
    )

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS.get(self.phase, self.phase)

    @property
    def active_options(self) -> list["VoteOption"]:
        return [o for o in self.options if o.status == ACTIVE]


class VoterCode(Model):
    """One member's single-use code. Only its SHA-256 hash is stored.

    ``used`` is the whole record of voting: no time, and no link to the ballot.
    """

    __table_args__ = (
        sa.UniqueConstraint("vote_id", "serial"),
        sa.UniqueConstraint("vote_id", "pseudonym"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_vote.id"), index=True)
    # Printed on the card, so a lost card can be cancelled without knowing its code.
    serial: so.Mapped[int]
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # The name the member takes part under in proposals and deliberation.
    pseudonym: so.Mapped[str] = so.mapped_column(sa.String(80))
    used: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    voided: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    vote: so.Mapped[PriorityVote] = so.relationship()


class VoteOption(Model):
    """Something members can rank: proposed by a member, added by a facilitator, or
    taken from survey evidence (whose figures are kept, already suppressed)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_vote.id"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    position: so.Mapped[int] = so.mapped_column(default=0)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=ACTIVE)
    origin: so.Mapped[str] = so.mapped_column(sa.String(20), default=FROM_FACILITATOR)
    proposed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("voter_code.id"))
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("vote_option.id"))
    # Why it left the ballot: "Merged into ‘Parks’", or the reason it was rejected.
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    evidence_question: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    # None when the count was below k: then it shows as "<k" and has no percentage.
    evidence_count: so.Mapped[int | None]
    evidence_suppressed: so.Mapped[bool] = so.mapped_column(
        default=False, server_default=sa.false()
    )
    evidence_percent: so.Mapped[float | None]
    evidence_k: so.Mapped[int | None]
    evidence_filter: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    vote: so.Mapped[PriorityVote] = so.relationship(back_populates="options")
    proposed_by: so.Mapped[VoterCode | None] = so.relationship()
    merged_into: so.Mapped["VoteOption | None"] = so.relationship(remote_side=[id])
    supporters: so.Mapped[list[VoterCode]] = so.relationship(
        secondary=option_supporter, order_by=VoterCode.pseudonym
    )
    comments: so.Mapped[list["OptionComment"]] = so.relationship(
        back_populates="option", order_by="OptionComment.id"
    )

    @property
    def evidence_shown(self) -> str | None:
        """The evidence count as it may be shown: "23", or "<10" for a small one."""
        if self.evidence_question is None:
            return None
        if self.evidence_suppressed:
            return f"<{self.evidence_k}"
        return str(self.evidence_count)


class OptionComment(Model):
    """A member's (or facilitator's) comment for, against or asking about an option, or
    a reply to one (``parent``; replies go one level deep and take the stance ``reply``).

    A hidden comment keeps its text for the audit; ``shown_text`` never returns it.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    option_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("vote_option.id"), index=True)
    parent_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("option_comment.id"), index=True
    )
    voter_code_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("voter_code.id"))
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    stance: so.Mapped[str] = so.mapped_column(sa.String(20))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    hidden_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    hidden_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))

    option: so.Mapped[VoteOption] = so.relationship(back_populates="comments")
    voter_code: so.Mapped[VoterCode | None] = so.relationship()
    user: so.Mapped[User | None] = so.relationship(foreign_keys=[user_id])
    hidden_by: so.Mapped[User | None] = so.relationship(foreign_keys=[hidden_by_id])
    parent: so.Mapped["OptionComment | None"] = so.relationship(
        remote_side=[id], back_populates="replies"
    )
    replies: so.Mapped[list["OptionComment"]] = so.relationship(
        back_populates="parent", order_by="OptionComment.id"
    )
    answer: so.Mapped["CommentAnswer | None"] = so.relationship(back_populates="comment")

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def shown_text(self) -> str:
        return HIDDEN_TEXT if self.hidden else self.text

    @property
    def author(self) -> str:
        if self.voter_code is not None:
            return self.voter_code.pseudonym
        return self.user.name if self.user is not None else "Facilitator"


class CommentAnswer(Model):
    """A facilitator's official answer to a member's question: one per question, which
    any facilitator or administrator may reword (``user`` is whoever wrote it last)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    comment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("option_comment.id"), unique=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id"))
    answered_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # None until the answer is reworded.
    edited_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))

    comment: so.Mapped[OptionComment] = so.relationship(back_populates="answer")
    user: so.Mapped[User | None] = so.relationship()

    @property
    def changed_at(self) -> datetime:
        """When the answer took its present wording."""
        return self.edited_at or self.answered_at


class Ballot(Model):
    """One cast ballot. Deliberately nothing here says who cast it or when."""

    __table_args__ = (sa.UniqueConstraint("vote_id", "receipt"), {"sqlite_with_rowid": False})

    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True, default=random_id)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_vote.id"), index=True)
    # Random, shown to the member and published with the ballots so they can check theirs.
    receipt: so.Mapped[str] = so.mapped_column(sa.String(20))
    # Entered by a facilitator from a paper ballot.
    paper: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    rankings: so.Mapped[list["BallotRanking"]] = so.relationship(
        order_by="BallotRanking.rank", cascade="all, delete-orphan"
    )


class BallotRanking(Model):
    """One option's place on a ballot: 1 is the first preference."""

    __table_args__ = (
        sa.UniqueConstraint("ballot_id", "option_id"),
        {"sqlite_with_rowid": False},
    )

    ballot_id: so.Mapped[str] = so.mapped_column(
        sa.String(32), sa.ForeignKey("ballot.id", ondelete="CASCADE"), primary_key=True
    )
    rank: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    option_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("vote_option.id"), index=True)

    option: so.Mapped[VoteOption] = so.relationship()


class BallotSeal(Model):
    """A vote's key pair: made when voting opens, the private key locked by a passphrase.

    Without the passphrase the sealed ballots cannot be opened, by anyone: Engage keeps
    no other copy of the key.
    """

    vote_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("priority_vote.id"), primary_key=True, autoincrement=False
    )
    public_key: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(32))
    locked_key: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(128))
    salt: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(16))
    opslimit: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    memlimit: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    # Every plaintext of the vote is padded to this many bytes before sealing.
    plaintext_size: so.Mapped[int]
    opened_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # When the storage was last rewritten after opening; None while that is still to do.
    scrubbed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))


class SealedBallot(Model):
    """A cast ballot in its envelope: only the sealed box, with a random key."""

    __table_args__ = ({"sqlite_with_rowid": False},)

    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True, default=random_id)
    vote_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("priority_vote.id"), index=True)
    box: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)


class MemberHandle(Model):
    """What a member's browser holds instead of their code: a random handle, stored here
    only as its hash, standing for one voter code until the member signs out."""

    handle_hash: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    voter_code_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("voter_code.id", ondelete="CASCADE"), index=True
    )

    voter_code: so.Mapped[VoterCode] = so.relationship()
