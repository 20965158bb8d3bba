"""JSON errors for the API: every failure under /api/ answers with a message, never HTML.

The body is always ``{"error": {"status": 404, "code": "not_found", "message": "..."}}``,
with ``"fields": {parameter: message}`` added when query parameters were wrong.
"""

from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

API_PATHS = ("/api/", "/odata/")  # the OData feed answers in JSON too
REALM = "Engage API"

MESSAGES = {
    400: "The request is not valid.",
    401: "Send a valid API token in the Authorization header: 'Authorization: Bearer <token>'.",
    403: "Your token does not allow this. Only analysts and administrators can use the API.",
    404: "There is nothing at this address. See /api/v1/openapi.json for the endpoints.",
    405: "This method is not allowed here. The API only answers GET requests.",
    413: "The request is too large.",
    500: "Something went wrong on the server. Try again later.",
}
# Headers of the original error that still apply to the JSON answer.
KEPT_HEADERS = ("Allow", "Retry-After")


class ApiError(Exception):
    """An API failure with its status, message and, for bad parameters, one message each."""

    def __init__(self, status: int, message: str | None = None, fields: dict | None = None):
        super().__init__(message or MESSAGES.get(status, MESSAGES[500]))
        self.status = status
        self.message = str(self)
        self.fields = fields or {}


def is_api_request() -> bool:
    return request.path.startswith(API_PATHS) or request.path == "/odata"


def error_response(
    status: int, message: str | None = None, fields: dict[str, str] | None = None
) -> Response:
    """The JSON error body for ``status``; 401 carries the Bearer challenge."""
    code = HTTP_STATUS_CODES.get(status, "Error").lower().replace(" ", "_")
    body: dict[str, Any] = {
        "status": status,
        "code": code,
        "message": message or MESSAGES.get(status, MESSAGES[500]),
    }
    if fields:
        body["fields"] = fields
    response = jsonify(error=body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = f'Bearer realm="{REALM}"'
    return response


def from_http_exception(error: HTTPException) -> Response:
    """A werkzeug error (404, 405, 413, 500 ...) as a JSON answer, keeping its Allow header."""
    status = error.code or 500
    response = error_response(status, _message(error, status))
    for name, value in error.get_headers():
        if name in KEPT_HEADERS:
            response.headers[name] = value
    return response


def _message(error: HTTPException, status: int) -> str:
    # Werkzeug's own descriptions talk about browsers; keep ours unless a view gave one.
    default = type(error).description
    if error.description and error.description != default and status != 500:
        return str(error.description)
    return MESSAGES.get(status, str(default or MESSAGES[500]))


def handle_api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.fields)


def register(app: Flask) -> None:
    """App-level handlers for errors under /api/ that no view saw: unknown routes, 405, 500.

    The HTML handlers in engage.main.errors hand over to ``from_http_exception`` for
    API paths; this catches the codes they do not know (401, 415 ...).
    """

    @app.errorhandler(HTTPException)
    def any_http_error(error: HTTPException):
        if is_api_request():
            return from_http_exception(error)
        return error

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        return handle_api_error(error)
