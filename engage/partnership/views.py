"""The partnership page: each agency's questions and the headline figures."""

from flask import Blueprint, render_template

from engage.accounts.models import ROLES
from engage.accounts.permissions import role_required
from engage.main.services import headline_stats
from engage.partnership.services import current_partnership, version_usage
from engage.questionnaire.services import current_version, questionnaire_for

bp = Blueprint("partnership", __name__, url_prefix="/partnership")


@bp.route("/")
@role_required(*ROLES)
def overview():
    """Who uses which question in the current published questionnaire."""
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    version = current_version(questionnaire) if questionnaire else None
    usage = version_usage(partnership, version) if partnership else None
    return render_template(
        "partnership/overview.html", stats=headline_stats(), version=version, usage=usage
    )
