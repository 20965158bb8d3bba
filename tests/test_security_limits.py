"""Rate limits and size limits, as an attacker (or a busy venue) meets them.

The limiter is off in tests unless a test turns it on (RATELIMIT_ENABLED), as these do.
"""

import io
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from engage.config import from_environment
from engage.events import services as event_services
from engage.extensions import db as _db
from engage.panels.ballot_box import codes
from engage.panels.models import VOTING
from engage.survey.models import Response
from engage.survey.services import new_key
from engage.timeutil import utcnow
from tests import factories, panel_factories
from tests import test_permissions as matrix
from tests.security_helpers import (
    another_app,
    csrf_config,
    csrf_token,
    post_form,
    row_counts,
    sign_in,
)
from tests.survey_walk import SurveyPage, submit, walk

REDIS_URL = "redis://127.0.0.1:6379/0"
SIGN_IN_MESSAGE = "Too many sign-in attempts. Wait 15 minutes and try again."
ANSWERS = {"ward": ["north"], "improve": ["parks"], "safe_dark": ["very"], "household": ["2"]}

fast_passwords = matrix.fast_passwords
pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def app_config(app_config):
    return {**csrf_config(app_config), "RATELIMIT_ENABLED": True}


@pytest.fixture
def analyst(db, partnership):
    user = factories.make_user(partnership, "analyst", email="ana@example.org")
    db.session.commit()
    return user


@pytest.fixture
def event(db, questionnaire):
    event = event_services.create_event(
        questionnaire.questionnaire.partnership,
        event_services.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=1)),
    )
    db.session.commit()
    return event


def attempt(client, email, password="wrong password!"):  # noqa: S107
    return post_form(client, "/login", {"email": email, "password": password})


def assert_throttled(response, message=SIGN_IN_MESSAGE, window=15 * 60):
    assert response.status_code == 429
    assert message in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= window


def kiosk_upload(client, event, questionnaire):
    body = {"key": new_key(), "version": questionnaire.id, "lang": "en", "answers": ANSWERS}
    return client.post(f"/kiosk/{event.kiosk_token}/responses", json=body)


def test_five_failed_sign_ins_lock_the_account_for_15_minutes(app, client, analyst):
    for _ in range(5):
        assert attempt(client, analyst.email).status_code == 401
    # The sixth is refused even with the right password, and from another address.
    assert_throttled(attempt(client, analyst.email, factories.PASSWORD))
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for variant in ("ANA@example.org ", "ana@example.org\x07"):
        assert_throttled(attempt(elsewhere, variant, factories.PASSWORD))
    # Other accounts are not affected.
    other = factories.make_user(analyst.agency.partnership, "admin")
    _db.session.commit()
    assert sign_in(app, other.email).get("/home").status_code == 200


def test_successful_sign_ins_do_not_count(app, analyst):
    for _ in range(8):
        client = sign_in(app, analyst.email)
        assert post_form(client, "/logout", form_page="/home").status_code == 302
    assert sign_in(app, analyst.email).get("/home").status_code == 200


def test_twenty_failures_from_one_address_block_it_for_every_account(app, client, analyst):
    for n in range(20):
        assert attempt(client, f"nobody{n}@example.org").status_code == 401
    assert_throttled(attempt(client, analyst.email, factories.PASSWORD))
    # Another address signs in as usual.
    assert sign_in(app, analyst.email, environ={"REMOTE_ADDR": "198.51.100.8"})


