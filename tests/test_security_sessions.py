"""Sessions and cookies: production cookie flags, a new session at sign-in, no replay after
sign-out, and no redirect off the site. CSRF protection is on, as in production."""

import pytest

from tests import factories
from tests import test_permissions as matrix
from tests.security_helpers import another_app, csrf_config, csrf_token, post_form, sign_in

COOKIE = "session"
# One hash round: these tests sign in many times and are not about password hashing.
fast_passwords = matrix.fast_passwords
pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def app_config(app_config):
    return csrf_config(app_config)


@pytest.fixture
def analyst(db, partnership):
    user = factories.make_user(partnership, "analyst", email="ana@example.org")
    db.session.commit()
    return user


def _cookie(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def test_production_session_cookie_is_secure_httponly_and_samesite(app_config, analyst):
    production = {**app_config, "ENGAGE_ENV": "production", "SECRET_KEY": "s" * 64}
    production["ENGAGE_CONTACT_KEY"] = "c" * 64
    with another_app(production) as app:
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"  # behind the TLS proxy
        response = post_form(
            client, "/login", {"email": analyst.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302
        (set_cookie,) = [v for v in response.headers.getlist("Set-Cookie") if "session=" in v]
        flags = [part.strip().lower() for part in set_cookie.split(";")]
        assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags
        assert client.get("/home").status_code == 200


def test_development_cookie_is_httponly_and_samesite_but_works_over_http(client, analyst):
    response = post_form(client, "/login", {"email": analyst.email, "password": factories.PASSWORD})
    set_cookie = response.headers["Set-Cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie
    assert "secure" not in set_cookie


def test_sign_in_gives_a_new_session_and_the_old_cookie_stays_signed_out(app, client, analyst):
    csrf_token(client)  # the visitor's pre-sign-in session, as someone might have planted it
    planted = _cookie(client)
    assert planted

    response = post_form(client, "/login", {"email": analyst.email, "password": factories.PASSWORD})

    assert response.status_code == 302
    assert _cookie(client) not in (None, planted)
    assert client.get("/home").status_code == 200
    attacker = app.test_client()
    attacker.set_cookie(COOKIE, planted)
    refused = attacker.get("/home")
    assert refused.status_code == 302 and refused.location.startswith("/login")


def test_a_cookie_copied_before_sign_out_no_longer_works(app, analyst):
    client = sign_in(app, analyst.email)
    copied = _cookie(client)
    assert post_form(client, "/logout", form_page="/home").status_code == 302

    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    response = thief.get("/home")
    assert response.status_code == 302 and response.location.startswith("/login")


OFF_SITE = (
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "http:/evil.example",
    " //evil.example",
    "/\t/evil.example",
)


def test_sign_in_never_redirects_off_the_site(app, analyst):
    for target in OFF_SITE:
        client = app.test_client()
        response = post_form(
            client,
            "/login",
            {"email": analyst.email, "password": factories.PASSWORD},
            query_string={"next": target},
        )
        assert (response.status_code, response.location) == (302, "/home"), target
        # Signed in, the login page sends staff home, whatever next says.
        again = client.get("/login", query_string={"next": target})
        assert (again.status_code, again.location) == (302, "/home"), target
    # A path on this site is followed.
    client = app.test_client()
    response = post_form(
        client,
        "/login",
        {"email": analyst.email, "password": factories.PASSWORD},
        query_string={"next": "/results/?wards=north"},
    )
    assert response.location == "/results/?wards=north"


def test_a_signed_out_visitor_is_sent_to_sign_in_with_a_path_only(client, partnership):
    response = client.get("/results/", base_url="http://engage.example")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Fresults%2F"
