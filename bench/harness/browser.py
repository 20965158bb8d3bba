"""A browser as little as the scale-out check needs: a cookie jar shared across servers
(a session signed on one is good on the other, given the same secret key), form
posts with the page's CSRF token, and no redirects followed.
"""

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from harness.servers import request

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


class Browser:
    """One person's cookies, used against whichever server a request is sent to."""

    def __init__(self, timeout: float = 15.0):
        self.cookies: dict[str, str] = {}
        self.timeout = timeout

    def _send(self, port: int, method: str, path: str, body: bytes | None, headers: dict):
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        status, message, content = request(port, method, path, body, headers, self.timeout)
        for header in message.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if not morsel.value or "1970" in (morsel["expires"] or ""):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return status, message, content.decode("utf-8", "replace")

    def get(self, port: int, path: str) -> tuple[int, str]:
        status, _, text = self._send(port, "GET", path, None, {})
        return status, text

    def post(self, port: int, path: str, form: dict[str, str]) -> tuple[int, str]:
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, _, text = self._send(port, "POST", path, body, headers)
        return status, text

    def csrf_token(self, port: int, path: str) -> str:
        """The CSRF token in the form on ``path`` (fetching it also sets the session)."""
        status, text = self.get(port, path)
        found = CSRF.search(text)
        if status != 200 or found is None:
            raise RuntimeError(f"no form with a CSRF token at {path} (HTTP {status})")
        return found.group(1)
