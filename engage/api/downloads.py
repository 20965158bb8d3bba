"""Downloads with the personal API token: a script, Power Query's "From Web" or curl
fetches the same CSV, JSON Lines, codebook or Excel file an analyst downloads from the
downloads page, with the same filters and the same audit record, without a browser
session.

Only GET requests to the download addresses accept a token (Bearer, or the password of
Basic authentication); every other page still needs a signed-in browser. A token
request never gets a session cookie, and a wrong token is a 401, not a sign-in page.
"""

from flask import Request, Response, abort, g
from flask_login import AnonymousUserMixin

from engage.accounts.models import User
from engage.api import tokens
from engage.api.auth import CROSS_SITE, cross_site, presented_token
from engage.extensions import login_manager

ENDPOINTS = ("exports.download", "exports.job", "exports.job_file")
REFUSED = (
    "The API token is not valid, or it has been revoked, or its account cannot download. "
    "Create a new one in Engage."
)


def by_token() -> bool:
    """Whether this request was let in by an API token (not by a browser session)."""
    return g.get("download_token") is not None


@login_manager.request_loader
def user_from_token(request: Request) -> User | AnonymousUserMixin | None:
    if request.method != "GET" or request.endpoint not in ENDPOINTS:
        return None
    plaintext = presented_token()
    if plaintext is None:
        return None
    if cross_site():
        abort(Response(CROSS_SITE, 403, mimetype="text/plain"))
    token = tokens.authenticate(plaintext)
    if token is None or token.user.role not in tokens.API_ROLES:
        challenge = {"WWW-Authenticate": 'Basic realm="Engage downloads"'}
        abort(Response(REFUSED, 401, challenge, mimetype="text/plain"))
    g.download_token = token
    tokens.mark_used(token)
    return token.user
