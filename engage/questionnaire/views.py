"""The admin's questionnaire editor."""

from flask import Blueprint

from engage.accounts.models import ADMIN
from engage.accounts.permissions import role_required

bp = Blueprint("questionnaire", __name__, url_prefix="/admin/questionnaire")


@bp.route("/")
@role_required(ADMIN)
def overview():
    return "TODO"
