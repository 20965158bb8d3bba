"""The selected volunteers become the panel's members: letters with their voter codes.

For one of the panel's votes, Engage makes a voter code per selected member and prints
a letter to each, addressed from their sealed contact details, in a random order. No
link between a volunteer and a code is stored: which code went to whom is known only
from the printed letters, as with cards handed out at a meeting.
"""

import random
from dataclasses import dataclass

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.ballot_box.codes import IssuedCode, generate_codes
from engage.panels.models import PriorityVote
from engage.selection.contact_box import Contact, unseal
from engage.selection.errors import SelectionError
from engage.selection.keys import contact_key
from engage.selection.models import SELECTED, Recruitment
from engage.selection.recruitment import may_see_contacts, note
from engage.selection.selecting import volunteers


@dataclass(frozen=True)
class MemberLetter:
    contact: Contact
    code: IssuedCode


def contacts(
    recruitment: Recruitment, user: User | None
) -> list[tuple[int | None, str, str, Contact | None]]:
    """(pool number, status, source, contact) for the panel's facilitators only."""
    if not may_see_contacts(recruitment, user):
        raise SelectionError(
            "Only this panel's facilitators can see its volunteers' contact details."
        )
    key = contact_key()
    return [
        (v.pool_number, v.status, v.source, unseal(key, v.contact) if v.contact else None)
        for v in volunteers(recruitment)
    ]


def member_letters(
    recruitment: Recruitment, vote: PriorityVote, user: User | None
) -> list[MemberLetter]:
    """Voter codes for ``vote``, one per selected member, with their letters (flushes)."""
    if not may_see_contacts(recruitment, user):
        raise SelectionError("Only this panel's facilitators can print letters to its members.")
    if vote.panel_id != recruitment.panel_id:
        raise SelectionError("Choose one of this panel's votes.")
    if vote.id in recruitment.letters_for_votes:
        raise SelectionError(
            "Letters with codes for this vote have been printed already. To replace a lost "
            "one, cancel its code and print a card on the vote's codes page."
        )
    if recruitment.contacts_deleted_at is not None:
        raise SelectionError(
            "The contact details have been deleted, so no letters can be addressed."
        )
    selected = [v for v in volunteers(recruitment) if v.status == SELECTED]
    if not selected:
        raise SelectionError("Nobody has been selected yet.")
    key = contact_key()
    people = [unseal(key, v.contact) for v in selected if v.contact]
    random.SystemRandom().shuffle(people)
    issued = generate_codes(vote, len(people), user)
    recruitment.letters_for_votes = [*recruitment.letters_for_votes, vote.id]
    db.session.flush()
    note(
        "member_letters", user, recruitment, f"{len(people)} letters with codes for vote {vote.id}"
    )
    return [MemberLetter(contact, code) for contact, code in zip(people, issued, strict=True)]
