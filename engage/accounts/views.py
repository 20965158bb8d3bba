"""Sign in and sign out."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from engage.accounts.forms import LoginForm
from engage.accounts.redirects import safe_next
from engage.accounts.services import authenticate, end_sessions
from engage.extensions import db

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign a member of staff in, renewing the session so no earlier session id survives."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            next_url = safe_next(request.args.get("next"))
            session.clear()
            login_user(user)
            return redirect(next_url or url_for("main.dashboard"))
        form.password.errors = ["Enter a correct email address and password"]
        status = 401
    elif form.is_submitted():
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out, ending this account's sessions everywhere, and forget the session."""
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("main.index"))
