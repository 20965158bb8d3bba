"""Staff accounts: creating them, checking sign-ins, and what admins and users change.

Every change an admin or the user makes is on the audit trail. Changing the password,
the role or whether the account is active moves the account's session generation on
(a database trigger does it, see ``engage.accounts.models``), which ends every session
and API token of the account at once. Services flush; the caller commits.
"""

import functools
import secrets

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from engage.accounts.models import ADMIN, ROLE_LABELS, ROLES, User
from engage.accounts.passwords import known_words, password_problem
from engage.audit import services as audit
from engage.extensions import db
from engage.partnership.models import Agency


@functools.cache
def _nobody_hash() -> str:
    """Checked against when no account has the email, so that a sign-in costs one password
    hash either way and its time does not tell an attacker which addresses have accounts.
    Made on first use, not at import: a hash costs as much as a sign-in."""
    return generate_password_hash(secrets.token_urlsafe(24))


class AccountError(ValueError):
    """A request to create or change an account that must be refused."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def all_users() -> list[User]:
    """Every account, active first, then by agency and email."""
    return list(
        db.session.scalars(
            sa.select(User).join(User.agency).order_by(User.active.desc(), Agency.name, User.email)
        )
    )


def check_new_password(password: str, email: str, name: str = "", agency: str = "") -> None:
    """Refuse a password that is short or easy to guess, saying what to choose instead."""
    problem = password_problem(password, known_words(email, name, agency, "engage"))
    if problem:
        raise AccountError(problem)


def create_user(
    email: str, password: str, role: str, agency: Agency, name: str = "", check: bool = True
) -> User:
    """Add a staff account; the caller commits. ``check=False`` skips the password strength
    check, for the demo's published password only."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
    if "@" not in email:
        raise AccountError(f"'{email}' is not an email address.")
    if check:
        check_new_password(password, email, name, agency.name)
    if find_user(email) is not None:
        raise AccountError(
            f"An account for {email} already exists. To change its password, run "
            f"'flask users set-password {email}'."
        )
    user = User(email=email, name=name, role=role, agency=agency)
    user.set_password(password)
    user.session_token = new_session_token()
    db.session.add(user)
    db.session.flush()
    return user


def new_session_token() -> str:
    return secrets.token_hex(16)


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie names the old token, so none works.

    Session cookies are signed, not stored, so a copy taken before sign-out would
    otherwise still work; changing the token is what ends it. API tokens keep working
    (they are ended by the generation, below). The caller commits.
    """
    user.session_token = new_session_token()
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    The password is hashed whether or not the account exists or is active, so the
    answer takes the same time either way.
    """
    user = find_user(email) if len(email) <= 254 else None
    if user is None:
        check_password_hash(_nobody_hash(), password)
        return None
    matches = user.check_password(password)
    return user if matches and user.active else None


def _changed(user: User, action: str, by: User | None, what: str) -> None:
    """Flush the change (the trigger moves the generation on), reload it, and audit it."""
    db.session.flush()
    db.session.refresh(user, ["session_generation"])
    where = " (command line)" if by is None else ""
    audit.record(audit.ACCOUNT, f"users.{action}", by, detail=what + where, target=user.email)


def set_password(user: User, password: str, by: User | None) -> None:
    """An admin sets a new password; every session and token of the user ends."""
    check_new_password(password, user.email, user.name, user.agency.name)
    user.set_password(password)
    _changed(user, "set-password", by, "password set; sessions and API tokens ended")


def change_own_password(user: User, current: str, new: str) -> None:
    """The user changes their own password, giving the current one first."""
    if not user.check_password(current):
        raise AccountError("Your current password is not right. Type it again.")
    if current == new:
        raise AccountError("Choose a new password that is different from the current one.")
    check_new_password(new, user.email, user.name, user.agency.name)
    user.set_password(new)
    _changed(user, "change-own-password", user, "own password changed; other sessions ended")


def _active_admins() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(User).where(User.role == ADMIN, User.active)
        )
        or 0
    )


def _keep_an_admin(user: User, by: User | None) -> None:
    if by is not None and by.id == user.id:
        raise AccountError("You cannot deactivate or demote your own account.")
    if user.role == ADMIN and user.active and _active_admins() <= 1:
        raise AccountError(
            f"{user.email} is the only active administrator. Make another administrator first."
        )


def deactivate(user: User, by: User | None) -> bool:
    """Stop the account working at once: sessions and API tokens end. False if it was already."""
    if not user.active:
        return False
    _keep_an_admin(user, by)
    user.active = False
    _changed(user, "deactivate", by, "deactivated; sessions and API tokens ended")
    return True


def reactivate(user: User, by: User | None) -> bool:
    """Let the account sign in again; sessions and tokens from before stay ended."""
    if user.active:
        return False
    user.active = True
    _changed(user, "reactivate", by, "reactivated; it must sign in again and make new API tokens")
    return True


def set_role(user: User, role: str, by: User | None) -> bool:
    """Change the account's role; its sessions and API tokens end. False if unchanged."""
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
    if role == user.role:
        return False
    if user.role == ADMIN:
        _keep_an_admin(user, by)
    before = ROLE_LABELS[user.role]
    user.role = role
    what = f"role {before} → {ROLE_LABELS[role]}; sessions and API tokens ended"
    _changed(user, "set-role", by, what)
    return True
