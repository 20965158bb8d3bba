"""Admins' users pages: every account, and changing one's password, role or access."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts import services
from engage.accounts.forms import ConfirmForm, RoleForm, SetPasswordForm
from engage.accounts.models import ADMIN, ROLE_LABELS, User
from engage.accounts.permissions import role_required
from engage.extensions import db

bp = Blueprint("users", __name__, url_prefix="/admin/users")


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _page(user: User, status: int = 200, **forms):
    forms.setdefault("role_form", RoleForm(formdata=None, role=user.role))
    forms.setdefault("password_form", SetPasswordForm(formdata=None))
    html = render_template(
        "accounts/user.html",
        user=user,
        confirm_form=ConfirmForm(),
        error_count=sum(len(form.errors) for form in forms.values()),
        **forms,
    )
    return html, status


@bp.route("/")
@role_required(ADMIN)
def index():
    """Every account, active first."""
    return render_template("accounts/users.html", users=services.all_users())


@bp.route("/<int:user_id>")
@role_required(ADMIN)
def show(user_id: int):
    return _page(_user(user_id))


@bp.route("/<int:user_id>/role", methods=["POST"])
@role_required(ADMIN)
def set_role(user_id: int):
    user = _user(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _page(user, 400, role_form=form)
    try:
        changed = services.set_role(user, form.role.data, current_user)
    except services.AccountError as error:
        db.session.rollback()
        form.role.errors = [str(error)]
        return _page(user, 400, role_form=form)
    db.session.commit()
    if changed:
        flash(
            f"{user.email} is now {ROLE_LABELS[user.role].lower()}. "
            "Their sessions and API tokens have ended.",
            "success",
        )
    return redirect(url_for(".show", user_id=user.id))


@bp.route("/<int:user_id>/password", methods=["POST"])
@role_required(ADMIN)
def set_password(user_id: int):
    user = _user(user_id)
    form = SetPasswordForm()
    if not form.validate_on_submit():
        return _page(user, 400, password_form=form)
    try:
        services.set_password(user, form.password.data or "", current_user)
    except services.AccountError as error:
        db.session.rollback()
        form.password.errors = [str(error)]
        return _page(user, 400, password_form=form)
    db.session.commit()
    flash(
        f"New password set for {user.email}. Their sessions and API tokens have ended.", "success"
    )
    return redirect(url_for(".show", user_id=user.id))


@bp.route("/<int:user_id>/<any(deactivate, reactivate):change>", methods=["POST"])
@role_required(ADMIN)
def activation(user_id: int, change: str):
    """Deactivate (sessions and tokens end at once) or reactivate (nothing old comes back)."""
    user = _user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if change == "deactivate":
            services.deactivate(user, current_user)
        else:
            services.reactivate(user, current_user)
    except services.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".show", user_id=user.id))
    db.session.commit()
    flash(
        f"{user.email} is deactivated. Their sessions and API tokens have ended."
        if change == "deactivate"
        else f"{user.email} can sign in again. Old sessions and API tokens stay ended.",
        "success",
    )
    return redirect(url_for(".show", user_id=user.id))
