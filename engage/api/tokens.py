"""Personal API tokens: issue, revoke, and check a presented bearer token.

A token is 32 random bytes, so a fast SHA-256 hash is enough to store it: there
is no password to guess. Services flush; the caller commits.
"""

import hashlib
import hmac
import secrets

import sqlalchemy as sa

from engage.accounts.models import ADMIN, ANALYST, User
from engage.api.models import ApiToken
from engage.audit import services as audit
from engage.extensions import db
from engage.timeutil import utcnow

# Roles whose tokens the API accepts.
API_ROLES = (ANALYST, ADMIN)
# Marks the string as an Engage token, so secret scanners and people can tell what it is.
TOKEN_PREFIX = "eng_"  # noqa: S105  # nosec B105  # a label, not a secret
PREFIX_LENGTH = 12


class TokenError(ValueError):
    """A token request that must be refused, with a message that says why."""


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _audit(action: str, token: ApiToken, user: User, command_line: bool) -> None:
    """Tokens reach the shared results, so issuing and revoking them is on the trail."""
    where = " (command line)" if command_line else ""
    detail = f"Token {token.id} ‘{token.name}’ ({token.prefix}…) of {user.email}{where}"
    audit.record(audit.ADMIN, action, None if command_line else user, detail=detail)


def create_token(user: User, name: str, command_line: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plaintext is returned once and never stored."""
    name = name.strip()
    if not name:
        raise TokenError("Enter a name for the token")
    if len(name) > 100:
        raise TokenError("The name must be 100 characters or fewer")
    if user.role not in API_ROLES:
        raise TokenError("Only analysts and administrators can have API tokens.")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=plaintext[:PREFIX_LENGTH],
        token_hash=hash_token(plaintext),
        user_generation=user.session_generation,
    )
    db.session.add(token)
    db.session.flush()
    _audit("tokens.create", token, user, command_line)
    return token, plaintext


def tokens_for(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.user_generation == user.session_generation,
            )
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke(token: ApiToken, command_line: bool = False) -> bool:
    """Stop the token working at once; False if it already had been revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.flush()
    _audit("tokens.revoke", token, token.user, command_line)
    return True


def authenticate(plaintext: str) -> ApiToken | None:
    """The active token matching ``plaintext`` whose user may use the API, or None.

    Returns a token of any role (the caller answers 403 for the wrong role) but
    never a revoked token, one whose user is deactivated, or one made before the user's
    password, role or active flag last changed (even if the user is active again).
    """
    if not plaintext or len(plaintext) > 200:
        return None
    digest = hash_token(plaintext)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by hash; compare again in constant time so no timing shortcut exists.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.active:
        return None
    if token.user_generation != token.user.session_generation:
        return None
    return token


def mark_used(token: ApiToken) -> None:
    token.last_used_at = utcnow()
