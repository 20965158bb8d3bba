"""Bearer-token authentication for the API. The session cookie is never consulted."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from engage.accounts.models import User
from engage.api import tokens
from engage.api.errors import ApiError
from engage.api.models import ApiToken

MISSING = "Send your API token in the Authorization header: 'Authorization: Bearer <token>'."
INVALID = "The API token is not valid, or it has been revoked. Create a new one in Engage."
WRONG_ROLE = "Only analysts and administrators can use the API; your token's account cannot."


def _presented_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if not header:
        raise ApiError(401, MISSING)
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, MISSING)
    return value.strip()


def token_required(view: Callable) -> Callable:
    """Let the request through only with an active token of an analyst or admin."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
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
