"""Sign in, sign out, and changing your own password."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from engage.accounts.forms import ChangePasswordForm, LoginForm
from engage.accounts.redirects import safe_next
from engage.accounts.services import (
    AccountError,
    authenticate,
    change_own_password,
    end_sessions,
)
from engage.audit import services as audit
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
            audit.record(audit.ACCOUNT, "accounts.sign-in", user)
            db.session.commit()
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
    audit.record(audit.ACCOUNT, "accounts.sign-out", current_user, detail="every device")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("main.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change your own password; your other sessions and API tokens end, this one goes on."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current.data or "", form.password.data or "")
        except AccountError as error:
            db.session.rollback()
            field = form.current if "current password is not" in str(error) else form.password
            field.errors = [str(error)]
        else:
            db.session.commit()
            # The generation moved on: sign this browser in again in the new one.
            user = current_user._get_current_object()
            session.clear()
            login_user(user)
            flash(
                "Your password has been changed. You are signed out on every other device, "
                "and your API tokens have stopped working: create new ones if you need them.",
                "success",
            )
            return redirect(url_for("main.dashboard"))
    status = 400 if form.errors else 200
    return render_template("accounts/password.html", form=form), status
