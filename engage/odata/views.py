"""The OData v4 feed at /odata, for Excel ("From OData feed"), Power BI and other tools.

Read-only, authenticated by the personal API token (Bearer, or Basic with the token as
the password, which is what Excel and Power BI send), so CSRF does not apply and the
session cookie is never read. Three service roots hold the same data with option
answers as codes (/odata/, the default everywhere), numbers (/odata/numbers/) or labels
(/odata/labels/). Each page pulled is written to the audit trail.
"""

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from engage import localtime
from engage.api import params, tokens
from engage.api.auth import api_token, api_user, token_required
from engage.api.errors import ApiError
from engage.audit.services import API, record
from engage.exports import values
from engage.extensions import csrf, db
from engage.odata import feed, metadata, options
from engage.odata.filtering import FilterError, conditions
from engage.partnership.services import current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results import weights
from engage.results.aggregates import configured_k
from engage.results.reading import checked_filters

bp = Blueprint("odata", __name__, url_prefix="/odata")
csrf.exempt(bp)

VERSION = "4.0"
JSON = "application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8"
REALM = "Engage OData feed"
STYLES = "any(numbers,labels)"
BAD = "The request's query options are not valid."
NOTHING = "No questionnaire has been published yet."
# What the Results feed reads besides the dashboard's filters.
RESULT_OPTIONS = (*options.SYSTEM, "lang", "weights")


def _odata_error(status: int, message: str, fields: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"code": str(status), "message": message}
    if fields:
        body["details"] = [
            {"code": str(status), "target": name, "message": text} for name, text in fields.items()
        ]
    response = jsonify(error=body)
    response.status_code = status
    response.headers["OData-Version"] = VERSION
    if status == 401:
        response.headers.add("WWW-Authenticate", f'Basic realm="{REALM}", charset="UTF-8"')
        response.headers.add("WWW-Authenticate", f'Bearer realm="{REALM}"')
    return response


@bp.errorhandler(ApiError)
def api_error(error: ApiError) -> Response:
    return _odata_error(error.status, error.message, error.fields)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    message = {
        404: "There is nothing at this address: the feed has Responses and Results.",
        405: "The feed is read-only: it answers GET requests only.",
    }.get(status, "The request could not be answered.")
    response = _odata_error(status, message)
    if allow := error.get_response().headers.get("Allow"):
        response.headers["Allow"] = allow
    return response


@bp.after_request
def odata_headers(response: Response) -> Response:
    response.headers["OData-Version"] = VERSION
    response.headers["Cache-Control"] = "no-store"
    return response


def _questionnaire() -> Questionnaire:
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        raise ApiError(404, NOTHING)
    return questionnaire


def _root(style: str | None) -> str:
    return url_for(".service", style=style, _external=True)


def _pulled(rows: int, filters: dict[str, Any]) -> None:
    record(API, f"{request.method} {request.path}", api_user(), filters=filters, rows=rows)
    tokens.mark_used(api_token())
    db.session.commit()


