"""The start page and the staff home page."""

from flask import Blueprint, render_template
from flask_login import login_required

from engage.main.services import headline_stats

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Public start page: residents go to the survey, staff sign in."""
    return render_template("main/index.html")


@bp.route("/home")
@login_required
def dashboard():
    """Staff home: the headline figures and what the user's role can do."""
    return render_template("main/home.html", stats=headline_stats())


@bp.route("/healthz")
def health():
    return {"status": "ok"}
