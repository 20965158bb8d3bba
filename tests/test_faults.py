"""Faults and limits as users meet them: a database that cannot be reached, a download
that fails, an oversized kiosk upload.

Each answer must be Engage's own: 503 with Retry-After (JSON for the API and the kiosk,
a styled page for people), the styled 500 page, the JSON 413.
"""

from datetime import timedelta

import pytest

from engage import create_app
from engage.demo.synthetic import seed_synthetic
from engage.events import services as events
from engage.exports import rows as row_source
from engage.timeutil import utcnow

# Nothing listens on port 1, and no SQLite file can be made under a missing folder.
UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder-for-engage-tests/engage.sqlite3",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down_app(request, tmp_path):
    """The app, started against a database it cannot reach (as while PostgreSQL restarts)."""
    return create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,  # errors reach the handlers, as in production
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": UNREACHABLE[request.param],
            "WTF_CSRF_ENABLED": False,
            "ENGAGE_EXPORT_FOLDER": str(tmp_path / "exports"),
            "ENGAGE_JOB_FOLDER": str(tmp_path / "jobs"),
        }
    )


def _unavailable(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("path", ["/", "/login", "/survey/", "/you-said", "/vote/enter"])
def test_pages_answer_a_styled_503_while_the_database_is_down(down_app, path):
    response = down_app.test_client().get(path)
    _unavailable(response)
    page = response.get_data(as_text=True)
    assert "Sorry, the service is unavailable" in page
    assert "Nothing you saved has been lost" in page
    assert 'class="govuk-header' in page or "govuk-template" in page  # Engage's own page


def test_a_form_post_while_the_database_is_down_gets_the_503_page(down_app):
    response = down_app.test_client().post(
        "/login", data={"email": "a@example.org", "password": "whatever it is"}
    )
    _unavailable(response)
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)


def test_the_api_answers_json_503_while_the_database_is_down(down_app):
    response = down_app.test_client().get(
        "/api/v1/responses", headers={"Authorization": "Bearer eng_anything"}
    )
    _unavailable(response)
    assert response.json["error"]["status"] == 503


def test_a_kiosk_upload_answers_json_503_so_the_tablet_keeps_the_response(down_app):
    response = down_app.test_client().post("/kiosk/sometoken/responses", json={"key": "x"})
    _unavailable(response)
    assert response.mimetype == "application/json"
    assert "try again" in response.json["error"]["message"]


def test_a_download_that_fails_before_its_first_byte_gets_the_500_page(
    app, analyst_client, questionnaire, monkeypatch
):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(plan):
        raise RuntimeError("a fault while reading the rows")
        yield  # pragma: no cover

    monkeypatch.setattr(row_source, "iter_rows", broken)
    response = analyst_client.get("/exports/responses.csv")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "Internal Server Error" not in page  # not Werkzeug's page


def test_a_download_whose_query_fails_in_the_database_gets_engages_page(
    app, db, analyst_client, questionnaire
):
    """A statement that fails (here a table gone) leaves PostgreSQL's transaction aborted;
    the error page must still render, as Engage's, not Werkzeug's bare 500. SQLite calls
    this an OperationalError (503), PostgreSQL a ProgrammingError (500)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    seed_synthetic(questionnaire, 20, seed=3)
    db.session.execute(db.text("DROP TABLE answer"))  # the rows' query now fails
    db.session.commit()
    response = analyst_client.get("/exports/responses.csv")
    assert response.status_code in (500, 503)
    page = response.get_data(as_text=True)
    assert "govuk-template" in page
    assert "Sorry, the service is unavailable" in page or "Sorry, there is a problem" in page
    assert "response_id" not in page  # not the start of a CSV cut short


def test_every_data_package_route_works(db, analyst_client, questionnaire):
    """The data package is prepared as a file in the background, never streamed: the
    download link sends the analyst to its button, and the job gives a real zip."""
    link = analyst_client.get("/exports/responses-datapackage.zip")
    assert link.status_code == 303
    asked = analyst_client.post("/exports/jobs", data={"format": "datapackage"})
    assert asked.status_code == 303
    job_page = analyst_client.get(asked.headers["Location"])
    assert job_page.status_code == 200
    file = analyst_client.get(asked.headers["Location"] + "/file")
    assert file.status_code == 200 and file.get_data()[:2] == b"PK"
    file.close()


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "application/x-www-form-urlencoded"]
)
def test_an_oversized_kiosk_upload_is_a_json_413_whatever_its_type(
    app, db, client, questionnaire, content_type
):
    event = events.create_event(
        questionnaire.questionnaire.partnership,
        events.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    db.session.commit()
    response = client.post(
        f"/kiosk/{event.kiosk_token}/responses",
        data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
        content_type=content_type,
    )
    assert response.status_code == 413
    assert response.json["error"]["message"] == "The request is too large: the limit is 2 MB."
