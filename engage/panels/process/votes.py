"""Setting up panels and their votes. Functions flush; the view or command commits."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.errors import PanelError
from engage.panels.models import (
    DELIBERATION,
    DRAFT,
    IRV,
    METHODS,
    PROPOSALS,
    STV,
    Panel,
    PriorityVote,
)
from engage.panels.rules import clean, note, require_manager, require_phase
from engage.partnership.models import Area, Partnership

BEFORE_VOTING = (DRAFT, PROPOSALS, DELIBERATION)


@dataclass
class PanelFields:
    """What a facilitator types in for a panel; no area means the whole partnership."""

    name: str
    description: str = ""
    area: Area | None = None


@dataclass
class VoteFields:
    """What a facilitator types in for a vote."""

    title: str
    question: str
    method: str = IRV
    seats: int = 1


def _apply_panel(panel: Panel, partnership: Partnership, fields: PanelFields) -> None:
    if fields.area is not None and fields.area.partnership_id != partnership.id:
        raise PanelError("Choose one of the partnership’s wards, or the whole partnership.")
    name = clean(fields.name, "a name for the panel", 200)
    panel.description = clean(fields.description, "a description", 5000, required=False)
    panel.name, panel.area = name, fields.area


def create_panel(partnership: Partnership, fields: PanelFields, user: User | None) -> Panel:
    require_manager(user)
    panel = Panel(partnership_id=partnership.id, created_by_id=user.id if user else None)
    _apply_panel(panel, partnership, fields)
    db.session.add(panel)
    db.session.flush()
    note("panel.create", user, target=f"Panel {panel.id} ‘{panel.name}’")
    return panel


def update_panel(panel: Panel, fields: PanelFields, user: User | None) -> None:
    require_manager(user)
    _apply_panel(panel, panel.partnership, fields)
    db.session.flush()
    note("panel.update", user, target=f"Panel {panel.id} ‘{panel.name}’")


def panels_for(partnership: Partnership) -> list[Panel]:
    return list(
        db.session.scalars(
            sa.select(Panel).where(Panel.partnership_id == partnership.id).order_by(Panel.name)
        )
    )


def get_panel(partnership: Partnership, panel_id: int) -> Panel | None:
    return db.session.scalar(
        sa.select(Panel).where(Panel.id == panel_id, Panel.partnership_id == partnership.id)
    )


def get_vote(partnership: Partnership, vote_id: int) -> PriorityVote | None:
    """A vote of one of this partnership's panels (None for another partnership's)."""
    return db.session.scalar(
        sa.select(PriorityVote)
        .join(Panel, PriorityVote.panel_id == Panel.id)
        .where(PriorityVote.id == vote_id, Panel.partnership_id == partnership.id)
    )


def vote_by_public_token(token: str | None) -> PriorityVote | None:
    """A vote whose results are published under this link token."""
    if not token or not isinstance(token, str):
        return None
    return db.session.scalar(sa.select(PriorityVote).where(PriorityVote.public_token == token))


def check_method(method: str, seats: int) -> None:
    """IRV picks one priority; STV picks two or more."""
    if method not in METHODS:
        raise PanelError(f"Choose how the vote is counted: {' or '.join(METHODS)}.")
    if method == IRV and seats != 1:
        raise PanelError("A one-priority (irv) vote has exactly 1 seat; use stv for several.")
    if method == STV and seats < 2:
        raise PanelError("Choosing several priorities (stv) needs at least 2 seats; use irv for 1.")


def _apply_vote(vote: PriorityVote, fields: VoteFields) -> None:
    check_method(fields.method, fields.seats)
    title = clean(fields.title, "a title for the vote", 200)
    vote.question = clean(fields.question, "the question members are asked", 2000)
    vote.title, vote.method = title, fields.method
    vote.seats = fields.seats


def create_vote(panel: Panel, fields: VoteFields, user: User | None) -> PriorityVote:
    """A new vote in draft."""
    require_manager(user)
    vote = PriorityVote(phase=DRAFT, created_by_id=user.id if user else None)
    _apply_vote(vote, fields)
    vote.panel = panel
    db.session.add(vote)
    db.session.flush()
    note("vote.create", user, vote)
    return vote


def update_vote(vote: PriorityVote, fields: VoteFields, user: User | None) -> None:
    """Change the wording, method or seats: only until voting starts."""
    require_manager(user)
    require_phase(vote, BEFORE_VOTING, "The vote can be changed")
    _apply_vote(vote, fields)
    db.session.flush()
    note("vote.update", user, vote)


def set_window(
    vote: PriorityVote, opens_at: datetime, closes_at: datetime, user: User | None
) -> None:
    """When members can cast ballots; fixed once voting has started."""
    require_manager(user)
    require_phase(vote, BEFORE_VOTING, "The voting times can be changed")
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise PanelError("Give the voting times with their time zone.")
    if closes_at <= opens_at:
        raise PanelError("Voting must close after it opens.")
    vote.opens_at, vote.closes_at = opens_at, closes_at
    db.session.flush()
    note("vote.window", user, vote, f"{opens_at.isoformat()} to {closes_at.isoformat()}")
