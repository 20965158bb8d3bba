"""Which voter code this browser is using for a vote: a random handle in the session.

A member types the code from their card (or scans its QR code) once per vote. The
session cookie is signed, not encrypted, so it must not hold the code: it holds a
random handle, and the server keeps only the handle's hash beside the code it stands
for (``MemberHandle``). Every member page finds the member with ``current_member``;
signing out deletes the handle, so a copied cookie stops working too.
"""

import hashlib
import secrets

import sqlalchemy as sa
from flask import session

from engage.extensions import db
from engage.panels.models import MemberHandle, PriorityVote, VoterCode

SESSION_KEY = "panel_members"


def _digest(handle: str) -> str:
    return hashlib.sha256(handle.encode("ascii", "replace")).hexdigest()


def remember_member(member: VoterCode) -> None:
    """Sign this browser in as ``member`` (a code ``codes.member_for_code`` accepted).
    Commits the handle."""
    handle = secrets.token_urlsafe(32)
    db.session.add(MemberHandle(handle_hash=_digest(handle), voter_code_id=member.id))
    db.session.commit()
    handles = dict(session.get(SESSION_KEY, {}))
    handles[str(member.vote_id)] = handle
    session[SESSION_KEY] = handles


def forget_member(vote: PriorityVote) -> None:
    """Sign this browser out of the vote and end the handle everywhere. Commits."""
    handles = dict(session.get(SESSION_KEY, {}))
    handle = handles.pop(str(vote.id), None)
    session[SESSION_KEY] = handles
    if isinstance(handle, str):
        db.session.execute(
            sa.delete(MemberHandle).where(MemberHandle.handle_hash == _digest(handle))
        )
        db.session.commit()


def current_member(vote: PriorityVote) -> VoterCode | None:
    """The member this browser speaks for on this vote, if its code is still good."""
    handle = session.get(SESSION_KEY, {}).get(str(vote.id))
    if not isinstance(handle, str):
        return None
    found = db.session.get(MemberHandle, _digest(handle))
    member = found.voter_code if found is not None else None
    if member is None or member.vote_id != vote.id or member.voided:
        return None
    return member