def test_the_sign_in_throttle_holds_across_two_servers_sharing_redis(app_config, analyst):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"engage-test-{uuid.uuid4().hex}"
    config = {**app_config, "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    try:
        with another_app(config) as first, another_app(config) as second:
            one, two = first.test_client(), second.test_client()
            two.environ_base["REMOTE_ADDR"] = "198.51.100.9"
            for client in (one, two, one, two, one):
                assert attempt(client, analyst.email).status_code == 401
            assert_throttled(attempt(two, analyst.email, factories.PASSWORD))
            assert_throttled(attempt(one, analyst.email, factories.PASSWORD))
        assert connection.keys(f"*{prefix}*")  # the counts are in Redis, not in either server
    finally:
        keys = connection.keys(f"*{prefix}*")
        if keys:
            connection.delete(*keys)
        connection.close()


def test_guessing_voter_codes_is_throttled_per_address(app, db, partnership):
    app.config["ENGAGE_VOTER_CODE_LIMIT"] = "3 per 15 minutes"
    user = panel_factories.facilitator(partnership)
    vote = panel_factories.make_vote(partnership, user, VOTING)
    (card,) = codes.generate_codes(vote, 1, user)
    db.session.commit()
    guesser = app.test_client()
    token = csrf_token(guesser, "/vote/enter")
    for guess in ("AAAA-BBBB-CCCC", "AAAA-BBBB-CCCD", "AAAA-BBBB-CCCE"):
        refused = guesser.post("/vote/enter", data={"code": guess, "csrf_token": token})
        assert refused.status_code == 400
    blocked = guesser.post("/vote/enter", data={"code": "AAAA-BBBB-CCCF", "csrf_token": token})
    assert_throttled(blocked, "Too many codes were tried from this connection")
    # Members at another address are let in.
    member = app.test_client()
    member.environ_base["REMOTE_ADDR"] = "198.51.100.10"
    assert post_form(member, "/vote/enter", {"code": card.code}, "/vote/enter").status_code == 303


def test_fifty_tablets_behind_one_address_all_upload(client, db, questionnaire, event):
    for _ in range(50):
        assert kiosk_upload(client, event, questionnaire).status_code == 201
    assert row_counts()["response"] == 50


def test_a_flood_of_kiosk_uploads_from_one_address_gets_a_json_429_with_retry_after(
    app, client, db, questionnaire, event
):
    app.config["ENGAGE_KIOSK_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert kiosk_upload(client, event, questionnaire).status_code == 201
    refused = kiosk_upload(client, event, questionnaire)
    assert refused.status_code == 429
    assert "Wait a minute" in refused.json["error"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert row_counts()["response"] == 3


def test_a_throttled_survey_keeps_the_residents_answers(app, client, db, questionnaire):
    app.config["ENGAGE_SURVEY_LIMIT"] = "1 per minute"
    token = csrf_token(client, "/survey/")
    data = {
        "csrf_token": token,
        "_version": str(questionnaire.id),
        "q-ward": "north",
        "q-safe_dark": "very",
        "q-street": "Mill Lane",
    }
    assert client.post("/survey/", data={**data, "_key": new_key()}).status_code == 303
    again = client.post("/survey/", data={**data, "_key": new_key()})
    page = again.get_data(as_text=True)
    assert again.status_code == 429
    assert "Your answers are still here" in page and 'value="Mill Lane"' in page
    assert int(again.headers["Retry-After"]) > 0
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
    assert count == 1


def test_moving_between_survey_pages_does_not_use_up_the_limit(app, client, db, questionnaire):
    app.config["ENGAGE_SURVEY_LIMIT"] = "1 per minute"
    answers = {"q-ward": "north", "q-safe_dark": "very", "q-street": "Mill Lane"}
    pages = walk(client, answers)  # four pages of questions, then check-your-answers
    assert len(pages) == 5
    assert submit(client, pages[-1]).status_code == 303
    # Once the submissions are used up, the next page sent is refused, answers kept.
    first = SurveyPage(client.get("/survey/").get_data(as_text=True))
    refused = client.post("/survey/", data=first.form(answers, "next"))
    assert refused.status_code == 429
    again = SurveyPage(refused.get_data(as_text=True))
    assert again.heading == "Your area"
    assert "Your answers are still here" in again.html
    assert 'value="north" checked' in again.html


# MAX_CONTENT_LENGTH (2 MB): a clear 413, as a page for people and as JSON for scripts.
def _too_big(app) -> bytes:
    return b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)


def test_an_oversized_survey_gets_a_413_page(app, client, questionnaire):
    response = client.post("/survey/", data={"q-street": _too_big(app).decode()})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "What you sent is too large" in page and "the limit is 2 MB" in page


def test_oversized_uploads_get_a_413_page(app, db, partnership):
    user = panel_factories.facilitator(partnership)
    analyst = factories.make_user(partnership, "analyst")
    vote = panel_factories.make_vote(partnership, user, VOTING)
    db.session.commit()
    facilitator, analyst_client = sign_in(app, user.email), sign_in(app, analyst.email)
    before = row_counts()
    uploads = [
        (facilitator, f"/panels/votes/{vote.id}/paper", "ballots_file", "paper.csv"),
        (analyst_client, "/bank/imports/new", "workbook", "form.xlsx"),
    ]
    for client, url, field, name in uploads:
        upload = FileStorage(io.BytesIO(_too_big(app)), filename=name)
        fields = {"csrf_token": csrf_token(client, url), field: upload}
        # Encoded here, as bytes: the test client would spool a body this big to a file.
        boundary, body = encode_multipart(fields)
        response = client.post(
            url, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert response.status_code == 413, url
        assert "the limit is 2 MB" in response.get_data(as_text=True), url
    assert row_counts() == before


def test_an_oversized_kiosk_upload_gets_a_json_413(app, client, questionnaire, event):
    response = client.post(
        f"/kiosk/{event.kiosk_token}/responses",
        data=_too_big(app),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json["error"]["message"] == "The request is too large: the limit is 2 MB."
    # The API's own JSON 413 is tested in tests/test_api.py (a_body_over_the_limit).


def test_storage_and_limits_come_from_the_environment():
    values = from_environment(
        {
            "ENGAGE_RATELIMIT_STORAGE_URL": REDIS_URL,
            "ENGAGE_KIOSK_LIMIT": "900 per minute",
            "ENGAGE_RATELIMIT_ENABLED": "0",
            "ENGAGE_TRUSTED_PROXIES": "1",
        }
    )
    assert values["RATELIMIT_STORAGE_URI"] == REDIS_URL
    assert values["ENGAGE_KIOSK_LIMIT"] == "900 per minute"
    assert values["RATELIMIT_ENABLED"] is False
    assert values["ENGAGE_TRUSTED_PROXIES"] == 1
    # Outside the test suite the limiter is on, counting in memory unless told otherwise.
    served = {"SECRET_KEY": "s" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with another_app(served) as app:
        assert app.config["RATELIMIT_ENABLED"] is True
        assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
        assert "engage_limiter" in app.extensions
