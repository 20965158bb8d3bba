"""Security headers on every response: a strict CSP, HSTS over TLS, nosniff, no framing."""

import re
from pathlib import Path

import pytest
from flask import request

from engage.events import services as event_services
from engage.security import CONTENT_SECURITY_POLICY
from tests.security_helpers import another_app, csrf_config

ROOT = Path(__file__).resolve().parent.parent
# For tests of headers alone, which never reach the database.
NO_DATABASE = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "worker-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


@pytest.fixture
def app_config(app_config):
    return csrf_config(app_config)


@pytest.fixture
def kiosk_token(db, partnership, questionnaire):
    event = event_services.create_event(
        partnership,
        event_services.EventFields(name="Fun day", starts_on=questionnaire.published_at.date()),
    )
    db.session.commit()
    return event.kiosk_token


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_policy_allows_no_inline_script_or_style_and_no_framing():
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    for directive, sources in DIRECTIVES.items():
        assert policy[directive] == sources, directive
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_every_kind_of_response_carries_the_headers(client, questionnaire, kiosk_token):
    paths = [
        "/",
        "/login",
        "/survey/",
        "/vote/enter",
        f"/kiosk/{kiosk_token}/",
        f"/kiosk/{kiosk_token}/sw.js",
        "/api/v1/openapi.json",
        "/static/js/kiosk.js",
        "/no-such-page",
        "/api/v1/responses",  # a JSON 401
    ]
    for path in paths:
        response = client.get(path)
        assert _policy(response) == DIRECTIVES | _policy(response), path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer"), path
        assert "Strict-Transport-Security" not in response.headers, path  # plain http, not prod


def test_pages_with_a_credential_in_the_address_send_no_referrer(
    client, questionnaire, kiosk_token
):
    assert client.get(f"/kiosk/{kiosk_token}/").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/vote/enter?code=ABCD").headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/survey/").headers["Referrer-Policy"] == "same-origin"


def test_hsts_is_sent_over_https(client, partnership):
    response = client.get("/", base_url="https://engage.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_is_sent_in_production():
    production = {
        **NO_DATABASE,
        "ENGAGE_ENV": "production",
        "SECRET_KEY": "s" * 64,
        "ENGAGE_CONTACT_KEY": "c" * 64,
    }
    with another_app(production) as app:
        response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_trusted_proxy_passes_on_https_and_the_client_address():
    """Behind one proxy (ENGAGE_TRUSTED_PROXIES=1) its X-Forwarded-* headers are believed."""
    seen = {}

    def probe():
        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    with another_app({**NO_DATABASE, "ENGAGE_TRUSTED_PROXIES": 1}) as app:
        app.add_url_rule("/_probe", view_func=probe)
        response = app.test_client().get("/_probe", headers=headers)
    assert seen == {"addr": "203.0.113.9", "secure": True}
    assert "Strict-Transport-Security" in response.headers
    # Without the setting the same headers are ignored: a client cannot forge its address.
    with another_app(NO_DATABASE) as plain:
        plain.add_url_rule("/_probe", view_func=probe)
        plain.test_client().get("/_probe", headers=headers)
    assert seen == {"addr": "127.0.0.1", "secure": False}


def test_templates_and_scripts_have_no_inline_script_handlers_or_styles():
    """What the policy would block: keep it out of the source, not just out of the tests."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    style = re.compile(r"""\sstyle\s*=\s*["'{]|<style[\s>]""", re.I)
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "engage").rglob("*.py")
    ):
        text = path.read_text(encoding="utf-8")
        for pattern in (inline_script, handler, style):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []
    for script in (ROOT / "assets").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert "eval(" not in text and "new Function" not in text, script.name
        assert not re.search(r"setAttribute\(\s*[\"']style", text), script.name
