"""The partnership page: each agency's questions and the headline figures."""

from flask import Blueprint

from engage.accounts.permissions import role_required
from engage.accounts.models import ROLES

bp = Blueprint("partnership", __name__, url_prefix="/partnership")


@bp.route("/")
@role_required(*ROLES)
def overview():
    return "TODO"
