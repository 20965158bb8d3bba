"""The resident survey at /survey: one page, checked on the server, stored once."""

from flask import Blueprint, abort, redirect, render_template, request, url_for

from engage.extensions import db
from engage.partnership.services import areas as partnership_areas
from engage.partnership.services import current_partnership
from engage.questionnaire.models import QuestionnaireVersion
from engage.questionnaire.services import current_version, questionnaire_for
from engage.survey import rendering, services
from engage.survey.answers import check_answers

bp = Blueprint("survey", __name__, url_prefix="/survey")

EXPIRED_MESSAGE = (
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
    """The survey page for ``version``, with values and errors filled in."""
    values, errors = values or {}, errors or {}
    areas = partnership_areas(version.questionnaire.partnership)
    html = render_template(
        "survey/form.html",
        version=version,
        sections=rendering.page_sections(version, values, errors, areas),
        error_items=rendering.error_list(version, errors),
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
    questionnaire = _questionnaire()
    version = current_version(questionnaire)
    if version is None:
        return render_template("survey/closed.html"), 503
    return render_form(version)


@bp.route("/", methods=["POST"])
def submit():
    """Check the answers; store them once, or show every problem with the answers kept."""
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
            notice="Something went wrong with this form. Check your answers and submit again.",
        )
    checked = check_answers(version.questions, values, areas)
    if not checked.ok:
        return render_form(version, values, checked.errors, key=key, status=400)
    services.store_response(version, checked.answers, key, areas)
    db.session.commit()
    return redirect(url_for("survey.thanks"), code=303)


@bp.route("/thanks")
def thanks():
    return render_template("survey/thanks.html"), 200, {"Cache-Control": "no-store"}


def resubmit_after_expired_form():
    """An expired or missing CSRF token: show the form again with the answers kept."""
    questionnaire = _questionnaire()
    version = services.published_version(questionnaire, request.form.get("_version", ""))
    version = version or current_version(questionnaire)
    if version is None:
        abort(400)
    values = rendering.submitted_values(version, request.form)
    key = request.form.get("_key") if services.valid_key(request.form.get("_key")) else None
    return render_form(version, values, key=key, status=400, notice=EXPIRED_MESSAGE)
