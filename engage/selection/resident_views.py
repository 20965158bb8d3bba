"""Residents join a panel's pool at /join: with the code from an invitation letter, or
from the survey's thank-you page, which links here without anything of the answers.

Pages are in the resident's language (?lang=) and are not cached: people register on
shared tablets. A refused form is shown again with everything typed kept, and nothing
stored.
"""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _

from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, requested_language, use_language
from engage.panels.ballot_box.codes import code_hash
from engage.partnership.services import current_partnership
from engage.selection import recruitment, registration
from engage.selection.errors import RegistrationError
from engage.selection.models import FROM_LETTER, FROM_SURVEY, InvitationCode, Recruitment

bp = Blueprint("join", __name__, url_prefix="/join")
NO_STORE = {"Cache-Control": "no-store"}
CONTACT_FIELDS = ("name", "email", "phone", "address", "postcode")


def _lang_args() -> dict[str, str]:
    lang = use_language(requested_language()).code
    return {} if lang == DEFAULT_LANGUAGE else {"lang": lang}


def _form(
    found: Recruitment,
    action: str,
    errors: dict[str, str] | None = None,
    status: int = 200,
    **extra,
):
    values = {k: request.form.get(k, "") for k in request.form} if request.method == "POST" else {}
    return (
        render_template(
            "selection/join_form.html",
            recruitment=found,
            panel=found.panel,
            categories=recruitment.categories(found),
            values=values,
            errors=errors or {},
            action=action,
            lang_args=_lang_args(),
            lang=use_language(requested_language()).code,
            **extra,
        ),
        status,
        NO_STORE,
    )


def _contact_values() -> dict[str, str]:
    return {field: request.form.get(field, "") for field in CONTACT_FIELDS}


def _answers(found: Recruitment) -> dict[str, str]:
    return {c: request.form.get(f"q_{c}", "") for c, _, _ in recruitment.categories(found)}


@bp.get("/")
def index():
    lang_args = _lang_args()
    partnership = current_partnership()
    if partnership is None:
        abort(404)
    return (
        render_template(
            "selection/join_index.html",
            panels=recruitment.open_for_registration(partnership.id),
            lang_args=lang_args,
        ),
        200,
        NO_STORE,
    )


@bp.route("/panel/<token>", methods=["GET", "POST"])
def register(token: str):
    found = recruitment.by_token(token)
    if found is None or not found.registration_open or recruitment.published(found):
        return render_template("selection/join_closed.html", lang_args=_lang_args()), 404, NO_STORE
    action = url_for(".register", token=token, **_lang_args())  # type: ignore[arg-type]
    if request.method == "GET":
        return _form(found, action)
    try:
        registration.register(found, _answers(found), _contact_values(), FROM_SURVEY)
    except RegistrationError as refused:
        db.session.rollback()
        return _form(found, action, refused.fields, 400)
    db.session.commit()
    return _thanks(found)


def _thanks(found: Recruitment):
    return (
        render_template(
            "selection/join_thanks.html",
            panel=found.panel,
            recruitment=found,
            lang_args=_lang_args(),
        ),
        200,
        NO_STORE,
    )


@bp.route("/letter", methods=["GET", "POST"])
def letter():
    """Step one: the code from the letter. Step two: the panel's questions, the code
    carried in the form (never in an address)."""
    lang_args = _lang_args()
    action = url_for(".letter", **lang_args)
    if request.method == "GET":
        return (
            render_template(
                "selection/join_letter.html", action=action, errors={}, code="", lang_args=lang_args
            ),
            200,
            NO_STORE,
        )
    code = request.form.get("code", "")
    invitation = db.session.scalar(
        sa.select(InvitationCode).where(InvitationCode.code_hash == code_hash(code))
    )
    found = db.session.get(Recruitment, invitation.panel_id) if invitation is not None else None
    problem = None
    if found is None:
        problem = _("Enter the code from your letter exactly as it is printed.")
    elif invitation.used:
        problem = _("This code has already been used to register.")
    elif not found.registration_open or recruitment.published(found):
        problem = _("Registration for this panel has closed.")
    if problem:
        return (
            render_template(
                "selection/join_letter.html",
                action=action,
                errors={"code": problem},
                code=code,
                lang_args=lang_args,
            ),
            400,
            NO_STORE,
        )
    if request.form.get("step") != "answers":
        return _form(found, action, code=code)
    try:
        registration.register(
            found, _answers(found), _contact_values(), FROM_LETTER, letter_code=code
        )
    except RegistrationError as refused:
        db.session.rollback()
        return _form(found, action, refused.fields, 400, code=code)
    db.session.commit()
    return _thanks(found)
