"""What a page costs a browser on an empty cache: every request it makes and the bytes that
came over the wire for each (response headers included), as headless Chromium reports them
through the DevTools protocol; and a small static server for pages to compare against.

A page's own requests are read from a DevTools session on the page; a service worker's
(its script, and whatever it fetches while installing) from Playwright's requests marked
with ``service_worker``, since they happen on a target of their own.
"""

import base64
import gzip
import mimetypes
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Error as PlaywrightError

from engage.compression import COMPRESSIBLE, MIN_SIZE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONTROLLED = "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
SETTLE_MS = 300  # after the network is idle, for the last events to arrive


@dataclass
class Fetch:
    """One request and what its answer cost."""

    url: str
    status: int = 0
    transferred: int = 0  # bytes received: response headers and the (maybe gzipped) body
    body: int | None = None  # the body's bytes once decoded, when known
    headers: dict[str, str] = field(default_factory=dict)  # the response's, lower-cased
    gzipped: int | None = None  # the body gzipped as the app would, when sent uncompressed

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def encoding(self) -> str:
        return self.headers.get("content-encoding", "")


@dataclass
class Load:
    """One page loaded in a fresh browser context: its own requests and its service worker's."""

    page: list[Fetch]
    worker: list[Fetch]

    @property
    def everything(self) -> list[Fetch]:
        return self.page + self.worker


def kb(fetches: list[Fetch]) -> float:
    """The bytes transferred for ``fetches``, in KB of 1,024 bytes."""
    return sum(f.transferred for f in fetches) / 1024


def decoded_kb(fetches: list[Fetch]) -> float | None:
    """The bodies of ``fetches`` once decompressed, in KB; None if one is not known."""
    if any(f.body is None for f in fetches):
        return None
    return sum(f.body or 0 for f in fetches) / 1024


class _DevTools:
    """The page's network events, by request id."""

    def __init__(self, session: Any):
        self.session = session
        self.fetches: dict[str, Fetch] = {}
        self.order: list[str] = []
        session.on("Network.requestWillBeSent", self._sent)
        session.on("Network.responseReceived", self._response)
        session.on("Network.dataReceived", self._data)
        session.on("Network.loadingFinished", self._finished)
        session.send("Network.enable")

    def _sent(self, event: dict) -> None:
        request_id = event["requestId"]
        if request_id in self.fetches:  # a redirect: the same id, a new request
            request_id = f"{request_id}+{len(self.order)}"
        self.fetches[request_id] = Fetch(event["request"]["url"])
        self.order.append(request_id)

    def _response(self, event: dict) -> None:
        fetch = self.fetches.get(event["requestId"])
        if fetch is not None:
            fetch.status = event["response"]["status"]
            fetch.headers = {k.lower(): v for k, v in event["response"]["headers"].items()}

    def _data(self, event: dict) -> None:
        fetch = self.fetches.get(event["requestId"])
        if fetch is not None:
            fetch.body = (fetch.body or 0) + event["dataLength"]

    def _finished(self, event: dict) -> None:
        fetch = self.fetches.get(event["requestId"])
        if fetch is not None:
            fetch.transferred = int(event["encodedDataLength"])

    def gzip_uncompressed(self) -> None:
        """For each body sent without compression, how small gzip would have made it."""
        for request_id, fetch in self.fetches.items():
            if fetch.status != 200 or fetch.encoding or "+" in request_id:
                continue
            try:
                answer = self.session.send("Network.getResponseBody", {"requestId": request_id})
            except PlaywrightError:  # the browser has dropped it: leave it unknown
                continue
            data = answer["body"]
            raw = base64.b64decode(data) if answer["base64Encoded"] else data.encode()
            fetch.gzipped = len(gzip.compress(raw, compresslevel=6, mtime=0))

    def in_order(self) -> list[Fetch]:
        return [self.fetches[request_id] for request_id in self.order]


def _worker_fetch(request: Any) -> Fetch:
    """A service worker's request, from Playwright (which follows the worker's target)."""
    sizes = request.sizes()
    response = request.response()
    headers = dict(response.headers) if response else {}
    body = sizes["responseBodySize"]
    if body == 0 and response is not None and response.status == 200:
        # The worker's own script is fetched by the browser, which reports no body size.
        body = int(headers.get("content-length", 0))
    return Fetch(
        request.url,
        status=response.status if response else 0,
        transferred=body + sizes["responseHeadersSize"],
        body=None,
        headers=headers,
    )


def measure(browser: Any, url: str, service_worker: bool = False) -> Load:
    """Load ``url`` in a new context (empty cache) until the network is idle.

    With ``service_worker`` false, workers are blocked, so only the page's own requests
    happen; with it true, wait until the worker the page registers controls the page (it
    has installed, precache and all) and the network is idle again.
    """
    context = browser.new_context(service_workers="allow" if service_worker else "block")
    context.set_default_timeout(20_000)
    worker_requests: list[Any] = []
    try:
        page = context.new_page()
        devtools = _DevTools(context.new_cdp_session(page))

        def finished(request: Any) -> None:
            if request.service_worker:
                worker_requests.append(request)

        context.on("requestfinished", finished)
        page.goto(url, wait_until="networkidle")
        if service_worker:
            page.wait_for_function(CONTROLLED)
            page.wait_for_load_state("networkidle")
        page.wait_for_timeout(SETTLE_MS)
        devtools.gzip_uncompressed()
        return Load(devtools.in_order(), [_worker_fetch(r) for r in worker_requests])
    finally:
        context.close()


class _StaticFiles(BaseHTTPRequestHandler):
    """Files under ``root``, gzipped by the same rule as the app's (engage.compression)."""

    root = ""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        relative = os.path.normpath(unquote(urlsplit(self.path).path)).lstrip("/")
        path = os.path.join(self.root, relative or "index.html")
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not os.path.realpath(path).startswith(self.root + os.sep) or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as handle:
            data = handle.read()
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if kind == "application/javascript":
            kind = "text/javascript"
        self.send_response(200)
        if (
            kind in COMPRESSIBLE
            and len(data) >= MIN_SIZE
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            data = gzip.compress(data, compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        text = kind.startswith("text/")
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if text else kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (its signature)
        pass


@contextmanager
def static_server(root: str) -> Iterator[str]:
    """Serve the files under ``root`` on 127.0.0.1 from a thread: the base URL."""
    handler = type("Files", (_StaticFiles,), {"root": os.path.realpath(root)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
