"""Kiosk pages at /kiosk/<token>/: start screen, survey, thank-you, uploads, service worker.

The event's kiosk token in the URL is the tablet's only credential, so these
views are exempt from CSRF: a response queued offline for days must not fail
on an expired session token, and the token only allows submitting to its event.
"""

import os

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from markupsafe import Markup

from engage.events.qr import qr_svg
from engage.extensions import csrf, db
from engage.i18n import LANGUAGES, use_language
from engage.kiosk import services
from engage.kiosk.services import Kiosk
from engage.main.errors import render_error
from engage.survey import rendering
from engage.survey import services as survey_services
from engage.survey.submission import DUPLICATE, LINK_CLOSED, STORED

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

LINK_CLOSED_MESSAGE = "This kiosk link is not valid or has expired."
# After a thank-you, the tablet returns to the start screen after this many seconds.
RETURN_SECONDS = 8


@bp.after_request
def no_store(response: Response) -> Response:
    """Nothing a resident saw may come back from the browser's cache or history."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _closed() -> Response:
    message = gettext("This kiosk link is not valid or has expired. Ask a member of staff.")
    return make_response(render_error(403, message))


def _kiosk(token: str) -> Kiosk:
    kiosk = services.kiosk_for(token)
    if kiosk is None:
        abort(_closed())
    return kiosk


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        abort(404)
    return use_language(lang).code


@bp.app_template_global()
def you_said_qr(url: str, label: str) -> Markup:
    """A QR code of the public results page, for the kiosk's thank-you screen."""
    return qr_svg(url, label, scale=3, svg_class="engage-qr engage-qr--small")


@bp.route("/<token>/")
def start(token: str):
    """The start screen: language, privacy notice, Start; and the staff strip."""
    kiosk = _kiosk(token)
    return render_template(
        "kiosk/start.html",
        kiosk=kiosk,
        token=token,
        choices=services.start_choices(),
    )


def render_survey(kiosk: Kiosk, token: str, lang: str, version, values=None, errors=None):
    """The whole questionnaire as one form; JavaScript turns it into one section at a time."""
    values, errors = values or {}, errors or {}
    html = render_template(
        "kiosk/survey.html",
        kiosk=kiosk,
        token=token,
        lang=lang,
        version=version,
        texts=rendering.version_texts(version, lang),
        sections=services.kiosk_sections(version, values, errors, kiosk.areas, lang),
        error_items=rendering.error_list(version, errors, lang),
        error_count=len(errors),
        key=survey_services.new_key(),
        return_seconds=RETURN_SECONDS,
    )
    return html, 400 if errors else 200


@bp.route("/<token>/<lang>/", methods=["GET", "POST"])
@csrf.exempt
def survey(token: str, lang: str):
    """The questionnaire; a post (without JavaScript) is checked and stored like an upload."""
    kiosk = _kiosk(token)
    lang = _language(lang)
    if kiosk.version is None:
        return render_template("survey/closed.html"), 503
    if request.method == "GET":
        return render_survey(kiosk, token, lang, kiosk.version)
    version = survey_services.published_version(kiosk.questionnaire, request.form.get("_version"))
    version = version or kiosk.version
    payload = services.form_payload(version, request.form, lang)
    if not survey_services.valid_key(payload["key"]):
        payload["key"] = survey_services.new_key()
    outcome = services.submit(kiosk, payload)
    if outcome.status in (STORED, DUPLICATE):
        db.session.commit()
        return redirect(url_for("kiosk.thanks", token=token, lang=lang), code=303)
    if outcome.status == LINK_CLOSED:
        services.forget(token)
        return _closed()
    values = rendering.submitted_values(version, request.form)
    return render_survey(kiosk, token, lang, version, values, outcome.errors)


@bp.route("/<token>/<lang>/thanks")
def thanks(token: str, lang: str):
    """Thank-you after a post without JavaScript (the script shows its own and returns)."""
    kiosk = _kiosk(token)
    lang = _language(lang)
    return render_template(
        "kiosk/thanks.html", kiosk=kiosk, token=token, lang=lang, return_seconds=RETURN_SECONDS
    )


@bp.route("/<token>/responses", methods=["POST"])
@csrf.exempt
def upload(token: str):
    """Store one response sent by a tablet: 201 stored, 200 already stored, 422 to fix,
    403 once the link is replaced or expired (the tablet keeps the response)."""
    kiosk = services.kiosk_for(token, remembered=True)
    if kiosk is None:
        return jsonify(error=LINK_CLOSED_MESSAGE), 403
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes
        payload = None
    if not isinstance(payload, dict):
        return jsonify(error="Send one response as a JSON object."), 400
    lang = payload.get("lang")
    # Any JSON may arrive: a list or an object is not a language (nor hashable).
    use_language(lang if isinstance(lang, str) and lang in LANGUAGES else None)
    outcome = services.submit(kiosk, payload)
    if outcome.status == STORED:
        db.session.commit()
        if outcome.time_flagged:  # dated when received: the tablet's clock is not right
            return jsonify(status=STORED, time_flagged=True), 201
        return jsonify(status=STORED), 201
    if outcome.status == DUPLICATE:
        return jsonify(status=DUPLICATE), 200
    if outcome.status == LINK_CLOSED:
        db.session.rollback()
        services.forget(token)
        return jsonify(error=LINK_CLOSED_MESSAGE), 403
    if outcome.errors:
        return jsonify(errors=services.error_messages(kiosk, payload, outcome.errors)), 422
    return jsonify(error=outcome.message), 400


@bp.route("/<token>/sw.js")
def service_worker(token: str):
    """The service worker, served inside /kiosk/<token>/ so that is its scope."""
    _kiosk(token)
    path = os.path.join(current_app.static_folder or "", "js", "kiosk-sw.js")
    with open(path, encoding="utf-8") as handle:
        script = handle.read()
    return Response(script, mimetype="text/javascript")


@bp.route("/<token>/precache.json")
def precache(token: str):
    """The pages and assets the service worker keeps for this event."""
    _kiosk(token)
    return jsonify(urls=services.precache_urls(token))
