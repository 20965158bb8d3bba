"""How large a request may be: MAX_CONTENT_LENGTH (2 MB) everywhere, except pages made
for large files, which name their own limit in the configuration.

Kept on the request class rather than set inside the view, because the CSRF check
reads the form (and so the body) before any view runs.
"""

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

# endpoint -> the configuration key giving its limit in megabytes
LARGE_UPLOADS = {
    "events.import_queue": "ENGAGE_IMPORT_MAX_MB",
    "maps.boundaries": "ENGAGE_BOUNDARIES_MAX_MB",
}
MEGABYTE = 1024 * 1024


class LimitedRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.url_rule is not None:
            key = LARGE_UPLOADS.get(self.url_rule.endpoint or "")
            if key and current_app:
                return int(float(current_app.config[key]) * MEGABYTE)
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def refuse_oversized() -> None:
    """Answer 413 before the view runs when the declared length is over the limit.

    Werkzeug refuses a large body only when something reads it, so a view that never
    reads it (a kiosk upload sent as text/plain, say) would answer something else; here
    every route refuses it the same way, JSON for scripts and a page for people.
    """
    declared = request.content_length
    limit = request.max_content_length
    if declared is not None and limit is not None and declared > limit:
        raise RequestEntityTooLarge()


def register(app: Flask) -> None:
    app.request_class = LimitedRequest
    app.before_request(refuse_oversized)
