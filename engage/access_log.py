"""Access logs that never hold a voter code: query strings on ``/vote/`` are left out.

Voter cards now carry the code after ``#``, which browsers do not send, but an older card
or a typed address can still put ``?code=`` on ``/vote/enter``. An access log line with
that code and its time, beside the time of each ``POST /vote/<id>/cast``, would pair
members with ballots' casting times, so every logger Engage documents drops the query
string of any ``/vote/`` address, and of a referrer on ``/vote/``:

- ``GunicornLogger``, for ``gunicorn --access-logfile - --logger-class
  engage.access_log.GunicornLogger`` (the deployment in the README);
- ``install_werkzeug_filter``, for the development server of ``make run``.
"""

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

# "/vote/" then anything up to a "?" and the query that follows, up to a space or quote.
_VOTE_QUERY = re.compile(r"(/vote/[^\s?\"']*)\?[^\s\"']*")


def without_vote_queries(text: str) -> str:
    """``text`` with the query string of every ``/vote/`` address taken out."""
    return _VOTE_QUERY.sub(r"\1", text)


def _is_vote(path: object) -> bool:
    return isinstance(path, str) and path.startswith("/vote/")


class GunicornLogger(Logger):
    """gunicorn's logger, with ``/vote/`` query strings out of every access log field."""

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        found = super().atoms(resp, req, environ, request_time)
        vote = _is_vote(environ.get("PATH_INFO"))
        for name, value in found.items():
            if isinstance(value, str):
                found[name] = without_vote_queries(value)
        if vote:
            found["q"] = ""
            found["{query_string}e"] = ""
        return found


class _WerkzeugFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = without_vote_queries(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install_werkzeug_filter() -> None:
    """Keep ``/vote/`` query strings out of the development server's request log."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, _WerkzeugFilter) for f in logger.filters):
        logger.addFilter(_WerkzeugFilter())
