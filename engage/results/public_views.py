"""The public "you said" page: headline results per ward, for residents, in their language."""

from flask import Blueprint, render_template

from engage.i18n import requested_language, use_language
from engage.partnership.services import current_partnership
from engage.questionnaire.services import questionnaire_for
from engage.results import aggregates, crosstabs, services

bp = Blueprint("public", __name__)


@bp.route("/you-said")
def you_said():
    """Only the questions an admin opted in, suppressed like every other result."""
    lang = use_language(requested_language()).code
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    k = aggregates.configured_k()
    results = []
    if questionnaire is not None:
        results = [
            crosstabs.ward_results(questionnaire, info, k, lang)
            for info in services.public_questions(questionnaire)
        ]
    return render_template("public/you_said.html", results=results, k=k)
