"""Creating staff accounts and checking sign-ins."""

import secrets

import sqlalchemy as sa

from engage.accounts.models import ROLES, User
from engage.extensions import db
from engage.partnership.models import Agency

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request to create or change an account that must be refused."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(email: str, password: str, role: str, agency: Agency, name: str = "") -> User:
    """Add a staff account; the caller commits."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}'. Choose one of: {', '.join(ROLES)}.")
    if "@" not in email:
        raise AccountError(f"'{email}' is not an email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if find_user(email) is not None:
        raise AccountError(f"An account for {email} already exists.")
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
    otherwise still work; changing the token is what ends it. The caller commits.
    """
    user.session_token = new_session_token()
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
