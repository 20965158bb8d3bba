"""The 'Your API tokens' page: analysts and admins create and revoke their own tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from engage.accounts.models import ADMIN, ANALYST
from engage.accounts.permissions import role_required
from engage.api import tokens
from engage.api.forms import RevokeForm, TokenForm
from engage.api.models import ApiToken
from engage.extensions import db

bp = Blueprint("tokens", __name__, url_prefix="/account/api-tokens")


def _page(form: TokenForm, plaintext: str | None = None, created: ApiToken | None = None):
    html = render_template(
        "api/tokens.html",
        form=form,
        revoke_form=RevokeForm(),
        tokens=tokens.tokens_for(current_user),
        plaintext=plaintext,
        created=created,
    )
    status = 400 if form.errors else 201 if plaintext else 200
    # The new token must not stay in a cache or come back with the browser's history.
    return html, status, {"Cache-Control": "no-store"}


@bp.route("/", methods=["GET", "POST"])
@role_required(ANALYST, ADMIN)
def index():
    """List the user's tokens; a valid post creates one and shows it this once."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, plaintext = tokens.create_token(current_user, form.name.data)
        except tokens.TokenError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            return _page(TokenForm(formdata=None), plaintext, token)
    return _page(form)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@role_required(ANALYST, ADMIN)
def revoke(token_id: int):
    """Revoke one of the user's own tokens; it stops working at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    tokens.revoke(token)
    db.session.commit()
    flash(
        f"The token ‘{token.name}’ has been revoked. Tools using it can no longer connect.",
        "success",
    )
    return redirect(url_for(".index"))
