"""Kiosk pages and uploads: authenticated by the event's token, stored exactly once."""

import gzip
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.events import services as events
from engage.questionnaire import services as questionnaire_services
from engage.survey.models import KIOSK, Response
from engage.survey.services import new_key
from engage.timeutil import utcnow

ANSWERS = {
    "ward": ["north"],
    "improve": ["parks"],
    "safe_dark": ["very"],
    "household": ["2"],
}


@pytest.fixture
def event(db, questionnaire):
    event = events.create_event(
        questionnaire.questionnaire.partnership,
        events.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    db.session.commit()
    return event


def payload(questionnaire, key=None, answers=None, lang="pl"):
    return {
        "key": key or new_key(),
        "version": questionnaire.id,
        "lang": lang,
        "answers": ANSWERS if answers is None else answers,
    }


def responses(db):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Response)))


def upload(client, event, body):
    return client.post(f"/kiosk/{event.kiosk_token}/responses", json=body)


def test_second_upload_with_same_key_stores_one_response(client, db, questionnaire, event):
    body = payload(questionnaire)
    first = upload(client, event, body)
    second = upload(client, event, body)
    assert (first.status_code, first.json) == (201, {"status": "stored"})
    assert (second.status_code, second.json) == (200, {"status": "duplicate"})
    [stored] = responses(db)
    assert (stored.channel, stored.event_id, stored.language) == (KIOSK, event.id, "pl")
    assert stored.idempotency_key == body["key"]


def test_upload_with_unknown_token_is_refused(client, db, questionnaire, event):
    response = client.post("/kiosk/not-a-token/responses", json=payload(questionnaire))
    assert response.status_code == 403
    assert responses(db) == []


def test_upload_with_expired_token_is_refused(client, db, questionnaire, event):
    event.kiosk_valid_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert upload(client, event, payload(questionnaire)).status_code == 403
    assert client.get(f"/kiosk/{event.kiosk_token}/").status_code == 403
    assert responses(db) == []


def test_a_link_replaced_or_expired_since_the_last_upload_stores_nothing_more(
    client, db, questionnaire, event
):
    """An upload may use the event this process read for the one before; the link is
    checked again where the response is written, so a link replaced or expired
    elsewhere (another worker, another server) stops at once."""
    first = payload(questionnaire)
    assert upload(client, event, first).status_code == 201
    old_token = event.kiosk_token
    events.new_kiosk_link(event)
    db.session.commit()
    refused = client.post(f"/kiosk/{old_token}/responses", json=payload(questionnaire))
    assert refused.status_code == 403
    assert refused.json == {"error": "This kiosk link is not valid or has expired."}
    assert client.post(f"/kiosk/{old_token}/responses", json=first).status_code == 403

    assert upload(client, event, payload(questionnaire)).status_code == 201
    event.kiosk_valid_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert upload(client, event, payload(questionnaire)).status_code == 403
    assert len(responses(db)) == 2


def test_a_response_takes_the_events_default_area_as_it_is_now(client, db, questionnaire, event):
    draft = questionnaire_services.start_draft(questionnaire.questionnaire)
    next(q for q in draft.questions if q.code == "ward").required = False
    questionnaire_services.publish(draft)
    areas = {a.code: a for a in questionnaire.questionnaire.partnership.areas}
    no_ward = payload(draft, answers={k: v for k, v in ANSWERS.items() if k != "ward"})
    event.default_area = areas["north"]
    db.session.commit()
    assert upload(client, event, no_ward).status_code == 201
    event.default_area = areas["east"]  # changed while this process remembers the event
    db.session.commit()
    assert upload(client, event, {**no_ward, "key": new_key()}).status_code == 201
    stored = sorted(responses(db), key=lambda r: r.id)
    assert [r.area.code for r in stored] == ["north", "east"]


def test_an_upload_leaves_no_connection_committing_each_statement(
    app, client, db, questionnaire, event
):
    """On PostgreSQL an upload's one statement commits by itself; the connection goes
    back to the pool as it came, so the next request's changes are still all or nothing."""
    for _ in range(3):
        assert upload(client, event, payload(questionnaire)).status_code == 201
    with app.app_context():
        db.session.add(Response(version_id=questionnaire.id, idempotency_key=new_key()))
        db.session.flush()
        db.session.rollback()
    assert len(responses(db)) == 3


