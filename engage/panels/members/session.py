"""Which voter code this browser is using for a vote, kept in the signed session.

A member types the code from their card (or scans its QR code) once per vote; the
session then holds it, so every member page can find the member with
``current_member``. The code is the credential: nothing else identifies a member,
and signing out (or closing a shared browser) forgets it.
"""

from flask import session

from engage.panels.ballot_box.codes import find_code
from engage.panels.models import PriorityVote, VoterCode

SESSION_KEY = "panel_codes"


def remember_code(vote: PriorityVote, code: str) -> None:
    """Keep a code that ``codes.member_for_code`` accepted for this vote."""
    codes = dict(session.get(SESSION_KEY, {}))
    codes[str(vote.id)] = code
    session[SESSION_KEY] = codes


def forget_code(vote: PriorityVote) -> None:
    codes = dict(session.get(SESSION_KEY, {}))
    codes.pop(str(vote.id), None)
    session[SESSION_KEY] = codes


def current_member(vote: PriorityVote) -> VoterCode | None:
    """The member this browser speaks for on this vote, if its code is still good."""
    code = session.get(SESSION_KEY, {}).get(str(vote.id))
    member = find_code(vote, code) if code else None
    if member is None or member.voided:
        return None
    return member
