"""Accounts in an incident: admins list, reset, deactivate, reactivate and re-role staff,
on the command line and on the users page; users change their own password.

Each change must end the account's sessions and API tokens at once, and reactivation
must not bring any of them back, however the change was made (even by SQL).
"""

import sqlalchemy as sa

from engage.accounts.models import User
from engage.api import tokens
from engage.audit.models import AuditEntry
from tests import factories

NEW_PASSWORD = "otter quarry lantern 58"  # noqa: S105 (a test value)
API = "/api/v1/responses"


def _signed_in(app, user, password=factories.PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _works(client) -> bool:
    """The cookie still signs someone in: /home answers 200, not a redirect to sign in."""
    return client.get("/home").status_code == 200


def _token_works(app, plaintext: str) -> bool:
    response = app.test_client().get(API, headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code in (200, 401), response.status_code
    return response.status_code == 200


def _actions(db) -> list[tuple[str, str]]:
    """(action, "target: detail") of the account changes on the trail."""
    rows = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.target, AuditEntry.detail).order_by(AuditEntry.id)
    )
    return [(a, f"{target}: {detail}") for a, target, detail in rows if a.startswith("users.")]


def _analyst_with_session_and_token(app, db, partnership):
    factories.make_questionnaire(partnership)
    user = factories.make_user(partnership, "analyst", "police")
    _, plaintext = tokens.create_token(user, "Power BI")
    db.session.commit()
    client = _signed_in(app, user)
    assert _works(client) and _token_works(app, plaintext)
    return user, client, plaintext


def test_users_list_shows_every_account_with_role_agency_and_state(runner, db, partnership):
    factories.make_user(partnership, "analyst", "police", email="pc@example.org")
    gone = factories.make_user(partnership, "facilitator", "health", email="gone@example.org")
    gone.active = False
    db.session.commit()
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "pc@example.org\tAnalyst\t" in lines[0] and lines[0].endswith("\tactive")
    assert lines[-1].startswith("gone@example.org\tFacilitator\t")
    assert lines[-1].endswith("\tdeactivated")


def test_deactivated_then_reactivated_on_the_command_line_old_cookie_and_token_refused(
    app, db, runner, partnership
):
    user, client, plaintext = _analyst_with_session_and_token(app, db, partnership)
    result = runner.invoke(args=["users", "deactivate", user.email])
    assert result.exit_code == 0, result.output
    assert "sessions and API tokens have ended" in result.output
    assert not _works(client) and not _token_works(app, plaintext)
    result = runner.invoke(args=["users", "reactivate", user.email])
    assert result.exit_code == 0, result.output
    # Active again, and nothing from before works: the person signs in afresh.
    assert not _works(client) and not _token_works(app, plaintext)
    assert _works(_signed_in(app, user))
    assert [a for a, _ in _actions(db)] == ["users.deactivate", "users.reactivate"]


def test_deactivation_by_sql_at_the_database_prompt_also_ends_everything(app, db, partnership):
    user, client, plaintext = _analyst_with_session_and_token(app, db, partnership)
    # What the issue found: active=false by SQL, then true, revived the old cookie.
    with db.engine.begin() as conn:
        conn.execute(sa.text('UPDATE "user" SET active = false WHERE id = :id'), {"id": user.id})
        conn.execute(sa.text('UPDATE "user" SET active = true WHERE id = :id'), {"id": user.id})
    assert not _works(client) and not _token_works(app, plaintext)
    # An UPDATE that changes nothing that matters leaves sessions alone.
    fresh = _signed_in(app, user)
    with db.engine.begin() as conn:
        conn.execute(
            sa.text('UPDATE "user" SET name = :n WHERE id = :id'), {"n": "A", "id": user.id}
        )
    assert _works(fresh)


