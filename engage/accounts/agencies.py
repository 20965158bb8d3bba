"""Who may act for which agency: the rule, in one place, with no Flask.

Analysts work for their own agency: they import its forms, tag it onto questions and
propose questions from it; they cannot do any of that for another agency, nor read
another agency's import reports. Administrators act for the whole partnership, and a
command run on the server without a user acts as an administrator.
"""

from engage.accounts.models import ADMIN, User


def acts_for(user: User | None, agency_id: int) -> bool:
    """Whether ``user`` may act for (and read the imports of) the agency ``agency_id``."""
    if user is None:  # a command on the server, run by whoever administers it
        return True
    return user.role == ADMIN or user.agency_id == agency_id


def refusal(user: User, agency_name: str) -> str:
    """The message for an analyst who tried to act for another agency."""
    return (
        f"You can act only for your own agency, {user.agency.name}, not for {agency_name}. "
        "Ask an administrator if another agency's form needs importing."
    )
