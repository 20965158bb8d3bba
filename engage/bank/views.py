"""The question bank: proposals and matching."""

from flask import Blueprint

from engage.accounts.models import ADMIN, ANALYST
from engage.accounts.permissions import role_required

bp = Blueprint("bank", __name__, url_prefix="/bank")


@bp.route("/")
@role_required(ADMIN, ANALYST)
def proposals():
    return "TODO"


@bp.route("/propose")
@role_required(ADMIN, ANALYST)
def propose():
    return "TODO"