def test_set_password_on_the_command_line_ends_sessions_and_refuses_weak_passwords(
    app, db, runner, partnership
):
    user, client, plaintext = _analyst_with_session_and_token(app, db, partnership)
    weak = runner.invoke(args=["users", "set-password", user.email], input="aaaaaaaaaa\n")
    assert weak.exit_code != 0
    assert "harder to guess" in weak.output and "Traceback" not in weak.output
    assert _works(client)  # a refused change changes nothing
    result = runner.invoke(args=["users", "set-password", user.email], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert not _works(client) and not _token_works(app, plaintext)
    refused = app.test_client().post(
        "/login", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert refused.status_code == 401
    assert _works(_signed_in(app, user, NEW_PASSWORD))


def test_set_role_ends_sessions_and_tokens(app, db, runner, partnership):
    user, client, plaintext = _analyst_with_session_and_token(app, db, partnership)
    result = runner.invoke(args=["users", "set-role", user.email, "facilitator"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "facilitator"
    assert not _works(client) and not _token_works(app, plaintext)


def test_unknown_emails_and_the_last_admin_get_one_line_errors(runner, db, partnership):
    admin = factories.make_user(partnership, "admin", email="only-admin@example.org")
    db.session.commit()
    unknown = runner.invoke(args=["users", "deactivate", "nobody@example.org"])
    assert unknown.exit_code != 0 and "No user has the email address" in unknown.output
    last = runner.invoke(args=["users", "deactivate", admin.email])
    assert last.exit_code != 0 and "only active administrator" in last.output
    demote = runner.invoke(args=["users", "set-role", admin.email, "analyst"])
    assert demote.exit_code != 0 and "only active administrator" in demote.output
    db.session.expire_all()
    assert admin.active and admin.role == "admin"


def test_create_user_on_an_existing_email_says_how_to_reset_the_password(runner, db, partnership):
    factories.make_user(partnership, "analyst", email="ana@example.org")
    db.session.commit()
    result = runner.invoke(
        args=["create-user", "ana@example.org", "--role", "admin", "--agency", "council"],
        input="another long password\n",
    )
    assert result.exit_code != 0
    assert "flask users set-password ana@example.org" in result.output


def test_admin_deactivates_and_reactivates_on_the_users_page(app, db, admin_client, partnership):
    user, client, plaintext = _analyst_with_session_and_token(app, db, partnership)
    listing = admin_client.get("/admin/users/").get_data(as_text=True)
    assert user.email in listing
    page = admin_client.get(f"/admin/users/{user.id}")
    assert "Deactivate this account" in page.get_data(as_text=True)
    response = admin_client.post(f"/admin/users/{user.id}/deactivate", follow_redirects=True)
    assert "is deactivated" in response.get_data(as_text=True)
    assert not _works(client) and not _token_works(app, plaintext)
    admin_client.post(f"/admin/users/{user.id}/reactivate")
    assert not _works(client) and not _token_works(app, plaintext)
    details = dict(_actions(db))
    assert set(details) == {"users.deactivate", "users.reactivate"}
    assert user.email in details["users.deactivate"]
    who = db.session.scalars(
        sa.select(AuditEntry.user_id).where(AuditEntry.action == "users.deactivate")
    ).one()
    assert who == admin_client.user.id


def test_admin_cannot_deactivate_or_demote_themselves(db, admin_client):
    me = admin_client.user
    response = admin_client.post(f"/admin/users/{me.id}/deactivate", follow_redirects=True)
    assert "cannot deactivate or demote your own account" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/users/{me.id}/role", data={"role": "analyst"})
    assert response.status_code == 400
    db.session.expire_all()
    assert me.active and me.role == "admin"
    assert _works(admin_client)


def test_admin_sets_a_password_and_a_role_on_the_users_page(app, db, admin_client, partnership):
    user, client, plaintext = _analyst_with_session_and_token(app, db, partnership)
    weak = admin_client.post(
        f"/admin/users/{user.id}/password",
        data={"password": "Password123!", "confirm": "Password123!"},
    )
    assert weak.status_code == 400
    assert "similar to a commonly used password" in weak.get_data(as_text=True)
    assert _works(client)
    admin_client.post(
        f"/admin/users/{user.id}/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert not _works(client) and not _token_works(app, plaintext)
    assert _works(_signed_in(app, user, NEW_PASSWORD))
    admin_client.post(f"/admin/users/{user.id}/role", data={"role": "facilitator"})
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "facilitator"
    assert [a for a, _ in _actions(db)] == ["users.set-password", "users.set-role"]


def test_a_user_changes_their_own_password_and_only_this_session_goes_on(app, db, partnership):
    user, elsewhere, plaintext = _analyst_with_session_and_token(app, db, partnership)
    here = _signed_in(app, user)
    page = here.get("/account/password").get_data(as_text=True)
    assert "Current password" in page
    wrong = here.post(
        "/account/password",
        data={"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    assert "current password is not right" in wrong.get_data(as_text=True)
    weak = here.post(
        "/account/password",
        data={"current": factories.PASSWORD, "password": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"},
    )
    assert weak.status_code == 400 and "harder to guess" in weak.get_data(as_text=True)
    assert _works(elsewhere)  # nothing changed yet
    done = here.post(
        "/account/password",
        data={"current": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert _works(here)
    assert not _works(elsewhere) and not _token_works(app, plaintext)
    assert _works(_signed_in(app, user, NEW_PASSWORD))
    assert [a for a, _ in _actions(db)] == ["users.change-own-password"]
    assert NEW_PASSWORD not in str(_actions(db))


def test_weak_passwords_are_refused_with_advice_when_accounts_are_made(runner, partnership):
    for weak, why in (("aaaaaaaaaa", "repeats"), ("police2026", "harder to guess")):
        result = runner.invoke(
            args=["create-user", "pc@example.org", "--role", "analyst", "--agency", "police"],
            input=weak + "\n",
        )
        assert result.exit_code != 0, weak
        assert why in result.output and "unrelated words" in result.output