def test_upload_with_wrong_answers_gets_422_with_messages(client, db, questionnaire, event):
    body = payload(questionnaire, answers={"improve": ["parks"], "household": ["99"]}, lang="en")
    response = upload(client, event, body)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert errors["ward"] == "Select the area you live in"
    assert errors["household"] == "Enter a whole number from 1 to 20"
    assert responses(db) == []


@pytest.mark.parametrize("body", [[1, 2], "text", {"key": "short", "version": 1, "answers": {}}])
def test_malformed_upload_gets_400(client, db, questionnaire, event, body):
    assert upload(client, event, body).status_code == 400
    assert responses(db) == []


def kiosk_form(client, event, lang="en"):
    page = client.get(f"/kiosk/{event.kiosk_token}/{lang}/").get_data(as_text=True)
    key = re.search(r'name="_key" value="([0-9a-f]{32})"', page).group(1)
    version = re.search(r'name="_version" value="(\d+)"', page).group(1)
    return {"_key": key, "_version": version}


def test_kiosk_form_without_javascript_stores_with_event_and_language(client, db, event):
    data = {**kiosk_form(client, event, "ur"), "q-ward": "east", "q-safe_dark": "fairly"}
    response = client.post(f"/kiosk/{event.kiosk_token}/ur/", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/kiosk/{event.kiosk_token}/ur/thanks")
    [stored] = responses(db)
    assert (stored.channel, stored.event_id, stored.language) == (KIOSK, event.id, "ur")
    assert stored.area.code == "east"
    again = client.post(f"/kiosk/{event.kiosk_token}/ur/", data=data)
    assert again.status_code == 303
    assert len(responses(db)) == 1


def test_kiosk_form_with_errors_keeps_answers_and_shows_summary(client, db, event):
    data = {**kiosk_form(client, event), "q-improve": "parks", "q-street": "Mill Lane"}
    response = client.post(f"/kiosk/{event.kiosk_token}/en/", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#q-ward"' in page
    assert 'value="Mill Lane"' in page
    assert re.search(r'value="parks"\s+checked', page)
    assert responses(db) == []


def test_kiosk_posts_need_no_session_csrf_token(app, client, db, questionnaire, event):
    app.config["WTF_CSRF_ENABLED"] = True
    data = {**kiosk_form(client, event), "q-ward": "north", "q-safe_dark": "very"}
    assert client.post(f"/kiosk/{event.kiosk_token}/en/", data=data).status_code == 303
    assert upload(client, event, payload(questionnaire)).status_code == 201
    assert len(responses(db)) == 2


@pytest.mark.parametrize("path", ["", "en/", "pl/", "ur/thanks", "sw.js", "precache.json"])
def test_kiosk_pages_are_never_stored_by_the_browser(client, event, path):
    response = client.get(f"/kiosk/{event.kiosk_token}/{path}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_start_page_offers_each_language_in_itself(client, event):
    page = client.get(f"/kiosk/{event.kiosk_token}/").get_data(as_text=True)
    assert 'lang="pl"' in page and "Rozpocznij po polsku" in page
    assert 'lang="ur"' in page and 'dir="rtl"' in page
    assert "<script>" not in page and " onclick=" not in page


def test_precache_lists_every_language_and_the_assets(client, event):
    urls = client.get(f"/kiosk/{event.kiosk_token}/precache.json").json["urls"]
    for lang in ("en", "pl", "ur"):
        assert f"/kiosk/{event.kiosk_token}/{lang}/" in urls
    assert "/static/css/engage.css" in urls and "/static/js/kiosk.js" in urls


def test_pages_and_assets_are_gzipped_for_browsers_that_accept_it(client, event):
    headers = {"Accept-Encoding": "gzip, deflate"}
    page = client.get(f"/kiosk/{event.kiosk_token}/en/", headers=headers)
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<form" in gzip.decompress(page.get_data())
    css = client.get("/static/css/engage.css", headers=headers)
    assert css.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in css.headers["Vary"]
    with client.get("/static/css/engage.css") as plain:
        assert "Content-Encoding" not in plain.headers
