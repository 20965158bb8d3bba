"""The public "you said" page: headline results per ward, for residents, in their language."""

from flask import Blueprint, render_template, request

from engage.i18n import requested_language, use_language
from engage.maps.public_map import you_said_map
from engage.partnership.services import current_partnership
from engage.questionnaire.services import questionnaire_for
from engage.results import aggregates, public_page

bp = Blueprint("public", __name__)


@bp.route("/you-said")
def you_said():
    """Only the questions an admin opted in, suppressed like every other result."""
    language = use_language(requested_language())
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    k = aggregates.configured_k()
    # The page takes no filters: any other argument is refused, never quietly ignored.
    refused = [name[:40] for name in request.args if name != "lang"]
    if refused:
        return render_template("public/you_said.html", results=[], k=k, refused=refused), 400
    results = []
    weighting = public_page.public_weighting(questionnaire) if questionnaire else None
    if questionnaire is not None:
        results = public_page.questions(
            questionnaire, k, language.code, language.direction, weighting
        )
    return render_template(
        "public/you_said.html", results=results, k=k, weighted=weighting is not None
    )


# One opted-in question as a ward map (engage.maps), a resident page like the one above.
bp.add_url_rule("/you-said/map", view_func=you_said_map)
