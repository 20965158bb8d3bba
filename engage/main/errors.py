"""Error pages that say what happened and what to do next."""

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

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
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Try again later. Nothing you saved has been lost."),
    ),
}
EXPIRED_FORM = _l(
    "This form has expired or was sent from somewhere else. Go back, reload the page and try again."
)


def render_error(status: int, detail: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html", title=str(title), advice=detail or str(advice)
    ), status


def register(app: Flask) -> None:
    """Attach the handlers; the survey handles an expired form itself, keeping the answers."""

    from engage.api.errors import from_http_exception, is_api_request

    def handler(error, status: int):
        # Under /api/ every failure answers JSON, even for routes that do not exist.
        if is_api_request():
            return from_http_exception(error)
        return render_error(status)

    for status in MESSAGES:
        app.register_error_handler(status, lambda error, status=status: handler(error, status))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        from engage.survey.views import resubmit_after_expired_form

        if request.blueprint == "survey":
            return resubmit_after_expired_form()
        return render_error(400, str(EXPIRED_FORM))
