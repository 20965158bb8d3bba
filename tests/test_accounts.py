"""Staff sign-in, sign-out, roles and the create-user command."""

import pytest
import sqlalchemy as sa

from engage.accounts.models import User
from engage.accounts.redirects import safe_next
from tests import factories


@pytest.fixture
def analyst(db, partnership):
    user = factories.make_user(partnership, "analyst", email="ana@example.org")
    db.session.commit()
    return user


def test_password_is_stored_hashed(db, analyst):
    assert factories.PASSWORD not in analyst.password_hash
    assert analyst.check_password(factories.PASSWORD)
    assert not analyst.check_password("wrong password")


def test_sign_in_goes_to_staff_home(client, auth, analyst):
    response = auth.login("ana@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    assert "Welcome" in client.get("/home").get_data(as_text=True)


def test_email_is_not_case_sensitive(auth, analyst):
    assert auth.login("  ANA@Example.org ").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, auth, analyst):
    response = auth.login("ana@example.org", "not the password")
    assert response.status_code == 401
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_empty_form_says_what_to_enter(client, partnership):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page


def test_inactive_user_cannot_sign_in(db, auth, analyst):
    analyst.active = False
    db.session.commit()
    assert auth.login("ana@example.org").status_code == 401


@pytest.mark.parametrize("target", ["/partnership/", "/home?x=1"])
def test_next_redirect_on_this_site_is_followed(client, analyst, target):
    response = client.post(
        f"/login?next={target}", data={"email": "ana@example.org", "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "/\n/evil.example",
    ],
)
def test_next_redirect_off_site_is_ignored(client, analyst, target):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "ana@example.org", "password": factories.PASSWORD},
    )
    location = response.headers["Location"]
    assert location == "/home"


def test_safe_next_refuses_control_characters():
    assert safe_next("/ok") == "/ok"
    assert safe_next("/\n/evil.example") is None
    assert safe_next("") is None


def test_session_is_renewed_at_sign_in(client, auth, analyst):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login("ana@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{analyst.id}:")


def test_sign_out_ends_the_session(client, auth, analyst):
    auth.login("ana@example.org")
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/home").status_code == 302


def test_sign_out_needs_post(client, auth, analyst):
    auth.login("ana@example.org")
    assert client.get("/logout").status_code == 405


def test_changing_session_token_signs_out_other_sessions(client, db, auth, analyst):
    auth.login("ana@example.org")
    analyst.session_token = "rotated"
    db.session.commit()
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize(
    "path", ["/home", "/partnership/", "/bank/", "/bank/propose", "/admin/questionnaire/"]
)
def test_anonymous_users_are_sent_to_sign_in(client, partnership, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_create_user_reads_password_from_stdin(runner, db, partnership):
    result = runner.invoke(
        args=["create-user", "New@Example.org", "--role", "analyst", "--agency", "police"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "new@example.org"))
    assert user.role == "analyst"
    assert user.agency.slug == "police"
    assert user.check_password("a long enough password")


def test_create_user_lists_agencies_when_none_given(runner, partnership):
    result = runner.invoke(args=["create-user", "x@example.org", "--role", "admin"], input="pw\n")
    assert result.exit_code != 0
    assert "council" in result.output and "police" in result.output


def test_create_user_refuses_short_password_and_duplicates(runner, db, partnership, analyst):
    short = runner.invoke(
        args=["create-user", "y@example.org", "--role", "admin", "--agency", "council"],
        input="short\n",
    )
    assert "at least 10 characters" in short.output
    dup = runner.invoke(
        args=["create-user", "ana@example.org", "--role", "admin", "--agency", "council"],
        input="another long password\n",
    )
    assert "already exists" in dup.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_create_user_refuses_unknown_role(runner, partnership):
    result = runner.invoke(
        args=["create-user", "z@example.org", "--role", "mayor", "--agency", "council"],
        input="a long enough password\n",
    )
    assert result.exit_code != 0
    assert "mayor" in result.output
