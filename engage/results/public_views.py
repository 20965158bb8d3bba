"""The public "you said" page: headline results per ward, for residents, in their language."""

from flask import Blueprint, render_template, request

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
    # The page takes no filters: any other argument is refused, never quietly ignored.
    refused = [name[:40] for name in request.args if name != "lang"]
    if refused:
        return render_template("public/you_said.html", results=[], k=k, refused=refused), 400
    results = []
    if questionnaire is not None:
        results = [
            crosstabs.ward_results(questionnaire, info, k, lang)
            for info in services.public_questions(questionnaire)
        ]
    return render_template("public/you_said.html", results=results, k=k)
