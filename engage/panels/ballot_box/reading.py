"""A closed vote's ballots, read back for the count and for publishing.

Ballots are always read ordered by receipt, which is random, so no list ever
shows them in the order they were cast. They are not shown at all while voting
is open (a running tally could sway the members still to vote), nor while any is
still sealed.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.panels.errors import PhaseError
from engage.panels.models import (
    CLOSED,
    PUBLISHED,
    Ballot,
    BallotRanking,
    PriorityVote,
    SealedBallot,
)
from engage.panels.rules import require_phase


@dataclass(frozen=True)
class AnonymisedBallot:
    """One ballot as published: its receipt, whether it was on paper, and its ranking."""

    receipt: str
    paper: bool
    ranking: tuple[str, ...]


@dataclass(frozen=True)
class CountInput:
    """What the counting engine needs: the options (by title) and ranked ballots.

    ``ballots`` holds (ranking of titles, weight, receipt) tuples, every weight 1,
    in the order of ``engage.counting.ballots.Ballot``'s fields.
    """

    title: str
    method: str
    seats: int
    seed: int
    candidates: list[str]
    ballots: list[tuple[tuple[str, ...], int, str]]
    withdrawn: list[str] = field(default_factory=list)


def receipt_form(text: str) -> str:
    """A receipt as typed ("abcde fghjk") in its stored form ("ABCDE-FGHJK")."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:5]}-{raw[5:]}"


def _require_closed(vote: PriorityVote) -> None:
    require_phase(vote, (CLOSED, PUBLISHED), "Ballots can be read")
    if sealed_count(vote):
        raise PhaseError(
            "The ballots are still sealed. Count the votes with the passphrase to open them."
        )


def sealed_count(vote: PriorityVote) -> int:
    """How many ballots of the vote are still sealed."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(SealedBallot)
            .where(SealedBallot.vote_id == vote.id)
        )
        or 0
    )


def anonymised_ballots(vote: PriorityVote) -> list[AnonymisedBallot]:
    """Every ballot of a closed vote, ordered by receipt (for downloads and checking)."""
    _require_closed(vote)
    ballots = db.session.scalars(
        sa.select(Ballot)
        .where(Ballot.vote_id == vote.id)
        .options(so.selectinload(Ballot.rankings).joinedload(BallotRanking.option))
        .order_by(Ballot.receipt)
    )
    return [
        AnonymisedBallot(b.receipt, b.paper, tuple(r.option.title for r in b.rankings))
        for b in ballots
    ]


def find_receipt(vote: PriorityVote, receipt: str) -> AnonymisedBallot | None:
    """A member checking their ballot was counted, by the receipt they were given."""
    _require_closed(vote)
    ballot = db.session.scalar(
        sa.select(Ballot).where(Ballot.vote_id == vote.id, Ballot.receipt == receipt_form(receipt))
    )
    if ballot is None:
        return None
    return AnonymisedBallot(
        ballot.receipt, ballot.paper, tuple(r.option.title for r in ballot.rankings)
    )


def ballot_count(vote: PriorityVote) -> int:
    """How many ballots are stored, sealed or opened (turnout is safe to show while voting)."""
    opened = db.session.scalar(sa.select(sa.func.count()).where(Ballot.vote_id == vote.id)) or 0
    return opened + sealed_count(vote)


def count_input(vote: PriorityVote) -> CountInput:
    """A closed vote's ballots as the counting engine takes them."""
    if vote.phase not in (CLOSED, PUBLISHED) or vote.count_seed is None:
        raise PhaseError("The votes can be counted once voting has closed.")
    return CountInput(
        title=vote.title,
        method=vote.method,
        seats=vote.seats,
        seed=vote.count_seed,
        candidates=[o.title for o in vote.active_options],
        ballots=[(b.ranking, 1, b.receipt) for b in anonymised_ballots(vote)],
    )
