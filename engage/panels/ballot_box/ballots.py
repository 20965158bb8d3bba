"""Checking and casting ranked ballots, keeping the vote secret.

``cast_ballot`` marks the member's code used with one conditional UPDATE
(``... WHERE used = false``) and stores the ballot in the same transaction: if
the UPDATE changed no row, someone already voted with the code and nothing is
stored; if storing the ballot fails, the caller's rollback un-uses the code.
Two submissions racing with one code therefore store exactly one ballot.

What is stored is the ballot sealed for the vote's public key (``sealing.seal``):
its receipt and ranking inside the box, padded to the vote's fixed size, and outside
only a random key. The database's bookkeeping may pair the code with the box; what
the box says comes out only when the facilitator opens the ballot box with the
passphrase (``opening``). A vote whose voting started before ballots were sealed has
no key, and stores its ballots as paper ones are stored, to be reshuffled at opening.

Nothing about casting is written to the audit trail or logged.
"""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from engage.extensions import db
from engage.panels.ballot_box import keys, sealing
from engage.panels.errors import BallotError, CodeError
from engage.panels.models import (
    Ballot,
    BallotRanking,
    PriorityVote,
    SealedBallot,
    VoteOption,
    VoterCode,
)
from engage.panels.rules import check_window

RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 10


@dataclass
class RankCheck:
    """A ballot as it will be stored: option ids, first preference first.

    ``warnings`` say what was changed (ranks closed up over a gap); the web layer
    shows them and asks the member to confirm before casting.
    """

    ranking: list[int]
    warnings: list[str] = field(default_factory=list)


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _names(options: list[VoteOption]) -> str:
    titles = [f"‘{o.title}’" for o in options]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _parse_rank(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rank = int(str(value).strip())
    except ValueError:
        rank = 0
    if rank < 1:
        raise BallotError("Ranks must be whole numbers: 1 for your first choice, 2 for your next.")
    return rank


def check_ranks(vote: PriorityVote, ranks: Mapping[int, object]) -> RankCheck:
    """Check a ballot form (option id → rank, blank for unranked).

    Refuses unknown options, repeated ranks (naming the options) and an empty
    ballot; closes up gaps (1, 2, 4 becomes 1, 2, 3) with a warning.
    """
    options = {o.id: o for o in vote.active_options}
    if any(option_id not in options for option_id in ranks):
        raise BallotError(
            "Your ballot includes an option that is not on this vote. "
            "Reload the page and rank the options shown."
        )
    given = {oid: rank for oid, value in ranks.items() if (rank := _parse_rank(value)) is not None}
    if not given:
        raise BallotError("Rank at least one option before casting your vote.")
    by_rank: dict[int, list[VoteOption]] = {}
    for option_id, rank in given.items():
        by_rank.setdefault(rank, []).append(options[option_id])
    repeated = [
        f"you gave {_ordinal(rank)} place to {_names(sorted(opts, key=lambda o: o.position))}"
        for rank, opts in sorted(by_rank.items())
        if len(opts) > 1
    ]
    if repeated:
        raise BallotError("Give each option a different rank: " + "; ".join(repeated) + ".")
    order = sorted(by_rank)
    ranking = [by_rank[rank][0].id for rank in order]
    warnings = []
    if order != list(range(1, len(order) + 1)):
        closed = ", ".join(
            f"{_ordinal(i)} ‘{options[oid].title}’" for i, oid in enumerate(ranking, 1)
        )
        warnings.append(
            f"Your ranks skipped a number, so they were closed up: {closed}. "
            "Check this is what you meant before casting your vote."
        )
    return RankCheck(ranking, warnings)


def check_ranking(vote: PriorityVote, ranking: Sequence[int]) -> list[int]:
    """Check an ordered list of option ids, as cast or entered from paper."""
    options = {o.id: o for o in vote.active_options}
    if not ranking:
        raise BallotError("Rank at least one option before casting your vote.")
    if any(option_id not in options for option_id in ranking):
        raise BallotError(
            "Your ballot includes an option that is not on this vote. "
            "Reload the page and rank the options shown."
        )
    repeated = [options[oid] for oid in dict.fromkeys(ranking) if ranking.count(oid) > 1]
    if repeated:
        raise BallotError(f"Rank each option only once: {_names(repeated)} appears more than once.")
    return list(ranking)


def store_ballot(vote: PriorityVote, ranking: Sequence[int], paper: bool = False) -> Ballot:
    """Add a checked ballot with a fresh receipt; flushes, the caller commits."""
    ballot = Ballot(vote_id=vote.id, receipt=new_receipt(), paper=paper)
    ballot.rankings = [
        BallotRanking(rank=rank, option_id=option_id) for rank, option_id in enumerate(ranking, 1)
    ]
    db.session.add(ballot)
    db.session.flush()
    return ballot


def consume_code(member: VoterCode) -> None:
    """Mark the code used, atomically; refuse if it was already used (or cancelled)."""
    result = db.session.execute(
        sa.update(VoterCode)
        .where(
            VoterCode.id == member.id,
            VoterCode.used.is_(False),
            VoterCode.voided.is_(False),
        )
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.expire(member)
        if member.voided:
            raise CodeError("That code has been cancelled. Ask the facilitator for a new card.")
        raise CodeError("This code has already been used to vote.")


def cast_ballot(
    vote: PriorityVote, member: VoterCode, ranking: Sequence[int], now: datetime | None = None
) -> str:
    """Cast a member's ballot; returns its receipt. The caller commits (or rolls back).

    ``ranking`` is the option ids in order of preference, as ``check_ranks`` gives.
    """
    check_window(vote, now)
    if member.vote_id != vote.id:
        raise CodeError("That code is not recognised for this vote. Check it against your card.")
    checked = check_ranking(vote, ranking)
    consume_code(member)
    seal = keys.seal_of(vote)
    if seal is None:
        return store_ballot(vote, checked).receipt
    receipt = new_receipt()
    box = sealing.seal(seal.public_key, receipt, checked, seal.plaintext_size)
    db.session.add(SealedBallot(vote_id=vote.id, box=box))
    db.session.flush()
    return receipt
