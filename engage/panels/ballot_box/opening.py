"""Opening the ballot box: the sealed ballots become counted ones, separated from the codes.

Like the inner envelopes of a postal vote, the sealed ballots are opened only after
voting has closed, all together, by the facilitator who knows the passphrase:

1. the private key is unlocked with the passphrase (a wrong one changes nothing);
2. every box is opened and the ballots shuffled (``sealing.open_boxes``);
3. the vote's opened set is written afresh: these ballots, any paper ones and any
   stored by a vote that started before ballots were sealed, each under a new random
   key and in the order of those keys, so the table's physical order follows nothing
   but chance; the old rows and the sealed boxes are deleted.

All of it happens in the caller's transaction: if anything fails, nothing is opened
and nothing is lost. Once it is committed, ``scrub.scrub_storage`` rewrites the
database's files so no deleted row or journal frame keeps the order of casting.
"""

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.panels.ballot_box import keys, sealing
from engage.panels.ballot_box.reading import sealed_count
from engage.panels.ballot_box.scrub import scrub_storage
from engage.panels.errors import PhaseError
from engage.panels.models import (
    CLOSED,
    Ballot,
    BallotRanking,
    BallotSeal,
    PriorityVote,
    SealedBallot,
    random_id,
)
from engage.panels.rules import require_phase
from engage.timeutil import utcnow


@dataclass(frozen=True)
class _Stored:
    receipt: str
    paper: bool
    ranking: tuple[int, ...]


def needs_passphrase(vote: PriorityVote) -> bool:
    """Whether counting the vote must first open sealed ballots."""
    return sealed_count(vote) > 0


def _opened(vote: PriorityVote, passphrase: str) -> list[_Stored]:
    seal = keys.seal_of(vote)
    boxes = list(
        db.session.scalars(sa.select(SealedBallot.box).where(SealedBallot.vote_id == vote.id))
    )
    if not boxes:
        return []
    if seal is None:
        raise PhaseError(
            "This vote has sealed ballots but no ballot key, so they cannot be opened."
        )
    try:
        opened = sealing.open_boxes(keys.locked_key(seal), passphrase, boxes)
    except sealing.WrongPassphrase:
        raise PhaseError(
            "That passphrase does not open this vote's ballot box. Type the passphrase "
            "chosen when voting started, exactly, including capitals and spaces."
        ) from None
    except sealing.DamagedBox:
        raise PhaseError(
            "A sealed ballot of this vote cannot be opened: the ballot box has been "
            "damaged. Nothing has been opened; restore the database from a backup."
        ) from None
    valid = {o.id for o in vote.active_options}
    if any(not b.ranking or not set(b.ranking) <= valid for b in opened):
        raise PhaseError(
            "A sealed ballot ranks an option that is not on this vote. Nothing has been "
            "opened; restore the database from a backup."
        )
    return [_Stored(b.receipt, False, b.ranking) for b in opened]


def _stored(vote: PriorityVote) -> list[_Stored]:
    ballots = db.session.scalars(
        sa.select(Ballot).where(Ballot.vote_id == vote.id).options(so.selectinload(Ballot.rankings))
    )
    return [_Stored(b.receipt, b.paper, tuple(r.option_id for r in b.rankings)) for b in ballots]


def open_box(vote: PriorityVote, passphrase: str | None) -> int:
    """Open the closed vote's sealed ballots and rewrite its opened set; returns how
    many were opened. Flushes; the caller commits, then scrubs the storage."""
    require_phase(vote, [CLOSED], "The ballot box can be opened")
    opened = _opened(vote, passphrase or "") if needs_passphrase(vote) else []
    ballots = opened + _stored(vote)
    repeated = [r for r, n in Counter(b.receipt for b in ballots).items() if n > 1]
    if repeated:
        raise PhaseError(
            f"Two ballots share the receipt {repeated[0]}, so the ballots cannot be published "
            "for checking. Nothing has been opened."
        )
    db.session.execute(sa.delete(Ballot).where(Ballot.vote_id == vote.id))
    db.session.execute(sa.delete(SealedBallot).where(SealedBallot.vote_id == vote.id))
    db.session.flush()
    # Fresh random keys, written in the order of those keys: the physical order of the
    # rows is the keys' order, which owes nothing to when or by whom a ballot was cast.
    keyed = sorted(((random_id(), b) for b in ballots), key=lambda pair: pair[0])
    if keyed:
        db.session.execute(
            sa.insert(Ballot),
            [
                {"id": key, "vote_id": vote.id, "receipt": b.receipt, "paper": b.paper}
                for key, b in keyed
            ],
        )
        db.session.execute(
            sa.insert(BallotRanking),
            [
                {"ballot_id": key, "rank": rank, "option_id": option_id}
                for key, b in keyed
                for rank, option_id in enumerate(b.ranking, 1)
            ],
        )
    seal = keys.seal_of(vote)
    if seal is not None:
        seal.opened_at = utcnow()
        seal.scrubbed_at = None
    db.session.flush()
    return len(opened)


def scrub_opened() -> int:
    """Rewrite the storage after ballot boxes were opened and mark them scrubbed; returns
    how many boxes were waiting. ``scrub.ScrubError`` if the storage was busy (they stay
    waiting, and ``flask panels scrub`` tries again)."""
    waiting = list(
        db.session.scalars(
            sa.select(BallotSeal).where(
                BallotSeal.opened_at.is_not(None), BallotSeal.scrubbed_at.is_(None)
            )
        )
    )
    db.session.commit()  # the scrub needs no transaction open on this connection
    scrub_storage(db.engine)
    for seal in waiting:
        seal.scrubbed_at = utcnow()
    db.session.commit()
    return len(waiting)
