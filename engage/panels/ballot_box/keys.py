"""A vote's ballot key: made and locked when voting opens, read back to seal and to open.

The passphrase is the facilitator's to choose and to keep. Engage stores the key pair
only as ``sealing`` locks it, never writes the passphrase anywhere (not in the audit
trail, not in a log), and cannot open the ballots without it.
"""

from flask import current_app

from engage.extensions import db
from engage.panels.ballot_box import sealing
from engage.panels.errors import PhaseError
from engage.panels.models import BallotSeal, PriorityVote


def lock_box(vote: PriorityVote, passphrase: str) -> BallotSeal:
    """Make the vote's key pair, locked under ``passphrase``; flushes, the caller commits.

    Refuses a passphrase that is short or easy to guess, saying why.
    """
    problem = sealing.passphrase_problem(passphrase, [vote.title, vote.question, vote.panel.name])
    if problem:
        raise PhaseError(problem)
    if db.session.get(BallotSeal, vote.id) is not None:
        raise PhaseError("This vote already has a ballot key; it cannot be replaced.")
    cost = current_app.config.get("ENGAGE_BALLOT_KDF", "moderate")
    key = sealing.make_key(passphrase, cost)
    seal = BallotSeal(
        vote_id=vote.id,
        public_key=key.public_key,
        locked_key=key.locked,
        salt=key.salt,
        opslimit=key.opslimit,
        memlimit=key.memlimit,
        plaintext_size=sealing.plaintext_size(o.id for o in vote.active_options),
    )
    db.session.add(seal)
    db.session.flush()
    return seal


def seal_of(vote: PriorityVote) -> BallotSeal | None:
    """The vote's key, or None for a vote whose voting started before ballots were sealed."""
    return db.session.get(BallotSeal, vote.id)  # by key: once per session, not per cast


def locked_key(seal: BallotSeal) -> sealing.LockedKey:
    return sealing.LockedKey(
        seal.public_key, seal.locked_key, seal.salt, seal.opslimit, seal.memlimit
    )
