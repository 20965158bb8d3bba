"""Error pages that say what happened and what to do next."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: ("There is a problem with your request", "Go back, check what you entered and try again."),
    403: (
        "You do not have permission to see this page",
        "Ask an administrator if you need access.",
    ),
    404: ("Page not found", "Check the web address, or go to the start page."),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    409: ("That change conflicts with the current state", "Reload the page and try again."),
    413: ("What you sent is too large", "Send less at once, or a smaller file."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you saved has been lost.",
    ),
}


def render_error(status: int, detail: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", title=title, advice=detail or advice), status


def register(app: Flask) -> None:
    """Attach the handlers; the survey handles an expired form itself, keeping the answers."""

    for status in MESSAGES:
        app.register_error_handler(status, lambda error, status=status: render_error(status))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        from engage.survey.views import resubmit_after_expired_form

        if request.blueprint == "survey":
            return resubmit_after_expired_form()
        return render_error(
            400,
            "This form has expired or was sent from somewhere else. "
            "Go back, reload the page and try again.",
        )
