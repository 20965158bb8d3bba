"""Token authentication for the API and the OData feed. The session cookie is never
consulted.

The personal API token comes as a Bearer token, or as the password of HTTP Basic
authentication (any user name): Basic is what Excel and Power BI send to an OData feed.
"""

import base64
import binascii
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from engage.accounts.models import User
from engage.api import tokens
from engage.api.errors import ApiError
from engage.api.models import ApiToken

MISSING = (
    "Send your API token in the Authorization header: 'Authorization: Bearer <token>', "
    "or as the password of Basic authentication (any user name)."
)
INVALID = "The API token is not valid, or it has been revoked. Create a new one in Engage."
WRONG_ROLE = "Only analysts and administrators can use the API; your token's account cannot."


def _basic_password(value: str) -> str:
    """The password of a Basic credential ("user:password" in base64); "" if none."""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
    return decoded.partition(":")[2].strip()


CROSS_SITE = (
    "A token is not accepted from another site's page: a browser that remembered it "
    "must not let other sites use it. Call Engage from your tool, not from a web page."
)


def cross_site() -> bool:
    """Whether a browser says another site's page made this request. Browsers send
    Basic credentials they remember by themselves, even to requests another site makes;
    Excel, Power BI and scripts send no Sec-Fetch-Site header at all."""
    return request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site"


def presented_token() -> str | None:
    """The token in the Authorization header (Bearer, or Basic's password), or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return value.strip() or None
    if scheme == "basic":
        return _basic_password(value) or None
    return None


def _presented_token() -> str:
    token = presented_token()
    if token is None:
        raise ApiError(401, MISSING)
    return token


def token_required(view: Callable) -> Callable:
    """Let the request through only with an active token of an analyst or admin."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if cross_site():
            raise ApiError(403, CROSS_SITE)
        token = tokens.authenticate(_presented_token())
        if token is None:
            raise ApiError(401, INVALID)
        if token.user.role not in tokens.API_ROLES:
            raise ApiError(403, WRONG_ROLE)
        g.api_token = token
        return view(*args, **kwargs)

    return wrapped


def api_token() -> ApiToken:
    return g.api_token


def api_user() -> User:
    return g.api_token.user
