"""A request id on every request: in the audit trail, the logs and the X-Request-ID header.

A reverse proxy may send its own id (nginx's ``$request_id``) as X-Request-ID; it is
kept when it looks like one (8 to 64 letters, digits, dots, dashes and underscores),
so one id follows the request through the proxy's log, Engage's and the audit trail.
"""

import re
import secrets

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
_SHAPE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def current() -> str | None:
    """This request's id, or None outside a request (a command, a job)."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        given = request.headers.get(HEADER, "")
        g.request_id = given if _SHAPE.fullmatch(given) else secrets.token_hex(8)
    return g.request_id


def _send(response: Response) -> Response:
    response.headers[HEADER] = current() or ""
    return response


def register(app: Flask) -> None:
    app.after_request(_send)
