"""Offline answers are dated when the resident answered, if the tablet's clock is believable.

A tablet queues responses while it has no connection; they reach the server by upload or
as a file an admin imports, days later. Their day in the trend, the date filters and the
downloads is the day they were answered; a tablet time in the future or before the kiosk
link existed is not believed, and the response is dated when received and flagged.
"""

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.events import services as events
from engage.events.imports import FORMAT
from engage.events.models import Event, RetiredKioskToken
from engage.results import aggregates, crosstabs
from engage.results.filters import ResultFilter
from engage.survey.answered import FUTURE_LEEWAY, answered_time, reported
from engage.survey.models import Response
from engage.survey.services import new_key
from engage.timeutil import aware, utcnow

ANSWERS = {"ward": ["north"], "safe_dark": ["very"], "improve": ["parks"], "satisfied": ["7"]}
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
ISSUED = NOW - timedelta(days=11)


@pytest.mark.parametrize(
    ("value", "kept", "flagged"),
    [
        (None, NOW, False),  # no tablet time: a live post, dated when received
        ("2026-11-24T09:15:00.000Z", datetime(2026, 11, 24, 9, 15, tzinfo=UTC), False),
        ("2026-11-24T10:15:00+01:00", datetime(2026, 11, 24, 9, 15, tzinfo=UTC), False),
        # A tablet clock a little fast: dated now, not in the future.
        ((NOW + FUTURE_LEEWAY).isoformat(), NOW, False),
        ((NOW + FUTURE_LEEWAY + timedelta(seconds=1)).isoformat(), NOW, True),
        ((ISSUED - timedelta(seconds=1)).isoformat(), NOW, True),  # before the link
        (ISSUED.isoformat(), ISSUED, False),
        ("2026-11-24T09:15:00", NOW, True),  # no zone: any of 24 hours
        ("yesterday", NOW, True),
        (1764000000, NOW, True),  # a number is not an ISO time
        (["2026-11-24T09:15:00Z"], NOW, True),
        ("2" * 1000, NOW, True),
    ],
)
def test_a_tablet_time_is_kept_only_when_plausible(value, kept, flagged):
    when = answered_time(value, ISSUED, NOW)
    assert (when.at, when.flagged) == (kept, flagged)


def test_without_a_link_no_tablet_time_is_believed():
    assert answered_time("2026-12-04T11:00:00Z", None, NOW).flagged


def test_older_queue_files_give_queued_at_and_answered_at_comes_first():
    assert reported({"queued_at": "a"}) == "a"
    assert reported({"answered_at": "b", "queued_at": "a"}) == "b"
    assert reported({}) is None


@pytest.fixture
def event(db, questionnaire):
    """An event whose kiosk link was issued 11 days ago and is still valid."""
    made = events.create_event(
        questionnaire.questionnaire.partnership,
        events.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    made.kiosk_issued_at = utcnow() - timedelta(days=11)
    db.session.commit()
    return made


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def item(questionnaire, answered_at: datetime | str) -> dict:
    return {
        "key": new_key(),
        "version": questionnaire.id,
        "lang": "en",
        "answers": ANSWERS,
        "answered_at": answered_at if isinstance(answered_at, str) else iso(answered_at),
    }


def stored(db) -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Response).order_by(Response.id)))


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def assert_dated_ten_days_ago(db, questionnaire, analyst_client, answered: datetime):
    """Every response is on the day it was answered: trend, date filters, downloads."""
    rows = stored(db)
    assert [aware(r.submitted_at) for r in rows] == [answered] * 10
    assert not any(r.time_flagged for r in rows)
    qn, day = questionnaire.questionnaire, answered.date()
    week = day - timedelta(days=day.weekday())  # the trend's periods start on Mondays
    trend = crosstabs.trend(qn, "satisfied", ResultFilter(), 10, "week")
    assert trend["points"] == [{"period": week.isoformat(), "respondents": 10, "value": 7.0}]
    assert aggregates.overview(qn, ResultFilter(since=day, until=day), 10)["total"] == 10
    later = day + timedelta(days=1)
    assert aggregates.overview(qn, ResultFilter(since=later), 10)["total"] == 0
    csv_rows = read_csv(analyst_client.get(f"/exports/responses.csv?since={day}&until={day}"))
    assert [r["submitted_at"] for r in csv_rows] == [iso(answered)[:19] + "Z"] * 10
    assert read_csv(analyst_client.get(f"/exports/responses.csv?since={later}")) == []


