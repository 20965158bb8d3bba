"""The OpenAPI 3.1 document for /api/v1, built as plain data."""

from typing import Any

from engage.api.params import DEFAULT_LIMIT, MAX_LIMIT
from engage.api.schemas import SCHEMAS
from engage.database import MAX_ID
from engage.i18n import LANGUAGES
from engage.survey.models import CHANNELS


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _query(name: str, description: str, schema: dict, repeatable: bool = False) -> dict:
    if repeatable:
        schema = {"type": "array", "items": schema}
    parameter = {"name": name, "in": "query", "required": False, "description": description}
    parameter["schema"] = schema
    if repeatable:
        parameter.update(style="form", explode=True)
    return parameter


# Event ids and version numbers: whole numbers no larger than the database holds.
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

PARAMETERS: dict[str, dict[str, Any]] = {
    "since": _query(
        "since",
        "Only responses submitted on or after this date (YYYY-MM-DD, a day in the "
        "partnership's time zone).",
        {"type": "string", "format": "date"},
    ),
    # /responses also takes a moment, so a tool can ask for what arrived since its last pull.
    "since_moment": _query(
        "since",
        "Only responses submitted on or after this date (YYYY-MM-DD, a day in the "
        "partnership's time zone), or this date and time (ISO 8601; UTC when no zone is "
        "given).",
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "examples": ["2026-06-27", "2026-06-27T14:30:00Z"],
        },
    ),
    "until": _query(
        "until",
        "Only responses submitted on or before this date (YYYY-MM-DD, a day in the "
        "partnership's time zone).",
        {"type": "string", "format": "date"},
    ),
    "ward": _query(
        "ward", "Only responses from these wards (area codes).", {"type": "string"}, True
    ),
    "event": _query("event", "Only responses from these events (ids).", ID, True),
    "channel": _query(
        "channel",
        "Only responses from these channels.",
        {"type": "string", "enum": list(CHANNELS)},
        True,
    ),
    "version": _query("version", "Only responses to these questionnaire versions.", ID, True),
    "mine": _query(
        "mine",
        "1 for only the questions of your agency.",
        {"type": "string", "enum": ["1", "true", "yes", "on"]},
    ),
    "answer": _query(
        "answer",
        "Only respondents who gave this answer to a single-choice question, as "
        "question_code:option_code. Several answers to one question: any of them; "
        "answers to different questions: all of them. The question's code also works as a "
        "parameter of its own (age_band=age16_34). Any parameter that is neither a filter "
        "nor a single-choice question's code is refused with a 400.",
        {"type": "string", "pattern": "^[^:]+:[^:]+$", "examples": ["tenure:social_rent"]},
        True,
    ),
    "limit": _query(
        "limit",
        f"Responses per page, from 1 to {MAX_LIMIT}.",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    ),
    "values": _query(
        "values",
        "How option answers are given: codes (very_unsafe, the default everywhere), "
        "numbers (4, as in SPSS and Stata files) or labels (Very unsafe).",
        {"type": "string", "enum": ["codes", "numbers", "labels"], "default": "codes"},
    ),
    "cursor": _query(
        "cursor",
        "The next_cursor of the previous page; leave out for the first page.",
        {"type": "string"},
    ),
    "lang": _query(
        "lang",
        "Language of the texts; a missing translation falls back to English.",
        {"type": "string", "enum": list(LANGUAGES), "default": "en"},
    ),
    "weights": _query(
        "weights",
        "The weighting: a scheme's name, or none for the figures as answered. Default: "
        "the default scheme once it has weights, else as answered.",
        {"type": "string"},
    ),
    "code": {
        "name": "code",
        "in": "path",
        "required": True,
        "description": "The question's code, stable across versions.",
        "schema": {"type": "string"},
    },
}
FILTERS = ["since", "until", "ward", "event", "channel", "version", "mine", "answer"]

ERRORS = {
    "BadRequest": "A query parameter is not valid; `fields` has a message for each one.",
    "Unauthorized": "The Authorization header is missing, or the token is not valid or revoked.",
    "Forbidden": "The token's account is not an analyst or administrator.",
    "NotFound": "No such question, no published questionnaire, or no such address.",
    "MethodNotAllowed": "Only GET is allowed.",
    "PayloadTooLarge": "The request body is too large.",
    "ServerError": "Something went wrong on the server.",
}
ERROR_STATUS = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "405": "MethodNotAllowed",
    "413": "PayloadTooLarge",
    "500": "ServerError",
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(summary: str, ok: dict, parameters: list[str], errors: list[str], public=False):
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [_ref("parameters", name) for name in parameters],
        "responses": {"200": ok}
        | {status: _ref("responses", ERROR_STATUS[status]) for status in errors},
    }
    if public:
        operation["security"] = []
    return operation


AUTHED_ERRORS = ["400", "401", "403", "404", "405", "413", "500"]


def document() -> dict[str, Any]:
    """Every endpoint, parameter, the bearer scheme and the response and error schemas."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Engage API",
            "version": "1.0.0",
            "description": (
                "The partnership's shared results for agencies' own tools. Create a personal "
                "token on the ‘Your API tokens’ page and send it as "
                "`Authorization: Bearer <token>`. Every pull is recorded in the audit trail."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/questionnaire": {
                "get": _operation(
                    "The current published questionnaire",
                    _json(_ref("schemas", "Questionnaire"), "The questionnaire."),
                    ["lang"],
                    AUTHED_ERRORS,
                )
            },
            "/responses": {
                "get": _operation(
                    "Row-level responses, one page at a time",
                    _json(_ref("schemas", "ResponsePage"), "A page of responses, oldest first."),
                    ["since_moment", *FILTERS[1:], "values", "lang", "limit", "cursor"],
                    AUTHED_ERRORS,
                )
            },
            "/results/{code}": {
                "get": _operation(
                    "One question's aggregate results, perturbed by cell key, small counts hidden",
                    _json(_ref("schemas", "Results"), "The question's results."),
                    ["code", *FILTERS, "lang", "weights"],
                    AUTHED_ERRORS,
                )
            },
            "/openapi.json": {
                "get": _operation(
                    "This document",
                    _json({"type": "object"}, "The OpenAPI document."),
                    [],
                    ["404", "405", "500"],
                    public=True,
                )
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token of an analyst or administrator.",
                }
            },
            "parameters": PARAMETERS,
            "schemas": SCHEMAS,
            "responses": {
                name: _json(_ref("schemas", "Error"), description)
                for name, description in ERRORS.items()
            },
        },
    }
