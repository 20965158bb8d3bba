"""Events: create and edit, the kiosk link and QR code, response counts, stats and the demo."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.events import services
from engage.events.models import Event
from engage.partnership.models import Area
from engage.survey.models import KIOSK
from engage.survey.services import new_key
from engage.survey.submission import STORED, submit_payload
from engage.timeutil import utcnow

FUTURE = utcnow().date() + timedelta(days=30)


def event_data(**changes) -> dict:
    data = {
        "name": "Riverside Fun Day",
        "starts_on": [str(FUTURE.day), str(FUTURE.month), str(FUTURE.year)],
        "place": "Riverside Park",
        "default_area": "",
        "idle_seconds": "120",
    }
    data.update(changes)
    return data


def events(db) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Event).order_by(Event.id)))


def make_event(db, partnership, name="Market stall", starts_on=FUTURE, **fields) -> Event:
    event = services.create_event(
        partnership, services.EventFields(name=name, starts_on=starts_on, **fields)
    )
    db.session.commit()
    return event


def payload(version, ward="north") -> dict:
    return {
        "key": new_key(),
        "version": version.id,
        "lang": "en",
        "answers": {"ward": [ward], "safe_dark": ["fairly"]},
    }


# Creating and editing


def test_facilitator_creates_an_event_with_a_kiosk_token(db, facilitator_client, partnership):
    north = db.session.scalar(sa.select(Area).where(Area.code == "north"))
    response = facilitator_client.post(
        "/events/new", data=event_data(default_area=str(north.id), idle_seconds="90")
    )
    assert response.status_code == 302
    [event] = events(db)
    assert response.headers["Location"].endswith(f"/events/{event.id}/")
    assert (event.name, event.starts_on, event.place) == (
        "Riverside Fun Day",
        FUTURE,
        "Riverside Park",
    )
    assert event.default_area_id == north.id
    assert event.idle_seconds == 90
    assert len(event.kiosk_token) == 32
    assert event.created_by_id == facilitator_client.user.id
    assert services.event_for_token(event.kiosk_token).id == event.id


def test_kiosk_link_lasts_until_the_end_of_the_14th_day_after_the_event(db, partnership):
    event = make_event(db, partnership, starts_on=date(2026, 6, 27))
    valid_until = event.kiosk_valid_until.replace(tzinfo=UTC)
    assert valid_until.date() == date(2026, 7, 11)
    assert valid_until.time().hour == 23 and valid_until.time().minute == 59
    assert services.kiosk_active(event, datetime(2026, 7, 4, 12, tzinfo=UTC))  # a week after
    assert services.kiosk_active(event, datetime(2026, 7, 11, 23, 59, tzinfo=UTC))
    assert not services.kiosk_active(event, datetime(2026, 7, 12, 0, 0, 1, tzinfo=UTC))


@pytest.mark.parametrize("idle", ["29", "601", "two minutes", ""])
def test_idle_timeout_outside_30_to_600_is_refused_and_nothing_stored(
    db, facilitator_client, partnership, idle
):
    response = facilitator_client.post("/events/new", data=event_data(idle_seconds=idle))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    if idle:
        assert "Idle timeout must be a whole number of seconds from 30 to 600" in page
        assert f'value="{idle}"' in page
    else:
        assert "Enter the idle timeout in seconds" in page
    assert 'value="Riverside Fun Day"' in page
    assert events(db) == []


@pytest.mark.parametrize(
    ("starts_on", "message"),
    [
        (["", "", ""], "Enter the date of the event"),
        (["31", "2", "2026"], "Date of the event must be a real date"),
        (["12", "", "2026"], "Date of the event must include a month"),
        (["x", "y", "z"], "Date of the event must be a real date"),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(
    db, facilitator_client, partnership, starts_on, message
):
    response = facilitator_client.post("/events/new", data=event_data(starts_on=starts_on))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'value="Riverside Fun Day"' in page
    assert events(db) == []


def test_missing_name_and_unknown_ward_are_refused(db, facilitator_client, partnership):
    response = facilitator_client.post("/events/new", data=event_data(name="", default_area="999"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the event name" in page
    assert "Choose a ward from the list" in page
    assert events(db) == []


def test_edit_changes_the_event_and_moves_the_link_expiry_with_the_date(
    db, admin_client, partnership
):
    event = make_event(db, partnership)
    token = event.kiosk_token
    later = FUTURE + timedelta(days=7)
    form = admin_client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="Market stall"' in form
    response = admin_client.post(
        f"/events/{event.id}/edit",
        data=event_data(
            name="Market stall (moved)",
            starts_on=[str(later.day), str(later.month), str(later.year)],
            idle_seconds="600",
        ),
    )
    assert response.status_code == 302
    [event] = events(db)
    assert event.name == "Market stall (moved)"
    assert event.idle_seconds == 600
    assert event.kiosk_token == token
    assert event.kiosk_valid_until.replace(tzinfo=UTC).date() == later + timedelta(days=14)


def test_bad_edit_keeps_the_input_and_changes_nothing(db, facilitator_client, partnership):
    event = make_event(db, partnership, idle_seconds=200)
    response = facilitator_client.post(
        f"/events/{event.id}/edit", data=event_data(name="Renamed", idle_seconds="29")
    )
    assert response.status_code == 400
    assert 'value="Renamed"' in response.get_data(as_text=True)
    [event] = events(db)
    assert (event.name, event.idle_seconds) == ("Market stall", 200)


# Permissions


@pytest.mark.parametrize("path", ["/events/", "/events/new", "/events/{id}/", "/events/import"])
def test_analysts_get_403(db, analyst_client, partnership, path):
    event = make_event(db, partnership)
    assert analyst_client.get(path.format(id=event.id)).status_code == 403


def test_analyst_cannot_create_an_event(db, analyst_client, partnership):
    assert analyst_client.post("/events/new", data=event_data()).status_code == 403
    assert events(db) == []


@pytest.mark.parametrize("path", ["/events/", "/events/new", "/events/{id}/", "/events/import"])
def test_anonymous_users_are_sent_to_sign_in(db, client, partnership, path):
    event = make_event(db, partnership)
    response = client.get(path.format(id=event.id))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_facilitator_cannot_import_queue_files(facilitator_client, partnership):
    assert facilitator_client.get("/events/import").status_code == 403


def test_events_menu_item_for_facilitators_and_admins_only(
    facilitator_client, admin_client, analyst_client
):
    assert 'href="/events/"' in facilitator_client.get("/home").get_data(as_text=True)
    assert 'href="/events/"' in admin_client.get("/home").get_data(as_text=True)
    assert 'href="/events/"' not in analyst_client.get("/home").get_data(as_text=True)


def test_unknown_event_is_404(facilitator_client, partnership):
    assert facilitator_client.get("/events/999/").status_code == 404


# The event page, QR code and new links


def test_event_page_shows_the_kiosk_link_and_a_qr_code(db, facilitator_client, partnership):
    event = make_event(db, partnership)
    page = facilitator_client.get(f"/events/{event.id}/").get_data(as_text=True)
    url = f"http://localhost/kiosk/{event.kiosk_token}/"
    assert url in page
    assert '<svg role="img" aria-label="QR code for the kiosk link of Market stall"' in page
    assert "<title>QR code for the kiosk link of Market stall</title>" in page
    assert "<script>" not in page
    printed = facilitator_client.get(f"/events/{event.id}/print").get_data(as_text=True)
    assert "engage-print-sheet" in printed and url in printed and "<svg" in printed


def test_new_link_asks_first_then_revokes_the_old_token(db, facilitator_client, partnership):
    event = make_event(db, partnership)
    old = event.kiosk_token
    confirm = facilitator_client.get(f"/events/{event.id}/new-link")
    assert "stops working" in confirm.get_data(as_text=True)
    assert events(db)[0].kiosk_token == old
    response = facilitator_client.post(f"/events/{event.id}/new-link")
    assert response.status_code == 302
    [event] = events(db)
    assert event.kiosk_token != old
    assert services.event_for_token(old) is None
    assert services.event_by_token(old) is None
    assert services.event_for_token(event.kiosk_token).id == event.id


def test_expired_token_finds_no_event_for_the_kiosk_but_still_names_it(db, partnership):
    event = make_event(db, partnership, starts_on=utcnow().date() - timedelta(days=15))
    assert not services.kiosk_active(event)
    assert services.event_for_token(event.kiosk_token) is None
    assert services.event_by_token(event.kiosk_token).id == event.id
    assert services.event_for_token("not-a-token") is None
    assert services.event_for_token("") is None


def test_event_of_14_days_ago_still_accepts_kiosk_uploads(db, partnership):
    event = make_event(db, partnership, starts_on=utcnow().date() - timedelta(days=14))
    assert services.event_for_token(event.kiosk_token).id == event.id


def test_events_list_puts_upcoming_first_with_response_counts(
    db, facilitator_client, partnership, questionnaire
):
    today = utcnow().date()
    past = make_event(db, partnership, name="Summer fair 2024", starts_on=today - timedelta(400))
    soon = make_event(db, partnership, name="Soon stall", starts_on=today + timedelta(2))
    later = make_event(db, partnership, name="Later stall", starts_on=today + timedelta(40))
    for event, n in ((past, 2), (soon, 1)):
        for _ in range(n):
            assert (
                submit_payload(
                    questionnaire.questionnaire, payload(questionnaire), KIOSK, event
                ).status
                == STORED
            )
    db.session.commit()
    upcoming, past_rows = services.events_with_counts(partnership, today)
    assert [(r.event.name, r.responses) for r in upcoming] == [
        ("Soon stall", 1),
        ("Later stall", 0),
    ]
    assert [(r.event.name, r.responses) for r in past_rows] == [("Summer fair 2024", 2)]
    page = facilitator_client.get("/events/").get_data(as_text=True)
    assert page.index("Soon stall") < page.index("Later stall") < page.index("Summer fair 2024")
    assert later.name in page


# stats --json and the demo event


def test_stats_json_lists_events_with_absolute_kiosk_links(db, runner, partnership, app):
    event = make_event(db, partnership)
    figures = json.loads(runner.invoke(args=["stats", "--json"]).output)
    assert figures["events"] == [
        {"name": "Market stall", "kiosk_url": f"http://127.0.0.1:5000/kiosk/{event.kiosk_token}/"}
    ]
    app.config["ENGAGE_BASE_URL"] = "https://engage.example.org/"
    figures = json.loads(runner.invoke(args=["stats", "--json"]).output)
    assert figures["events"][0]["kiosk_url"] == (
        f"https://engage.example.org/kiosk/{event.kiosk_token}/"
    )


def test_stats_json_has_an_empty_events_list_without_a_partnership(runner, db):
    assert json.loads(runner.invoke(args=["stats", "--json"]).output)["events"] == []


def test_demo_seed_adds_one_upcoming_event_once(db, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    stats = json.loads(runner.invoke(args=["stats", "--json"]).output)
    second = runner.invoke(args=["seed-demo"])
    assert "Created nothing;" in second.output
    assert json.loads(runner.invoke(args=["stats", "--json"]).output) == stats
    [event] = events(db)
    assert event.starts_on == utcnow().date() + timedelta(days=14)
    assert event.default_area is not None and event.default_area.code == "hollins_park"
    assert event.idle_seconds == 120
    assert stats["events"] == [
        {"name": event.name, "kiosk_url": f"http://127.0.0.1:5000/kiosk/{event.kiosk_token}/"}
    ]


def test_the_database_holds_no_kiosk_token_and_a_copy_of_it_opens_no_kiosk(
    app, db, admin_client, partnership, questionnaire
):
    """Read as someone with a copy of the database would: no current or retired token is
    stored, only digests and a nonce; without the app's secret key the nonce makes no
    working link, and the digest is not one either."""
    event = make_event(db, partnership)
    first = event.kiosk_token
    admin_client.post(f"/events/{event.id}/new-link")
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    second = event.kiosk_token
    assert first and second and first != second
    tables = sa.MetaData()
    tables.reflect(db.engine)
    with db.engine.connect() as connection:
        dumped = "\n".join(
            repr(row)
            for table in tables.tables.values()
            for row in connection.execute(sa.select(table))
        )
    assert first not in dumped and second not in dumped
    client = app.test_client()
    assert client.get(f"/kiosk/{second}/").status_code == 200
    from engage.events import links

    guessed = links.token_for("not the secret key", event.kiosk_nonce)
    for attempt in (event.kiosk_token_hash, event.kiosk_nonce, guessed):
        assert client.get(f"/kiosk/{attempt}/").status_code == 403, attempt  # "link closed"
    # Under another secret key (a key rotated), the link works but cannot be shown.
    app.config["SECRET_KEY"] = "rotated"
    assert event.kiosk_token is None
    assert client.get(f"/kiosk/{second}/").status_code == 200
