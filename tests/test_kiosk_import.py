"""Importing a kiosk queue file: whole or not at all, and never a response twice."""

import io
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.events import services
from engage.events.imports import FORMAT
from engage.jobs.models import FAILED, Job
from engage.survey.models import KIOSK, Answer, Response
from engage.survey.services import new_key
from engage.survey.submission import STORED, submit_payload
from engage.timeutil import utcnow


@pytest.fixture
def event(db, partnership, questionnaire):
    made = services.create_event(
        partnership,
        services.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    db.session.commit()
    return made


def response_item(version, ward="north", safe="fairly") -> dict:
    return {
        "key": new_key(),
        "version": version.id,
        "lang": "pl",
        "answers": {"ward": [ward], "safe_dark": [safe], "improve": ["parks", "litter"]},
        # When the tablet queued it: after the link was issued, so it dates the response.
        "queued_at": utcnow().isoformat(),
    }


def queue_file(event, responses, **changes) -> dict:
    data = {
        "format": FORMAT,
        "version": 1,
        "event_token": event.kiosk_token,
        "exported_at": "2026-06-27T16:00:00.000Z",
        "responses": responses,
    }
    data.update(changes)
    return data


def upload(client, data, name="queue.json"):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(
        "/events/import",
        data={"queue_file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def stored(db) -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Response).order_by(Response.id)))


def test_import_stores_each_response_with_its_event_channel_and_language(
    db, admin_client, event, questionnaire
):
    items = [response_item(questionnaire), response_item(questionnaire, ward="south")]
    response = upload(admin_client, queue_file(event, items))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 responses stored, 0 already stored." in page
    rows = stored(db)
    assert [r.idempotency_key for r in rows] == [i["key"] for i in items]
    assert all(r.event_id == event.id and r.channel == KIOSK for r in rows)
    assert all(r.language == "pl" for r in rows)
    assert [r.area.code for r in rows] == ["north", "south"]


def test_same_file_twice_stores_nothing_new(db, admin_client, event, questionnaire):
    data = queue_file(event, [response_item(questionnaire), response_item(questionnaire)])
    upload(admin_client, data)
    answers = db.session.scalar(sa.select(sa.func.count(Answer.id)))
    response = upload(admin_client, data)
    assert "0 responses stored, 2 already stored." in response.get_data(as_text=True)
    assert len(stored(db)) == 2
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == answers


def test_response_uploaded_by_the_kiosk_is_not_stored_again(db, admin_client, event, questionnaire):
    uploaded, waiting = response_item(questionnaire), response_item(questionnaire)
    outcome = submit_payload(questionnaire.questionnaire, uploaded, channel=KIOSK, event=event)
    assert outcome.status == STORED
    db.session.commit()
    response = upload(admin_client, queue_file(event, [uploaded, waiting]))
    assert "1 response stored, 1 already stored." in response.get_data(as_text=True)
    assert sorted(r.idempotency_key for r in stored(db)) == sorted(
        [uploaded["key"], waiting["key"]]
    )


def test_one_invalid_response_imports_nothing_and_names_the_problem(
    db, admin_client, event, questionnaire
):
    good = response_item(questionnaire)
    bad = response_item(questionnaire, safe="not_an_option")
    bad["answers"].pop("ward")
    response = upload(admin_client, queue_file(event, [good, bad]))
    page = response.get_data(as_text=True)
    # The file's outline was fine, so it went to the job worker; the job's page says why
    # it stored nothing.
    assert response.request.path.startswith("/jobs/")
    assert db.session.scalar(sa.select(Job.status)) == FAILED
    assert "Nothing was imported" in page
    assert f"Response 2 (key {bad['key']})" in page
    assert "ward:" in page and "safe_dark:" in page
    assert "Response 1" not in page
    assert stored(db) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "The file is not valid JSON."),
        (b"[]", "The file is not a kiosk queue file"),
        (json.dumps({"format": "something-else"}).encode(), "not a kiosk queue file"),
        (json.dumps({"format": FORMAT, "version": 2}).encode(), "format version 2"),
    ],
)
def test_files_that_are_not_queue_files_are_refused(db, admin_client, event, content, message):
    response = upload(admin_client, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(db) == []


def test_unknown_event_token_is_refused(db, admin_client, event, questionnaire):
    data = queue_file(event, [response_item(questionnaire)], event_token="no-such-token")
    response = upload(admin_client, data)
    assert response.status_code == 400
    assert "does not match any event" in response.get_data(as_text=True)
    assert stored(db) == []


def test_bad_key_and_unpublished_version_are_named(db, admin_client, event, questionnaire):
    no_key = response_item(questionnaire)
    no_key["key"] = "short"
    old = response_item(questionnaire)
    old["version"] = 9999
    page = upload(admin_client, queue_file(event, [no_key, old, "junk"])).get_data(as_text=True)
    assert "Response 1 (key short): The response has no valid key." in page
    assert f"Response 2 (key {old['key']}): The response names a questionnaire version" in page
    assert "Response 3: not a response object." in page
    assert stored(db) == []


def test_file_from_an_expired_link_is_still_imported(db, admin_client, event, questionnaire):
    event.starts_on = utcnow().date() - timedelta(days=60)
    event.kiosk_valid_until = services.kiosk_valid_until(event.starts_on)
    db.session.commit()
    assert services.event_for_token(event.kiosk_token) is None
    response = upload(admin_client, queue_file(event, [response_item(questionnaire)]))
    assert "1 response stored, 0 already stored." in response.get_data(as_text=True)
    [row] = stored(db)
    assert row.event_id == event.id


def test_file_saved_under_a_replaced_link_is_still_imported(db, admin_client, event, questionnaire):
    data = queue_file(event, [response_item(questionnaire)])
    services.new_kiosk_link(event)
    db.session.commit()
    assert services.event_for_token(data["event_token"]) is None
    response = upload(admin_client, data)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(stored(db)) == 1


def test_file_with_an_unknown_token_imports_nothing(db, admin_client, event, questionnaire):
    data = dict(queue_file(event, [response_item(questionnaire)]), event_token="not-a-token")
    response = upload(admin_client, data)
    assert response.status_code == 400
    assert "does not match any event" in response.get_data(as_text=True)
    assert stored(db) == []


def test_upload_without_a_file_asks_for_one(admin_client, event):
    response = admin_client.post("/events/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the queue file to import" in response.get_data(as_text=True)


def test_cli_imports_a_file_and_prints_the_summary(db, runner, event, questionnaire, tmp_path):
    path = tmp_path / "queue.json"
    path.write_text(json.dumps(queue_file(event, [response_item(questionnaire)] * 1)))
    result = runner.invoke(args=["kiosk-import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Fun day: 1 response stored, 0 already stored." in result.output
    again = runner.invoke(args=["kiosk-import", str(path)])
    assert "0 responses stored, 1 already stored." in again.output
    assert len(stored(db)) == 1


def test_cli_refuses_a_file_with_an_invalid_response(db, runner, event, questionnaire, tmp_path):
    bad = response_item(questionnaire, ward="atlantis")
    path = tmp_path / "queue.json"
    path.write_text(json.dumps(queue_file(event, [response_item(questionnaire), bad])))
    result = runner.invoke(args=["kiosk-import", str(path)])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output
    assert f"Response 2 (key {bad['key']})" in result.output
    assert stored(db) == []


def test_a_file_name_with_control_characters_or_folders_is_stored_clean(
    db, admin_client, event, questionnaire
):
    """Browsers send any name: PostgreSQL refuses NUL, and a job title shows no folders."""
    response = upload(
        admin_client, queue_file(event, [response_item(questionnaire)]), "tablets/q\x00ue\x1b.json"
    )
    assert response.status_code == 200
    assert "1 response stored" in response.get_data(as_text=True)
    job = db.session.scalar(sa.select(Job).order_by(Job.id.desc()))
    assert "‘que.json’" in job.title


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\Users\\staff\\queue.json", "queue.json"),
        ("tablets/q\x00ue\x1b.json", "que.json"),
        ("queue\r\n2.json", "queue 2.json"),
        ("\x00\x07", "queue file"),
    ],
)
def test_an_uploaded_name_keeps_no_folders_control_characters_or_line_breaks(sent, kept):
    from engage.forms import upload_name

    assert upload_name(sent, "queue file") == kept
