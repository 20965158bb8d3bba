"""The audit trail: the admin's list and CSV export, and the admin actions it records."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.audit.services import record
from engage.bank import services as bank_services
from engage.events import services as event_services
from engage.questionnaire import types
from tests import factories


def entries(db) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


@pytest.fixture
def admin_client(admin_client, db):
    """The admin, signed in, on an empty trail (signing in is itself recorded)."""
    db.session.execute(sa.delete(AuditEntry))
    db.session.commit()
    return admin_client


def add_entries(db, user, count, kind="download", start=None, action="responses.csv"):
    start = start or datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    for n in range(count):
        entry = record(kind, f"{action} #{n}", user, {"wards": ["north"]}, rows=n)
        entry.at = start + timedelta(minutes=n)
    db.session.commit()


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_admin_sees_entries_newest_first_and_can_filter_by_kind_and_user(
    db, admin_client, partnership
):
    analyst = factories.make_user(partnership, "analyst")
    add_entries(db, analyst, 2, "download")
    add_entries(
        db, admin_client.user, 1, "api", datetime(2026, 5, 2, tzinfo=UTC), "GET /api/v1/responses"
    )

    html = admin_client.get("/admin/audit/").get_data(as_text=True)
    assert (
        html.index("GET /api/v1/responses #0")
        < html.index("responses.csv #1")
        < html.index("responses.csv #0")
    )
    assert analyst.email in html and "wards: north" in html

    only_downloads = admin_client.get("/admin/audit/?kind=download").get_data(as_text=True)
    assert "2 entries" in only_downloads
    only_admin = admin_client.get(f"/admin/audit/?user={admin_client.user.id}")
    assert "1 entry" in only_admin.get_data(as_text=True)


def test_the_list_is_paginated(db, admin_client):
    add_entries(db, admin_client.user, 60)

    first = admin_client.get("/admin/audit/").get_data(as_text=True)
    second = admin_client.get("/admin/audit/?page=2").get_data(as_text=True)

    assert "responses.csv #59" in first and "responses.csv #10<" in first
    assert "responses.csv #9<" not in first
    assert "responses.csv #9<" in second and "responses.csv #59" not in second
    assert "govuk-pagination" in first
    assert admin_client.get("/admin/audit/?page=99").status_code == 200


def test_export_streams_the_filtered_trail_and_records_itself(db, admin_client, partnership):
    analyst = factories.make_user(partnership, "analyst")
    add_entries(db, analyst, 3)
    add_entries(db, analyst, 2, "api")

    response = admin_client.get(f"/admin/audit/export.csv?kind=download&user={analyst.id}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert [row["action"] for row in rows] == [f"responses.csv #{n}" for n in range(3)]
    assert rows[0]["user"] == analyst.email
    assert rows[0]["filters"] == '{"wards": ["north"]}'
    export = entries(db)[-1]
    assert (export.kind, export.action, export.user_id) == (
        "download",
        "audit.csv",
        admin_client.user.id,
    )
    assert export.filters == {"kind": "download", "user": str(analyst.id)}
    assert export.rows == 3


def test_an_unfiltered_export_includes_its_own_entry(db, admin_client):
    add_entries(db, admin_client.user, 2)
    rows = read_csv(admin_client.get("/admin/audit/export.csv"))
    assert [row["action"] for row in rows][-1] == "audit.csv"
    assert entries(db)[-1].rows == 3


def test_export_cells_cannot_run_as_formulas(db, admin_client):
    record("event", "events.new_link", admin_client.user, detail='=HYPERLINK("http://x","y")')
    db.session.commit()
    rows = read_csv(admin_client.get("/admin/audit/export.csv"))
    assert rows[0]["detail"] == '\'=HYPERLINK("http://x","y")'


# Admin actions that are recorded


def test_publishing_a_version_is_recorded(db, admin_client, questionnaire):
    draft = factories.make_draft(questionnaire.questionnaire.partnership)
    db.session.commit()

    response = admin_client.post("/admin/questionnaire/draft/publish")

    assert response.status_code == 302
    entry = entries(db)[-1]
    assert (entry.kind, entry.action) == ("questionnaire", "questionnaire.publish")
    assert entry.user_id == admin_client.user.id
    assert entry.detail == f"Version {draft.number}"


def _proposal(db, partnership):
    user = factories.make_user(partnership, "analyst", "police")
    proposal = bank_services.propose(
        user,
        bank_services.ProposalData(
            text="How often do you use the library?",
            hint="",
            type=types.SINGLE,
            option_labels=["Every week", "Less often", "Never"],
            reason="To plan opening hours.",
        ),
    )
    db.session.commit()
    return proposal


def test_rejecting_and_accepting_proposals_are_recorded(db, admin_client, questionnaire):
    partnership = questionnaire.questionnaire.partnership
    rejected = _proposal(db, partnership)
    admin_client.post(f"/bank/{rejected.id}/reject", data={"reason": "Not this year."})
    accepted = _proposal(db, partnership)
    draft = factories.make_draft(partnership)
    db.session.commit()
    response = admin_client.post(
        f"/bank/{accepted.id}/accept",
        data={"code": "library", "section": str(draft.sections[0].id), "required": "no"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)

    actions = [(e.action, e.detail) for e in entries(db) if e.action != "bank.propose"]
    assert actions == [
        ("bank.reject", f"Proposal {rejected.id} rejected"),
        ("bank.accept", f"Proposal {accepted.id} accepted as ‘library’"),
    ]


def test_issuing_a_new_kiosk_link_is_recorded(db, facilitator_client, partnership):
    event = event_services.create_event(
        partnership,
        event_services.EventFields(
            name="Market stall", starts_on=datetime.now(UTC).date() + timedelta(days=5)
        ),
    )
    db.session.commit()

    response = facilitator_client.post(f"/events/{event.id}/new-link", data={"submit": "y"})

    assert response.status_code == 302
    entry = entries(db)[-1]
    assert (entry.kind, entry.action, entry.user_id) == (
        "event",
        "events.new_link",
        facilitator_client.user.id,
    )


def test_a_facilitators_panel_action_reads_in_words_with_role_agency_and_request(
    app, db, admin_client, partnership
):
    """What the issue found: raw codes, facilitators listed as "admin", no request id."""
    from tests.panel_factories import PASSPHRASE, make_vote

    facilitator = factories.make_user(partnership, "facilitator", "fire")
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": facilitator.email, "password": factories.PASSWORD})
    vote = make_vote(partnership, facilitator, "deliberation")
    db.session.commit()
    response = client.post(
        f"/panels/votes/{vote.id}/start-voting",
        data={"passphrase": PASSPHRASE, "confirm": PASSPHRASE},
        headers={"X-Request-ID": "proxy-req-4711"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert response.headers["X-Request-ID"] == "proxy-req-4711"
    [entry] = [e for e in entries(db) if e.action == "panels.vote.start_voting"]
    assert (entry.kind, entry.agency.slug, entry.request_id) == ("panel", "fire", "proxy-req-4711")
    assert entry.target == f"Vote {vote.id} ‘{vote.title}’"

    page = admin_client.get("/admin/audit/?kind=panel").get_data(as_text=True)
    assert "Started voting" in page and f"Vote {vote.id}" in page
    assert "Facilitator" in page and "Fire" in page and "proxy-req-4711" in page

    rows = read_csv(admin_client.get("/admin/audit/export.csv?kind=panel"))
    started = next(r for r in rows if r["action"] == "panels.vote.start_voting")
    assert started["what"] == "Started voting" and started["role"] == "Facilitator"
    assert started["request_id"] == "proxy-req-4711" and "Fire" in started["agency"]


def test_every_request_gets_an_id_and_a_made_up_one_is_not_trusted(client, partnership):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert first != second and len(first) == 16
    odd = client.get("/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert odd != "<script>" and len(odd) == 16


def test_the_trail_filters_by_days_and_agency_and_says_what_to_fix(db, admin_client, partnership):
    police = factories.make_user(partnership, "analyst", "police")
    housing = factories.make_user(partnership, "analyst", "housing")
    for user, days in ((police, (1, 2, 3)), (housing, (10, 11))):
        for day in days:
            entry = record("download", "responses.csv", user)
            entry.at = datetime(2026, 5, day, 23, 30, tzinfo=UTC)
    db.session.commit()
    police_agency = police.agency_id

    page = admin_client.get("/admin/audit/?from=2026-05-02&to=2026-05-03")
    assert "2 entries" in page.get_data(as_text=True)
    by_agency = admin_client.get(f"/admin/audit/?agency={police_agency}")
    assert "3 entries" in by_agency.get_data(as_text=True)
    # Days are the partnership's (Europe/London): 23:30 UTC on 3 May is 00:30 on 4 May.
    both = admin_client.get(f"/admin/audit/?agency={police_agency}&from=2026-05-04")
    assert "1 entry" in both.get_data(as_text=True)
    typed = admin_client.get("/admin/audit/?to-day=2&to-month=5&to-year=2026")
    assert "1 entry" in typed.get_data(as_text=True)  # police's 23:30 UTC on 1 May
    rows = read_csv(admin_client.get(f"/admin/audit/export.csv?agency={police_agency}"))
    assert {r["agency"] for r in rows if r["action"] == "responses.csv"} == {police.agency.name}

    bad = admin_client.get("/admin/audit/?from-day=3rd&from-month=5&from-year=2026")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert '<a href="#from-day">From must be a real date, for example 27 6 2026</a>' in html
    assert 'name="from-day" type="text" value="3rd"' in html  # what was typed is kept
    backwards = admin_client.get("/admin/audit/?from=2026-05-05&to=2026-05-01")
    assert "To must be the same day as From or after it" in backwards.get_data(as_text=True)
