"""The resident survey at /survey: a page per section, checked on the server, stored once."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, requested_language, use_language
from engage.partnership.services import areas as partnership_areas
from engage.partnership.services import current_partnership
from engage.questionnaire.services import current_version, questionnaire_for
from engage.selection.recruitment import open_for_registration
from engage.survey import pages, services

bp = Blueprint("survey", __name__, url_prefix="/survey")

EXPIRED_MESSAGE = _l(
    "This page was open for a long time, so for your security please press "
    "the button again. Your answers are still here."
)


def _questionnaire():
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        abort(404)
    return questionnaire


@bp.route("/", methods=["GET"])
def form():
    """The first page of the current published questionnaire."""
    use_language(requested_language())
    questionnaire = _questionnaire()
    version = current_version(questionnaire)
    if version is None:
        return render_template("survey/closed.html"), 503
    return pages.first_page(version)


@bp.route("/", methods=["POST"])
def submit():
    """A page sent: the next page, check-your-answers, or the answers stored once.

    Nothing is kept between pages: each form carries the answers so far.
    """
    lang = use_language(requested_language()).code
    questionnaire = _questionnaire()
    version = services.published_version(questionnaire, request.form.get("_version", ""))
    if version is None:
        abort(400)
    areas = {a.code: a for a in partnership_areas(questionnaire.partnership)}
    key = request.form.get("_key", "")
    decision, page = pages.answer(version, request.form, list(areas))
    if page is not None:
        return page
    if not services.valid_key(key):
        notice = gettext(
            "Something went wrong with this form. Check your answers and submit again."
        )
        return pages.answer(
            version, request.form, list(areas), stay=True, notice=notice, status=400
        )[1]
    services.store_response(version, decision.checked.answers, key, areas, language=lang)
    db.session.commit()
    thanks_args = {} if lang == DEFAULT_LANGUAGE else {"lang": lang}
    return redirect(url_for("survey.thanks", **thanks_args), code=303)


@bp.route("/thanks")
def thanks():
    use_language(requested_language())
    partnership = current_partnership()
    # A plain link to a separate form: nothing of the answers goes with it.
    panels = open_for_registration(partnership.id) if partnership is not None else []
    return (
        render_template("survey/thanks.html", panels_open=bool(panels)),
        200,
        {"Cache-Control": "no-store"},
    )


def resubmit_after_expired_form():
    """An expired or missing CSRF token: the page shown again as sent, answers kept."""
    return with_notice(str(EXPIRED_MESSAGE), 400)


def with_notice(notice: str, status: int):
    """The page a resident's form came from, shown again as sent with ``notice`` above."""
    use_language(requested_language())
    questionnaire = _questionnaire()
    version = services.published_version(questionnaire, request.form.get("_version", ""))
    version = version or current_version(questionnaire)
    if version is None:
        abort(status)
    areas = [a.code for a in partnership_areas(questionnaire.partnership)]
    return pages.answer(version, request.form, areas, stay=True, notice=notice, status=status)[1]
