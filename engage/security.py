"""Security headers on every response, and trusting a reverse proxy's forwarded headers.

The pages load nothing from any other host and carry no inline script, inline event
handler or style attribute, so the policy can be strict. SVG charts use presentation
attributes (fill, stroke), which CSP does not govern. SECURITY.md explains each choice.
"""

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # QR codes and charts are inline SVG; data: covers images a stylesheet embeds.
        "img-src 'self' data:",
        "font-src 'self'",
        # The kiosk uploads queued responses and its service worker fetches its pages.
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# A year; not includeSubDomains, since other services of the partnership may share a domain.
HSTS = "max-age=31536000"
# Addresses that carry a credential (a kiosk link, a voter code from a card's QR code)
# must not leak to another page through the Referer header.
NO_REFERRER_PREFIXES = ("/kiosk/", "/vote/")


def add_headers(response: Response) -> Response:
    """Set the security headers; a view that chose its own keeps them."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    no_referrer = request.path.startswith(NO_REFERRER_PREFIXES)
    headers.setdefault("Referrer-Policy", "no-referrer" if no_referrer else "same-origin")
    if request.is_secure or current_app.config.get("ENGAGE_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register(app: Flask) -> None:
    """Add the headers to every response; trust ENGAGE_TRUSTED_PROXIES proxies' X-Forwarded-*.

    Behind nginx or Caddy the client's address and https arrive in X-Forwarded-For
    and X-Forwarded-Proto; the per-address rate limits and HSTS need the real ones.
    Never trust more proxies than there are, or a client could forge its address.
    """
    proxies = int(app.config.get("ENGAGE_TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.after_request(add_headers)
