"""The JSON API for agencies' own tools, at /api/v1.

Token authentication only, so CSRF does not apply and the session cookie is never
read. Every successful pull is written to the audit trail.
"""

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from engage.api import cells, documents, errors, openapi, params, tokens
from engage.api.auth import api_token, api_user, token_required
from engage.api.errors import ApiError
from engage.api.rows import response_page
from engage.audit.services import API, record
from engage.extensions import csrf, db
from engage.partnership.services import current_partnership
from engage.questionnaire.models import Questionnaire, QuestionnaireVersion
from engage.questionnaire.services import current_version, questionnaire_for
from engage.results import weights
from engage.results.aggregates import configured_k, question_results

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.register_error_handler(HTTPException, errors.from_http_exception)
bp.register_error_handler(ApiError, errors.handle_api_error)

NOTHING_PUBLISHED = "No questionnaire has been published yet."
NO_RESULTS = (
    "There is no question with the code ‘{code}’ that has results. Free-text questions "
    "have none: their answers are never aggregated."
)


@bp.before_request
def refuse_large_bodies() -> None:
    """The API only reads; a body over the limit is refused before anything else."""
    if (request.content_length or 0) > (current_app.config.get("MAX_CONTENT_LENGTH") or 0) > 0:
        abort(413)


def _questionnaire() -> Questionnaire:
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        raise ApiError(404, NOTHING_PUBLISHED)
    return questionnaire


def _current(questionnaire: Questionnaire) -> QuestionnaireVersion:
    version = current_version(questionnaire)
    if version is None:
        raise ApiError(404, NOTHING_PUBLISHED)
    return version


def _pulled(filters: dict[str, Any], rows: int) -> None:
    """Audit the pull, note the token's use, and commit: the view is the unit of work."""
    record(API, f"{request.method} {request.path}", api_user(), filters=filters, rows=rows)
    tokens.mark_used(api_token())
    db.session.commit()


@bp.get("/questionnaire")
@token_required
def questionnaire():
    """The current version: sections, questions, options and agencies; ?lang= translates."""
    lang = params.language(request.args)
    version = _current(_questionnaire())
    document = documents.questionnaire_document(version, lang)
    _pulled({"lang": lang}, len(version.questions))
    return jsonify(document)


@bp.get("/responses")
@token_required
def responses():
    """Row-level responses, oldest first, one page at a time; follow ``next`` for the rest."""
    questionnaire = _questionnaire()
    args = params.page_args(request.args, questionnaire)
    page = response_page(
        questionnaire,
        args.filters,
        api_user(),
        after=args.after,
        limit=args.limit,
        since_at=args.since_at,
        style=args.style,
        lang=args.lang,
    )
    next_url = None
    if page.next_cursor:
        query = request.args.to_dict(flat=False)
        query["cursor"] = [page.next_cursor]
        next_url = url_for(".responses", _external=True, **query)
    _pulled(args.audit(), len(page.rows))
    return jsonify(
        data=page.rows,
        count=len(page.rows),
        filters=args.filters.as_dict(),
        free_text=api_user().free_text_access,
        next_cursor=page.next_cursor,
        next=next_url,
    )


@bp.get("/results/<code>")
@token_required
def results(code: str):
    """One question's counts across versions, with small numbers suppressed, and each
    option's estimate: weighted by the default scheme unless ``weights`` says otherwise."""
    questionnaire = _questionnaire()
    filters = params.result_filters(request.args, questionnaire)
    lang = params.language(request.args)
    chosen, errors = weights.choice(questionnaire, request.args.get("weights"))
    if errors:
        raise ApiError(400, "Some query parameters are not valid.", errors)
    result = question_results(questionnaire, code, filters, configured_k(), lang, chosen.weighting)
    if result is None:
        raise ApiError(404, NO_RESULTS.format(code=code))
    _pulled(filters.as_dict(), len(result["options"]))
    return jsonify(cells.typed(result))


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 description of this API. Public: it holds no data."""
    return jsonify(openapi.document())
