"""The public ward map: one question an admin put on "you said", for residents, in their
language. Registered on the public blueprint (engage.results.public_views)."""

from flask import abort, render_template, request

from engage.i18n import requested_language, use_language
from engage.maps import choropleth, services
from engage.maps.words import map_words
from engage.partnership.services import current_partnership
from engage.questionnaire.services import questionnaire_for
from engage.results import aggregates
from engage.results.public_page import public_weighting
from engage.results.services import public_questions

ARGS = ("lang", "question", "option")


def you_said_map():
    """Only opted-in choice questions; any other argument is refused, as on "you said"."""
    language = use_language(requested_language())
    k = aggregates.configured_k()
    small_base = aggregates.small_base_threshold()
    refused = [name[:40] for name in request.args if name not in ARGS]
    if refused:
        return render_template("maps/you_said_map.html", page=None, refused=refused, k=k), 400
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    code = request.args.get("question", "")
    public = choropleth.mappable(public_questions(questionnaire)) if questionnaire else []
    info = next((i for i in public if i.code == code), None)
    if partnership is None or questionnaire is None or info is None:
        abort(404)
    found = services.boundaries(partnership)
    weighting = public_weighting(questionnaire)
    shown = choropleth.page(
        choropleth.public_table(questionnaire, info, k, language.code, weighting),
        request.args.get("option", ""),
        found,
        lambda question, answer: map_words(
            question, answer, k, small_base, language.direction == "rtl"
        ),
        small_base,
    )
    return render_template(
        "maps/you_said_map.html", page=shown, found=found, k=k, weighted=weighting is not None
    )