def _json(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.headers["Content-Type"] = JSON
    return response


@bp.get("/", defaults={"style": None})
@bp.get(f"/<{STYLES}:style>/")
@token_required
def service(style: str | None):
    """The service document: the entity sets under this root."""
    return _json(
        {
            "@odata.context": _root(style) + "$metadata",
            "value": [
                {"name": name, "kind": "EntitySet", "url": name}
                for name in (feed.RESPONSES, feed.RESULTS)
            ],
        }
    )


@bp.get("/$metadata", defaults={"style": None})
@bp.get(f"/<{STYLES}:style>/$metadata")
@token_required
def service_metadata(style: str | None):
    """The CSDL schema: every column of both sets with its type and label."""
    response_feed = feed.response_feed(
        _questionnaire(), api_user(), style or values.DEFAULT, params.language(request.args)
    )
    body = metadata.document(feed.entity_sets(response_feed))
    return Response(body, content_type="application/xml;charset=utf-8")


def _collection(
    style: str | None, name: str, query: options.Query, rows: list[dict], count: int | None
) -> dict[str, Any]:
    """A collection's body: its context (with the columns chosen), count and rows."""
    selected = f"({','.join(query.select)})" if query.select else ""
    body: dict[str, Any] = {"@odata.context": f"{_root(style)}$metadata#{name}{selected}"}
    if count is not None:
        body["@odata.count"] = count
    body["value"] = rows
    return body


def _next_link(style: str | None, page: feed.Page, query: options.Query) -> str:
    kept = [
        (name, value)
        for name, value in request.args.items(multi=True)
        if name not in ("$skip", "$skiptoken", "$top")
    ]
    kept.append(("$skiptoken", str(page.last_id)))
    if query.top is not None:
        kept.append(("$top", str(query.top - len(page.rows))))
    return url_for(".responses", style=style, _external=True) + "?" + urlencode(kept)


def _response_feed(style: str | None) -> tuple[feed.ResponseFeed, options.Query]:
    questionnaire = _questionnaire()
    response_feed = feed.response_feed(
        questionnaire, api_user(), style or values.DEFAULT, params.language(request.args)
    )
    query, errors = options.read(
        request.args, request.headers.get("Prefer", ""), response_feed.names
    )
    if query.filter:
        try:
            response_feed.plan.conditions.append(
                conditions(
                    query.filter, questionnaire.id, questionnaire.partnership_id, localtime.zone()
                )
            )
        except FilterError as error:
            errors["$filter"] = str(error)
    if errors:
        raise ApiError(400, BAD, errors)
    return response_feed, query


@bp.get("/Responses", defaults={"style": None})
@bp.get(f"/<{STYLES}:style>/Responses")
@token_required
def responses(style: str | None):
    """Rows of responses, a page at a time, with @odata.nextLink to the next page."""
    response_feed, query = _response_feed(style)
    page = feed.responses_page(response_feed, query)
    body = _collection(style, feed.RESPONSES, query, page.rows, page.count)
    if page.more:
        body["@odata.nextLink"] = _next_link(style, page, query)
    _pulled(len(page.rows), {"odata": request.args.to_dict(), "values": style or values.DEFAULT})
    response = _json(body)
    if query.preferred_page:
        response.headers["Preference-Applied"] = f"odata.maxpagesize={query.page_size}"
    return response


@bp.get("/Responses/$count", defaults={"style": None})
@bp.get(f"/<{STYLES}:style>/Responses/$count")
@token_required
def responses_count(style: str | None):
    """How many responses pass $filter, as plain text."""
    response_feed, _query = _response_feed(style)
    found = feed.count(response_feed)
    _pulled(0, {"odata": request.args.to_dict(), "count": found})
    return Response(str(found), content_type="text/plain;charset=utf-8")


def _results(style: str | None) -> tuple[list[dict[str, Any]], options.Query]:
    questionnaire = _questionnaire()
    api_filters = {k: v for k, v in request.args.items() if not k.startswith("$")}
    lang = params.language(request.args)
    filters, errors = checked_filters(
        questionnaire,
        request.args,
        page=RESULT_OPTIONS,
        min_base=current_app.config["ENGAGE_MIN_FILTERED_BASE"],
    )
    names = [p.name for p in feed.RESULT_PROPERTIES]
    query, wrong = options.read(request.args, request.headers.get("Prefer", ""), names)
    errors |= wrong
    if query.filter:
        errors["$filter"] = (
            "The Results feed is filtered by the dashboard's options, not $filter: add "
            "since, until, ward, event, channel or version to the address, for example "
            "Results?ward=E05000001&since=2026-06-01"
        )
    chosen, wrong_weights = weights.choice(questionnaire, request.args.get("weights"))
    errors |= wrong_weights
    if errors:
        raise ApiError(400, BAD, errors)
    rows = feed.result_rows(questionnaire, filters, configured_k(), lang, chosen.weighting)
    _pulled(len(rows), {"odata": api_filters, **filters.as_dict()})
    return rows, query


@bp.get("/Results", defaults={"style": None})
@bp.get(f"/<{STYLES}:style>/Results")
@token_required
def results(style: str | None):
    """Every closed question's counts, one row per option, suppressed as on the dashboard."""
    rows, query = _results(style)
    total = len(rows)
    rows = rows[query.skip :]
    if query.top is not None:
        rows = rows[: query.top]
    if query.select:
        rows = [{name: row[name] for name in query.select} for row in rows]
    return _json(_collection(style, feed.RESULTS, query, rows, total if query.count else None))


@bp.get("/Results/$count", defaults={"style": None})
@bp.get(f"/<{STYLES}:style>/Results/$count")
@token_required
def results_count(style: str | None):
    rows, _query = _results(style)
    return Response(str(len(rows)), content_type="text/plain;charset=utf-8")
