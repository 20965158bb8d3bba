"""Admin actions land on the audit trail, from the web (with CSRF on) and the command line.

Already covered elsewhere: downloads and API pulls (test_exports, test_api), publishing
from the editor, proposals and new kiosk links (test_audit), panels actions (test_panels_*).
"""

import io
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.api.models import ApiToken
from engage.audit.models import AuditEntry
from engage.events import services as event_services
from engage.events.imports import FORMAT
from engage.survey.services import new_key
from engage.timeutil import utcnow
from tests import factories
from tests import test_permissions as matrix
from tests.security_helpers import csrf_config, csrf_token, post_form, staff_client
from tests.test_xlsform_reading import every_type_workbook

fast_passwords = matrix.fast_passwords
pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def app_config(app_config):
    return csrf_config(app_config)


@pytest.fixture
def event(db, partnership, questionnaire):
    made = event_services.create_event(
        partnership,
        event_services.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    db.session.commit()
    return made


def trail(db) -> list[tuple[str, str, int | None, str]]:
    """(kind, action, user, "target: detail"), leaving out what the fixtures did: signing
    in and making the event."""
    db.session.expire_all()
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
    return [
        (e.kind, e.action, e.user_id, ": ".join(p for p in (e.target, e.detail) if p))
        for e in entries
        if not e.action.startswith("accounts.sign-") and e.action != "events.create"
    ]


def queue_file(event, version) -> bytes:
    item = {"key": new_key(), "version": version.id, "lang": "en", "answers": {}}
    item["answers"] = {"ward": ["north"], "safe_dark": ["very"]}
    body = {"format": FORMAT, "version": 1, "event_token": event.kiosk_token, "responses": [item]}
    return json.dumps(body).encode()


def test_creating_and_revoking_an_api_token_is_recorded(app, db, partnership):
    analyst = staff_client(app, partnership, "analyst")
    created = post_form(
        analyst, "/account/api-tokens/", {"name": "Power BI"}, "/account/api-tokens/"
    )
    assert created.status_code == 201
    token = db.session.scalar(sa.select(ApiToken))
    revoked = post_form(
        analyst, f"/account/api-tokens/{token.id}/revoke", {}, "/account/api-tokens/"
    )
    assert revoked.status_code == 302

    detail = f"Token {token.id} ‘Power BI’ ({token.prefix}…) of {analyst.user.email}"
    assert trail(db) == [
        ("account", "tokens.create", analyst.user.id, detail),
        ("account", "tokens.revoke", analyst.user.id, detail),
    ]
    plaintext = re.search(r"eng_[\w-]{40,}", created.get_data(as_text=True)).group(0)
    assert plaintext not in json.dumps(trail(db))  # the trail names the token, never holds it


def test_tokens_made_and_revoked_on_the_command_line_are_recorded(db, runner, partnership):
    user = factories.make_user(partnership, "analyst", email="ana@example.org")
    db.session.commit()
    made = runner.invoke(args=["tokens", "create", "ana@example.org", "--name", "Script"])
    assert made.exit_code == 0, made.output
    plaintext = made.stdout.strip().splitlines()[-1]
    token = db.session.scalar(sa.select(ApiToken))
    assert runner.invoke(args=["tokens", "revoke", str(token.id)]).exit_code == 0

    assert [(kind, action, who) for kind, action, who, _ in trail(db)] == [
        ("account", "tokens.create", None),
        ("account", "tokens.revoke", None),
    ]
    assert all(detail.endswith(f"of {user.email} (command line)") for *_, detail in trail(db))
    assert all(plaintext not in detail for *_, detail in trail(db))


def test_granting_free_text_access_is_recorded(db, runner, partnership):
    factories.make_user(partnership, "analyst", email="ana@example.org")
    db.session.commit()
    runner.invoke(args=["users", "grant-free-text", "ana@example.org"])
    runner.invoke(args=["users", "grant-free-text", "ana@example.org", "--revoke"])
    assert trail(db) == [
        ("account", "users.grant-free-text", None, "ana@example.org (command line)"),
        ("account", "users.revoke-free-text", None, "ana@example.org (command line)"),
    ]


def test_importing_a_kiosk_queue_is_recorded(
    app, db, runner, partnership, questionnaire, event, tmp_path
):
    admin = staff_client(app, partnership, "admin")
    fields = {
        "csrf_token": csrf_token(admin, "/events/import"),
        "queue_file": (io.BytesIO(queue_file(event, questionnaire)), "queue.json"),
    }
    assert admin.post("/events/import", data=fields).status_code == 303
    path = tmp_path / "queue.json"
    path.write_bytes(queue_file(event, questionnaire))
    assert runner.invoke(args=["kiosk-import", str(path)]).exit_code == 0

    outcome = "1 response stored, 0 already stored."
    assert trail(db) == [
        ("event", "events.import_queue", admin.user.id, f"Event {event.id} ‘Fun day’: {outcome}"),
        (
            "event",
            "events.import_queue",
            None,
            f"Event {event.id} ‘Fun day’: {outcome} (command line)",
        ),
    ]


def test_a_refused_queue_file_leaves_no_entry(app, db, partnership, questionnaire, event):
    admin = staff_client(app, partnership, "admin")
    fields = {
        "csrf_token": csrf_token(admin, "/events/import"),
        "queue_file": (io.BytesIO(b'{"format": "something else"}'), "queue.json"),
    }
    assert admin.post("/events/import", data=fields).status_code == 400
    assert trail(db) == []


def test_publishing_and_new_kiosk_links_are_recorded_with_csrf_on(app, db, partnership, event):
    admin = staff_client(app, partnership, "admin")
    draft = factories.make_draft(partnership)
    db.session.commit()
    assert post_form(admin, "/admin/questionnaire/draft/publish", {}, "/home").status_code == 302
    page = f"/events/{event.id}/new-link"
    assert post_form(admin, page, {"submit": "y"}, page).status_code == 302

    assert trail(db) == [
        ("questionnaire", "questionnaire.publish", admin.user.id, f"Version {draft.number}"),
        ("event", "events.new_link", admin.user.id, f"Event {event.id} ‘Fun day’"),
    ]


def test_publishing_an_xlsform_as_the_questionnaire_is_recorded(db, runner, partnership, tmp_path):
    path = tmp_path / "housing.xlsx"
    path.write_bytes(every_type_workbook())
    command = ["xlsform", "import", str(path), "--agency", "housing", "--as-questionnaire"]
    assert runner.invoke(args=command).exit_code == 0

    [(kind, action, who, detail)] = trail(db)
    assert (kind, action, who) == ("questionnaire", "questionnaire.publish", None)
    assert re.fullmatch(r"Version 1 from .+’s XLSForm \(command line\)", detail)
