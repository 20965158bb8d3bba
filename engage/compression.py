"""Gzip text responses for clients that accept it, so a kiosk page on poor Wi-Fi stays small.

A reverse proxy may do this in production; doing it here as well is harmless,
because a response that already has a Content-Encoding is left alone.
"""

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "image/vnd.microsoft.icon",  # favicon.ico: 6 KB, 1 KB gzipped
    "image/x-icon",
)
MIN_SIZE = 500  # below this, gzip's header costs more than it saves


def _accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def compress(response: Response) -> Response:
    """Gzip a complete 200 response with a text type, once."""
    if (
        response.status_code != 200
        or (response.is_streamed and not response.direct_passthrough)
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
        or not _accepts_gzip()
    ):
        return response
    # Static files arrive as a file wrapper meant to pass straight through; read them.
    response.direct_passthrough = False
    source = response.response
    data = response.get_data()
    if hasattr(source, "close"):
        source.close()  # the file is read; do not leave it open until the response closes
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag and not weak:
        # The gzipped bytes differ from the file the strong tag names.
        response.set_etag(etag, weak=True)
    return response


def register(app: Flask) -> None:
    app.after_request(compress)
