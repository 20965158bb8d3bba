"""The resident survey at /survey: one page, checked on the server, stored once."""

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, requested_language, use_language
from engage.partnership.services import areas as partnership_areas
from engage.partnership.services import current_partnership
from engage.questionnaire.models import QuestionnaireVersion
from engage.questionnaire.services import current_version, questionnaire_for
from engage.survey import rendering, services
from engage.survey.answers import check_answers
from engage.survey.plans import plan_for

bp = Blueprint("survey", __name__, url_prefix="/survey")

EXPIRED_MESSAGE = _l(
    "This page was open for a long time, so for your security please press "
    "‘Submit your answers’ again. Your answers are still here."
)


def render_form(
    version: QuestionnaireVersion,
    values=None,
    errors=None,
    key: str | None = None,
    status: int = 200,
    preview: bool = False,
    notice: str | None = None,
):
    """The survey page for ``version`` in the request's language, values and errors filled in."""
    values, errors = values or {}, errors or {}
    lang = g.get("lang") or DEFAULT_LANGUAGE
    areas = partnership_areas(version.questionnaire.partnership)
    html = render_template(
        "survey/form.html",
        version=version,
        **rendering.version_texts(version, lang),
        sections=rendering.page_sections(version, values, errors, areas, lang=lang),
        error_items=rendering.error_list(version, errors, lang=lang),
        error_count=len(errors),
        key=key or services.new_key(),
        preview=preview,
        notice=notice,
    )
    return html, status, {"Cache-Control": "no-store"}


def _questionnaire():
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        abort(404)
    return questionnaire


@bp.route("/", methods=["GET"])
def form():
    """Show the current published questionnaire."""
    use_language(requested_language())
    questionnaire = _questionnaire()
    version = current_version(questionnaire)
    if version is None:
        return render_template("survey/closed.html"), 503
    return render_form(version)


@bp.route("/", methods=["POST"])
def submit():
    """Check the answers; store them once, or show every problem with the answers kept."""
    lang = use_language(requested_language()).code
    questionnaire = _questionnaire()
    version = services.published_version(questionnaire, request.form.get("_version", ""))
    if version is None:
        abort(400)
    areas = {a.code: a for a in partnership_areas(questionnaire.partnership)}
    values = rendering.submitted_values(version, request.form)
    key = request.form.get("_key", "")
    if not services.valid_key(key):
        return render_form(
            version,
            values,
            key=None,
            status=400,
            notice=gettext(
                "Something went wrong with this form. Check your answers and submit again."
            ),
        )
    checked = check_answers(plan_for(version).questions, values, areas)
    if not checked.ok:
        return render_form(version, values, checked.errors, key=key, status=400)
    services.store_response(version, checked.answers, key, areas, language=lang)
    db.session.commit()
    thanks_args = {} if lang == DEFAULT_LANGUAGE else {"lang": lang}
    return redirect(url_for("survey.thanks", **thanks_args), code=303)


@bp.route("/thanks")
def thanks():
    use_language(requested_language())
    return render_template("survey/thanks.html"), 200, {"Cache-Control": "no-store"}


def resubmit_after_expired_form():
    """An expired or missing CSRF token: show the form again with the answers kept."""
    use_language(requested_language())
    questionnaire = _questionnaire()
    version = services.published_version(questionnaire, request.form.get("_version", ""))
    version = version or current_version(questionnaire)
    if version is None:
        abort(400)
    values = rendering.submitted_values(version, request.form)
    key = request.form.get("_key") if services.valid_key(request.form.get("_key")) else None
    return render_form(version, values, key=key, status=400, notice=str(EXPIRED_MESSAGE))
