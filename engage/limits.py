"""Rate limits: failed sign-ins per account and per address, voter codes, submissions.

Counts are kept in the storage named by RATELIMIT_STORAGE_URI (ENGAGE_RATELIMIT_STORAGE_URL):
``memory://`` counts in each process, so servers behind one load balancer share
``redis://host:6379/N`` and a throttle applies whichever server a request reaches.
The limits are read from the ENGAGE_*_LIMIT settings at request time.

Flask-Limiter keeps its storage and switches on the Limiter object itself, so each
app makes its own in ``register`` rather than sharing one from engage.extensions.
"""

import hashlib
import time

from flask import Flask, Response, current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from engage.accounts.services import normalise_email
from engage.forms import strip
from engage.survey import steps

# Staff pages are in English; the others are shown to residents in their language.
SIGN_IN_MESSAGE = "Too many sign-in attempts. Wait 15 minutes and try again."
CODE_MESSAGE = _l("Too many codes were tried from this connection. Wait 15 minutes and try again.")
SENT_MESSAGE = _l(
    "Too many answers were sent from this connection in a short time. Wait a minute and try again."
)
SURVEY_NOTICE = _l(
    "Too many answers were sent from this connection in a short time. Wait a minute, "
    "then press the button again. Your answers are still here."
)


def address() -> str:
    """The client's address (behind a proxy, see ENGAGE_TRUSTED_PROXIES)."""
    return "address:" + get_remote_address()


def account() -> str:
    """The account a sign-in names, hashed so the rate-limit storage holds no email address.

    Cleaned as the login form and find_user clean it, so no variant of an address
    (case, spaces, control characters) gets a fresh count for the same account.
    """
    email = normalise_email(str(strip(request.form.get("email", ""))))
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def failed_sign_in(response: Response) -> bool:
    return response.status_code == 401


def refused_code(response: Response) -> bool:
    return response.status_code == 400


def survey_submission(response: Response) -> bool:
    """A survey post that submits answers (moving between pages is not counted)."""
    action, _ = steps.parse_action(request.form.get("_action"), 0)
    return action == steps.SUBMIT


def setting(name: str):
    """The limit in config[name], read per request so each app can have its own."""
    return lambda: current_app.config[name]


def _decorators(limiter: Limiter) -> dict[str, list]:
    """Endpoint -> the limits that wrap its view."""
    kiosk = limiter.shared_limit(
        setting("ENGAGE_KIOSK_LIMIT"),
        scope="kiosk",
        key_func=address,
        methods=["POST"],
        error_message=lambda: str(SENT_MESSAGE),
    )
    return {
        # Only failures count, so a busy office signing in at 9am is never held up.
        "accounts.login": [
            limiter.limit(
                setting("ENGAGE_LOGIN_LIMIT_ACCOUNT"),
                key_func=account,
                methods=["POST"],
                deduct_when=failed_sign_in,
                error_message=SIGN_IN_MESSAGE,
            ),
            limiter.limit(
                setting("ENGAGE_LOGIN_LIMIT_ADDRESS"),
                key_func=address,
                methods=["POST"],
                deduct_when=failed_sign_in,
                error_message=SIGN_IN_MESSAGE,
            ),
        ],
        # Codes are tried only by POST: a card's QR code fills the form in the browser.
        "vote.enter": [
            limiter.limit(
                setting("ENGAGE_VOTER_CODE_LIMIT"),
                key_func=address,
                methods=["POST"],
                deduct_when=refused_code,
                error_message=lambda: str(CODE_MESSAGE),
            )
        ],
        "survey.submit": [
            limiter.limit(
                setting("ENGAGE_SURVEY_LIMIT"),
                key_func=address,
                deduct_when=survey_submission,
                error_message=lambda: str(SENT_MESSAGE),
            )
        ],
        # A venue's tablets share one address and one budget, upload or form post.
        "kiosk.upload": [kiosk],
        "kiosk.survey": [kiosk],
    }


def retry_after(limiter: Limiter, error: RateLimitExceeded) -> int:
    """Seconds until the breached limit lets a request through again."""
    window = int(error.limit.limit.get_expiry())
    current = limiter.current_limit
    if current is not None and current.breached:
        return min(window, max(1, current.reset_at - int(time.time())))
    return window


def too_many_requests(error: RateLimitExceeded):
    """A 429 that says what happened; the survey keeps the answers, the kiosk upload JSON."""
    from engage.main.errors import render_error, survey_with_notice

    limiter = current_app.extensions["engage_limiter"]
    message = str(error.description)
    if request.endpoint == "survey.submit":
        body, status, headers = survey_with_notice(str(SURVEY_NOTICE), 429)
    elif request.endpoint == "kiosk.upload":
        body, status, headers = jsonify(error=message), 429, {}
    else:
        (body, status), headers = render_error(429, message), {}
    response = current_app.make_response((body, status, headers))
    response.headers["Retry-After"] = str(retry_after(limiter, error))
    return response


def register(app: Flask) -> None:
    """Make this app's limiter and wrap the limited views; nothing when RATELIMIT_ENABLED is off."""
    if not app.config.get("RATELIMIT_ENABLED"):
        return
    limiter = Limiter(get_remote_address, app=app)
    app.extensions["engage_limiter"] = limiter
    for endpoint, decorators in _decorators(limiter).items():
        view = app.view_functions[endpoint]
        for decorator in decorators:
            view = decorator(view)
        app.view_functions[endpoint] = view
    app.register_error_handler(RateLimitExceeded, too_many_requests)
