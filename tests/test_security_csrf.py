"""CSRF: every state-changing route refuses a form without the session's token.

The route list comes from app.url_map, so a new POST route is covered the day it is
added. The only exemptions are the kiosk's, whose credential is the event token in
the address (tablets post queued answers days later, long after any session).
"""

import pytest

from engage.extensions import csrf
from tests import test_permissions as matrix
from tests.security_helpers import (
    csrf_config,
    post_form,
    row_counts,
    sign_in,
    staff_client,
)

# Borrow the permission matrix's world: one of everything a route can name.
world = matrix.world
fast_passwords = matrix.fast_passwords

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT = {
    # JSON uploads from a kiosk tablet's script: no session, the kiosk token is the credential.
    "kiosk.upload": "kiosk token in the address; answers queued offline outlive any session",
    # The kiosk without JavaScript posts the same answers as a form, to the same token.
    "kiosk.survey": "kiosk token in the address; a tablet's page stays open all day",
}
EXPIRED = "This form has expired or was sent from somewhere else"
SURVEY_EXPIRED = "Your answers are still here"


@pytest.fixture
def app_config(app_config):
    return csrf_config(app_config)


def _state_changing_urls(app, values) -> list[tuple[str, str, str]]:
    found = []
    for endpoint in matrix.ENDPOINTS:
        for method, url in matrix._urls(app, endpoint, values):
            if method in STATE_CHANGING:
                found.append((endpoint, method, url))
    return found


def _is_exempt(app, endpoint: str) -> bool:
    view = app.view_functions[endpoint]
    blueprint = endpoint.rpartition(".")[0]
    return (
        f"{view.__module__}.{view.__name__}" in csrf._exempt_views
        or blueprint in csrf._exempt_blueprints
    )


def test_only_the_kiosk_is_exempt_from_csrf():
    app = matrix._ROUTES
    changing = {r.endpoint for r in app.url_map.iter_rules() if r.methods & STATE_CHANGING}
    assert {endpoint for endpoint in changing if _is_exempt(app, endpoint)} == set(EXEMPT)


def test_every_state_changing_route_refuses_a_post_without_the_token(app, db, partnership, world):
    clients = {"anonymous": app.test_client()}
    for role in matrix.ROLES:
        clients[role] = staff_client(app, partnership, role)
    member = app.test_client()
    entered = post_form(member, "/vote/enter", {"code": world["member_code"]}, "/vote/enter")
    assert entered.status_code == 303
    clients["member"] = member
    before = row_counts()

    checked, failures = 0, []
    for endpoint, method, url in _state_changing_urls(app, world):
        if endpoint in EXEMPT:
            continue
        for who, client in clients.items():
            response = client.open(url, method=method, data={"title": "Sneaky"}, buffered=True)
            page = response.get_data(as_text=True)
            expected = SURVEY_EXPIRED if endpoint == "survey.submit" else EXPIRED
            if response.status_code != 400 or expected not in page:
                failures.append(f"{who} {method} {url} -> {response.status_code}")
            checked += 1

    assert failures == []
    assert checked > 200  # about fifty routes for five kinds of visitor
    assert row_counts() == before


def test_a_login_without_the_token_does_not_sign_in(app, client, db, partnership):
    from tests import factories

    user = factories.make_user(partnership, "analyst")
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302
    # The same form with the token signs in: the refusal above was the token's.
    assert sign_in(app, user.email).get("/home").status_code == 200


def test_an_expired_survey_form_is_shown_again_with_the_answers(client, db, questionnaire):
    version = questionnaire
    response = client.post(
        "/survey/",
        data={"_version": str(version.id), "q-street": "Mill Lane", "q-safe_dark": "agree"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert SURVEY_EXPIRED in page
    assert 'value="Mill Lane"' in page
    assert row_counts()["response"] == 0
