"""The start page and the staff home page."""

from datetime import date

from babel.dates import format_date
from flask import Blueprint, current_app, render_template
from flask_babel import get_locale
from flask_login import login_required

from engage.main.services import headline_stats
from engage.partnership.services import current_partnership
from engage.selection.recruitment import open_for_registration

bp = Blueprint("main", __name__)

# Change this date whenever the accessibility statement is reviewed.
STATEMENT_PREPARED = date(2026, 11, 22)


@bp.route("/")
def index():
    """Public start page: residents go to the survey (and to a panel that is recruiting),
    staff sign in."""
    partnership = current_partnership()
    recruiting = open_for_registration(partnership.id) if partnership is not None else []
    return render_template("main/index.html", panels_open=bool(recruiting))


@bp.route("/accessibility")
def accessibility():
    """The accessibility statement, in the resident's language."""
    locale = str(get_locale() or "en")
    return render_template(
        "main/accessibility.html",
        contact_email=current_app.config["ENGAGE_CONTACT_EMAIL"],
        prepared=STATEMENT_PREPARED,
        # British English dates ("22 November 2026"), as the rest of the service writes them.
        prepared_text=format_date(
            STATEMENT_PREPARED, "long", locale="en_GB" if locale == "en" else locale
        ),
    )


@bp.route("/home")
@login_required
def dashboard():
    """Staff home: the headline figures and what the user's role can do."""
    return render_template("main/home.html", stats=headline_stats())


@bp.route("/healthz")
def health():
    return {"status": "ok"}