def test_uploads_answered_ten_days_ago_are_dated_that_day(
    db, client, analyst_client, questionnaire, event
):
    answered = (utcnow() - timedelta(days=10)).replace(microsecond=0)
    for _ in range(10):
        sent = client.post(
            f"/kiosk/{event.kiosk_token}/responses", json=item(questionnaire, answered)
        )
        assert sent.status_code == 201 and sent.get_json() == {"status": "stored"}
    assert_dated_ten_days_ago(db, questionnaire, analyst_client, answered)


def test_an_upload_from_a_tablet_clock_in_the_future_is_dated_on_receipt_and_flagged(
    db, client, questionnaire, event
):
    before = utcnow()
    tomorrow = item(questionnaire, utcnow() + timedelta(days=1))
    sent = client.post(f"/kiosk/{event.kiosk_token}/responses", json=tomorrow)
    assert sent.status_code == 201
    assert sent.get_json() == {"status": "stored", "time_flagged": True}
    [row] = stored(db)
    assert row.time_flagged and before <= aware(row.submitted_at) <= utcnow()


def test_an_upload_answered_before_the_link_was_issued_is_flagged(db, client, questionnaire, event):
    early = item(questionnaire, utcnow() - timedelta(days=12))
    assert client.post(f"/kiosk/{event.kiosk_token}/responses", json=early).status_code == 201
    [row] = stored(db)
    assert row.time_flagged and aware(row.submitted_at) > utcnow() - timedelta(minutes=1)


def queue_file(event, token, responses) -> bytes:
    data = {
        "format": FORMAT,
        "version": 1,
        "event_token": token,
        "exported_at": iso(utcnow()),
        "responses": responses,
    }
    return json.dumps(data).encode()


def import_queue(client, raw: bytes):
    return client.post(
        "/events/import",
        data={"queue_file": (io.BytesIO(raw), "queue.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_imported_responses_answered_ten_days_ago_are_dated_that_day(
    db, admin_client, analyst_client, questionnaire, event
):
    answered = (utcnow() - timedelta(days=10)).replace(microsecond=0)
    # Files from older kiosks carry only queued_at: the same moment.
    items = [item(questionnaire, answered) for _ in range(5)]
    for old in (item(questionnaire, answered) for _ in range(5)):
        old["queued_at"] = old.pop("answered_at")
        items.append(old)
    page = import_queue(admin_client, queue_file(event, event.kiosk_token, items))
    text = page.get_data(as_text=True)
    assert "10 responses stored, 0 already stored." in text
    assert "dated with the import time" not in text
    assert_dated_ten_days_ago(db, questionnaire, analyst_client, answered)


def test_an_import_counts_the_responses_dated_with_the_import_time(
    db, admin_client, questionnaire, event
):
    good = item(questionnaire, utcnow() - timedelta(days=10))
    future = [item(questionnaire, utcnow() + timedelta(hours=2)) for _ in range(2)]
    page = import_queue(admin_client, queue_file(event, event.kiosk_token, [good, *future]))
    text = page.get_data(as_text=True).replace("\u2019", "'")
    assert "3 responses stored, 0 already stored." in text
    assert "2 were dated with the import time" in text and "tablet's clock" in text
    rows = {r.idempotency_key: r for r in stored(db)}
    assert not rows[good["key"]].time_flagged
    assert all(rows[f["key"]].time_flagged for f in future)


def test_a_file_saved_under_a_replaced_link_is_judged_by_that_links_issue_time(
    db, admin_client, questionnaire, event
):
    """Answered 10 days ago under the old link: believed, though the new link is younger."""
    old_token = event.kiosk_token
    events.new_kiosk_link(event)
    db.session.commit()
    assert aware(event.kiosk_issued_at) > utcnow() - timedelta(minutes=1)
    answered = (utcnow() - timedelta(days=10)).replace(microsecond=0)
    import_queue(admin_client, queue_file(event, old_token, [item(questionnaire, answered)]))
    [row] = stored(db)
    assert (aware(row.submitted_at), row.time_flagged) == (answered, False)
    # Under the new link the same time comes before it was issued: not believed.
    fresh = item(questionnaire, answered)
    import_queue(admin_client, queue_file(event, event.kiosk_token, [fresh]))
    assert next(r for r in stored(db) if r.idempotency_key == fresh["key"]).time_flagged


def test_a_new_link_records_when_each_token_was_issued(db, event):
    first_issued = aware(event.kiosk_issued_at)
    events.new_kiosk_link(event)
    db.session.commit()
    db.session.expire_all()
    fresh = db.session.get(Event, event.id)
    assert aware(fresh.kiosk_issued_at) > first_issued
    [retired] = db.session.scalars(sa.select(RetiredKioskToken))
    assert aware(retired.issued_at) == first_issued
