"""Checks every panel service shares: who may manage, which phase allows what, the trail."""

from collections.abc import Iterable
from datetime import UTC, datetime

from engage import localtime
from engage.accounts.models import ADMIN, FACILITATOR, User
from engage.audit import services as audit
from engage.panels.errors import PanelError, PhaseError
from engage.panels.models import (
    CLOSED,
    DELIBERATION,
    DRAFT,
    PROPOSALS,
    PUBLISHED,
    VOTING,
    PriorityVote,
)
from engage.timeutil import utcnow

# The roles that run panels; the web layer's role_required uses the same tuple.
MANAGERS = (ADMIN, FACILITATOR)
# How each phase reads in a sentence: "while the vote is in deliberation".
STATES = {
    DRAFT: "in draft",
    PROPOSALS: "taking proposals",
    DELIBERATION: "in deliberation",
    VOTING: "open for voting",
    CLOSED: "closed",
    PUBLISHED: "published",
}


def require_manager(user: User | None) -> User:
    """The facilitator or admin making a change; anyone else is refused."""
    if user is None or user.role not in MANAGERS:
        raise PanelError("Only facilitators and administrators can manage panels.")
    return user


def require_phase(vote: PriorityVote, phases: Iterable[str], doing: str) -> None:
    """Refuse ``doing`` (e.g. "Options can be added") outside the given phases."""
    allowed = tuple(phases)
    if vote.phase in allowed:
        return
    names = " or ".join(STATES[p] for p in allowed)
    raise PhaseError(f"{doing} only while the vote is {names}; it is now {STATES[vote.phase]}.")


def clean(text: str | None, what: str, limit: int, required: bool = True) -> str:
    """Trimmed text within its length limit, or a message naming the field."""
    value = (text or "").strip()
    if required and not value:
        raise PanelError(f"Enter {what}.")
    if len(value) > limit:
        raise PanelError(f"{what[0].upper()}{what[1:]} must be {limit} characters or fewer.")
    return value


def aware(moment: datetime) -> datetime:
    """A stored time as UTC (SQLite hands timezone-aware columns back without their zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(moment: datetime) -> str:
    """A time in a message, as every page shows one: "18:00, 3 March 2026" in the
    partnership's time zone."""
    return localtime.when(moment)


def note(
    action: str,
    user: User | None,
    vote: PriorityVote | None = None,
    detail: str = "",
    target: str = "",
) -> None:
    """Add a change to a panel to the audit trail (never anything about a ballot, nor
    which member did it: a member's action is recorded with no user)."""
    if vote is not None:
        target = f"Vote {vote.id} ‘{vote.title}’"
    audit.record(audit.PANEL, f"panels.{action}", user, detail=detail, target=target)


def title_key(title: str) -> str:
    """How titles are compared: trimmed, single-spaced, ignoring case."""
    return " ".join(title.split()).casefold()


def check_window(vote: PriorityVote, now: datetime | None = None) -> None:
    """Refuse a ballot outside the voting phase or its open window."""
    now = now or utcnow()
    if vote.phase in (DRAFT, PROPOSALS, DELIBERATION):
        raise PhaseError("Voting has not started yet. Your vote has not been recorded.")
    if vote.phase != VOTING or (vote.closes_at and now >= aware(vote.closes_at)):
        closed = f" at {when(vote.closes_at)}" if vote.closes_at else ""
        raise PhaseError(f"Voting closed{closed}. Your vote has not been recorded.")
    if vote.opens_at and now < aware(vote.opens_at):
        raise PhaseError(f"Voting opens at {when(vote.opens_at)}. Your vote has not been recorded.")
