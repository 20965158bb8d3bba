"""Error pages that say what happened and what to do next."""

import contextlib

import sqlalchemy.exc as sa_exc
from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from engage.extensions import db, login_manager
from engage.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    is_resident_page,
    use_language,
)

# Lazy, so each page is in the language of the request that shows it.
MESSAGES = {
    400: (
        _l("There is a problem with your request"),
        _l("Go back, check what you entered and try again."),
    ),
    403: (
        _l("You do not have permission to see this page"),
        _l("Ask an administrator if you need access."),
    ),
    404: (_l("Page not found"), _l("Check the web address, or go to the start page.")),
    405: (_l("That action is not allowed here"), _l("Go back and use the buttons on the page.")),
    409: (
        _l("That change conflicts with the current state"),
        _l("Reload the page and try again."),
    ),
    413: (_l("What you sent is too large"), _l("Send less at once, or a smaller file.")),
    503: (
        _l("Sorry, the service is unavailable"),
        _l("It should be back in a minute or two. Nothing you saved has been lost: try again."),
    ),
    429: (_l("Too many attempts"), _l("Wait a few minutes and try again.")),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Try again later. Nothing you saved has been lost."),
    ),
}
# Endpoints that take JSON from scripts, not forms from people: they get JSON errors too.
JSON_ENDPOINTS = ("kiosk.upload",)
EXPIRED_FORM = _l(
    "This form has expired or was sent from somewhere else. Go back, reload the page and try again."
)


def render_error(status: int, detail: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html", title=str(title), advice=detail or str(advice)
    ), status


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.3g}"


def too_large(error: RequestEntityTooLarge):
    """413, saying what the limit is: JSON for scripts, a page for people."""
    from engage.api.errors import error_response, is_api_request

    limit = _megabytes(request.max_content_length or 0)
    if is_api_request() or request.endpoint in JSON_ENDPOINTS:
        return error_response(413, f"The request is too large: the limit is {limit} MB.")
    # The body is too large to read, so the form's _lang cannot choose the language.
    asked = request.args.get("lang")
    if not is_resident_page():
        asked = DEFAULT_LANGUAGE
    elif asked not in LANGUAGES:
        asked = request.accept_languages.best_match(list(LANGUAGES))
    use_language(asked)
    return render_error(
        413,
        gettext("Send less at once, or a smaller file: the limit is %(limit)s MB.", limit=limit),
    )


# How long a client should wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30
# What a database that cannot be reached raises: refused or dropped connections, a server
# restarting or shutting down, a full connection pool, SQLite's "database is locked".
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def unavailable(error: Exception):
    """503 with Retry-After while the database cannot be reached: JSON for the API and
    the kiosk (whose script keeps the response queued and tries again), a page otherwise.

    Nothing here may touch the database: the page is shown as to a signed-out visitor
    with the default partnership name, and the failed transaction is thrown away.
    """
    from engage.api.errors import error_response, is_api_request

    current_app.logger.warning("Database unavailable: %s", type(error).__name__)
    with contextlib.suppress(sa_exc.SQLAlchemyError):  # the connection is gone: dropped
        db.session.rollback()
    g._login_user = login_manager.anonymous_user()  # Flask-Login: do not load the user again
    g.partnership = None  # current_partnership(): do not query again
    if is_api_request() or request.endpoint in JSON_ENDPOINTS:
        response = error_response(503, str(MESSAGES[503][1]))
    else:
        html, _ = render_error(503)
        response = current_app.make_response((html, 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def survey_with_notice(notice: str, status: int):
    """The resident's survey page shown again as sent, with a notice above it."""
    from engage.survey.views import with_notice

    return with_notice(notice, status)


def register(app: Flask) -> None:
    """Attach the handlers; the survey handles an expired form itself, keeping the answers."""

    from engage.api.errors import from_http_exception, is_api_request

    def handler(error, status: int):
        if status >= 500:
            # A failed statement leaves PostgreSQL's transaction aborted: the page (which
            # reads the partnership's name and the user) needs a fresh one.
            with contextlib.suppress(sa_exc.SQLAlchemyError):
                db.session.rollback()
        # Under /api/ every failure answers JSON, even for routes that do not exist.
        if is_api_request() or request.endpoint in JSON_ENDPOINTS:
            return from_http_exception(error)
        return render_error(status)

    for status in MESSAGES:
        app.register_error_handler(status, lambda error, status=status: handler(error, status))

    app.register_error_handler(RequestEntityTooLarge, too_large)
    for database_error in UNAVAILABLE:
        app.register_error_handler(database_error, unavailable)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        from engage.survey.views import resubmit_after_expired_form

        if request.blueprint == "survey":
            return resubmit_after_expired_form()
        return render_error(400, str(EXPIRED_FORM))
