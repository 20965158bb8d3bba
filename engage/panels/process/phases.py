"""Moving a vote through its phases, each move checked first.

draft → proposals → deliberation → voting → closed → published. Before voting a
facilitator may step back one phase (to take more proposals, say); once voting
has started there is no way back, since ballots may already have been cast
against the options as they stood.
"""

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.ballot_box import keys
from engage.panels.errors import PhaseError
from engage.panels.models import (
    CLOSED,
    DELIBERATION,
    DRAFT,
    PHASES,
    PROPOSALS,
    PUBLISHED,
    STV,
    VOTING,
    PriorityVote,
    VoterCode,
)
from engage.panels.rules import aware, note, require_manager, require_phase, when
from engage.timeutil import utcnow

MIN_OPTIONS = 2


def open_proposals(vote: PriorityVote, user: User | None) -> None:
    """Draft → proposals: members may now propose options."""
    require_manager(user)
    require_phase(vote, [DRAFT], "Proposals can be opened")
    vote.phase = PROPOSALS
    db.session.flush()
    note("vote.open_proposals", user, vote)


def start_deliberation(vote: PriorityVote, user: User | None) -> None:
    """Proposals → deliberation: the options are fixed and members discuss them."""
    require_manager(user)
    require_phase(vote, [PROPOSALS], "Deliberation can start")
    _require_enough_options(vote)
    vote.phase = DELIBERATION
    db.session.flush()
    note("vote.start_deliberation", user, vote)


def _require_enough_options(vote: PriorityVote) -> None:
    count = len(vote.active_options)
    if count < MIN_OPTIONS:
        raise PhaseError(
            f"A vote needs at least {MIN_OPTIONS} options to choose between; this one has {count}."
        )
    if vote.method == STV and vote.seats >= count:
        raise PhaseError(
            f"Choosing {vote.seats} priorities needs more than {vote.seats} options; "
            f"this vote has {count}. Add options or choose fewer priorities."
        )


def start_voting(
    vote: PriorityVote, user: User | None, passphrase: str, now: datetime | None = None
) -> None:
    """Deliberation → voting. Ballots are taken only between opens_at and closes_at.

    The vote's ballot key is made now and locked under ``passphrase``, which the
    facilitator types again to count: without it the ballots cannot be opened.
    """
    require_manager(user)
    require_phase(vote, [DELIBERATION], "Voting can start")
    _require_enough_options(vote)
    if vote.opens_at is None or vote.closes_at is None:
        raise PhaseError("Set when voting opens and closes before starting the vote.")
    if aware(vote.closes_at) <= (now or utcnow()):
        raise PhaseError(
            f"Voting was set to close at {when(vote.closes_at)}, which has passed. "
            "Set a later closing time."
        )
    keys.lock_box(vote, passphrase)
    vote.phase = VOTING
    db.session.flush()
    note("vote.start_voting", user, vote)


def close_voting(
    vote: PriorityVote, user: User | None, now: datetime | None = None, early: bool = False
) -> None:
    """Voting → closed, fixing the count's random seed.

    Closing before ``closes_at`` needs ``early=True`` (the view asks first), as it
    stops members who were told they still had time.
    """
    require_manager(user)
    require_phase(vote, [VOTING], "Voting can be closed")
    now = now or utcnow()
    assert vote.closes_at is not None
    if now < aware(vote.closes_at) and not early:
        raise PhaseError(
            f"Voting is open until {when(vote.closes_at)}. Confirm that you want to close "
            "it early: members who have not voted yet will not be able to."
        )
    vote.phase = CLOSED
    vote.closed_at = now
    vote.count_seed = secrets.randbelow(2**31)
    _rewrite_codes(vote)
    db.session.flush()
    note("vote.close", user, vote, "closed early" if now < aware(vote.closes_at) else "")


def _rewrite_codes(vote: PriorityVote) -> None:
    # Each code was marked used in the same transaction that stored its sealed ballot, so
    # on PostgreSQL the two rows share a transaction id (xmin): harmless while the box is
    # sealed, but there is no reason to keep the pairing. Rewriting every code of the
    # vote in one statement gives them all the same new one.
    db.session.execute(
        sa.update(VoterCode)
        .where(VoterCode.vote_id == vote.id)
        .values(used=VoterCode.used)
        .execution_options(synchronize_session=False)
    )


def save_result(vote: PriorityVote, result: Mapping[str, Any], user: User | None) -> None:
    """Keep the count's JSON as it stands; what is published is this snapshot."""
    require_manager(user)
    require_phase(vote, [CLOSED], "The count can be saved")
    vote.result = dict(result)
    db.session.flush()
    note("vote.count", user, vote, f"seed {vote.count_seed}")


def publish_results(vote: PriorityVote, user: User | None, now: datetime | None = None) -> str:
    """Closed → published; returns the token of the public results link."""
    require_manager(user)
    require_phase(vote, [CLOSED], "Results can be published")
    if vote.result is None:
        raise PhaseError("Count the votes before publishing the results.")
    vote.phase = PUBLISHED
    vote.published_at = now or utcnow()
    vote.public_token = secrets.token_urlsafe(24)
    db.session.flush()
    note("vote.publish", user, vote)
    return vote.public_token


def step_back(vote: PriorityVote, user: User | None) -> str:
    """Return to the previous phase (proposals → draft, deliberation → proposals)."""
    require_manager(user)
    if vote.phase in (VOTING, CLOSED, PUBLISHED):
        raise PhaseError("Voting has started, so the vote cannot go back to an earlier phase.")
    if vote.phase == DRAFT:
        raise PhaseError("The vote is in draft, its first phase; there is nothing before it.")
    vote.phase = PHASES[PHASES.index(vote.phase) - 1]
    db.session.flush()
    note("vote.step_back", user, vote, f"back to {vote.phase}")
    return vote.phase
