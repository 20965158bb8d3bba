"""The JSON API: tokens, authentication, responses with cursors, results, errors, OpenAPI."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.api import tokens
from engage.api.models import ApiToken
from engage.audit.models import AuditEntry
from engage.questionnaire import services as questionnaire_services
from engage.survey.models import Response
from engage.survey.services import new_key
from engage.survey.submission import STORED, submit_payload
from tests import factories

TOKEN_PATTERN = re.compile(r"eng_[A-Za-z0-9_\-]{40,}")


def make_token(db, partnership, role="analyst", free_text=False, agency_slug="council"):
    user = factories.make_user(partnership, role, agency_slug)
    user.free_text_access = free_text
    _, plaintext = tokens.create_token(user, "Power BI")
    db.session.commit()
    return user, plaintext


def bearer(plaintext: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plaintext}"}


def submit(db, version, ward="north", safe="fairly", why=None, street=None, **answers):
    values = {"ward": [ward], "safe_dark": [safe], **answers}
    if why is not None:
        values["why_unsafe"] = [why]
    if street is not None:
        values["street"] = [street]
    payload = {"key": new_key(), "version": version.id, "lang": "en", "answers": values}
    outcome = submit_payload(version.questionnaire, payload, channel="online")
    assert outcome.status == STORED, outcome.errors
    db.session.commit()
    return db.session.get(Response, outcome.response_id)


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == status
    assert error["message"]
    return error


# Tokens


def test_token_created_in_the_ui_is_shown_once_and_stored_only_as_a_hash(
    db, analyst_client, questionnaire
):
    response = analyst_client.post("/account/api-tokens/", data={"name": "Power BI refresh"})

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    plaintext = TOKEN_PATTERN.search(response.get_data(as_text=True)).group(0)
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.name == "Power BI refresh"
    assert stored.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext.startswith(stored.prefix)
    assert len(stored.prefix) < len(plaintext) // 3
    with db.engine.connect() as conn:
        for row in conn.execute(sa.select(ApiToken.__table__)):
            assert plaintext not in " ".join(str(value) for value in row)
    listing = analyst_client.get("/account/api-tokens/").get_data(as_text=True)
    assert "Power BI refresh" in listing and stored.prefix in listing
    assert plaintext not in listing
    assert analyst_client.get("/api/v1/questionnaire", headers=bearer(plaintext)).status_code == 200


def test_token_name_is_required(analyst_client):
    response = analyst_client.post("/account/api-tokens/", data={"name": " "})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.get_data(as_text=True)


def test_revoked_token_is_refused(db, analyst_client, questionnaire):
    analyst_client.post("/account/api-tokens/", data={"name": "Script"})
    stored = db.session.scalar(sa.select(ApiToken))
    # The plaintext is gone, so make a second token we can present, then revoke both.
    _, plaintext = tokens.create_token(analyst_client.user, "Second")
    db.session.commit()
    second = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "Second"))

    response = analyst_client.post(f"/account/api-tokens/{second.id}/revoke")

    assert response.status_code == 302
    error = assert_json_error(
        analyst_client.get("/api/v1/questionnaire", headers=bearer(plaintext)), 401
    )
    assert "revoked" in error["message"]
    assert [t.name for t in tokens.tokens_for(analyst_client.user)] == [stored.name]
    assert ">Second</th>" not in analyst_client.get("/account/api-tokens/").get_data(as_text=True)


def test_a_user_cannot_revoke_someone_elses_token(db, partnership, analyst_client):
    other, _ = make_token(db, partnership, "admin")
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == other.id))
    assert analyst_client.post(f"/account/api-tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_cli_creates_a_token_it_prints_once_and_revokes_it(
    db, app, runner, partnership, questionnaire
):
    user = factories.make_user(partnership, "admin")
    db.session.commit()

    created = runner.invoke(args=["tokens", "create", user.email, "--name", "R script"])

    assert created.exit_code == 0, created.output
    plaintext = created.stdout.strip().splitlines()[-1]
    assert TOKEN_PATTERN.fullmatch(plaintext)
    client = app.test_client()
    assert client.get("/api/v1/questionnaire", headers=bearer(plaintext)).status_code == 200
    token = db.session.scalar(sa.select(ApiToken))
    assert token.name == "R script"

    revoked = runner.invoke(args=["tokens", "revoke", str(token.id)])

    assert revoked.exit_code == 0, revoked.output
    assert_json_error(client.get("/api/v1/questionnaire", headers=bearer(plaintext)), 401)
    again = runner.invoke(args=["tokens", "revoke", str(token.id)])
    assert again.exit_code != 0 and "already revoked" in again.output


def test_cli_refuses_a_token_for_a_facilitator(db, runner, partnership):
    user = factories.make_user(partnership, "facilitator")
    db.session.commit()
    result = runner.invoke(args=["tokens", "create", user.email])
    assert result.exit_code != 0
    assert "Only analysts and administrators" in result.output
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


# Authentication


@pytest.mark.parametrize(
    "header",
    [None, "Basic dXNlcjpwYXNz", "Bearer", "Bearer eng_not-a-real-token", "eng_no-scheme"],
)
def test_missing_or_bad_token_gets_json_401_with_a_bearer_challenge(client, questionnaire, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/responses", headers=headers)
    error = assert_json_error(response, 401)
    assert error["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_session_cookie_is_never_enough(analyst_client, admin_client, questionnaire):
    for signed_in in (analyst_client, admin_client):
        assert_json_error(signed_in.get("/api/v1/questionnaire"), 401)


def test_a_facilitators_token_gets_403(db, client, partnership, questionnaire):
    # Engage never issues one; a token written into the database for a facilitator
    # (in their current session generation) is still refused with a clear 403.
    user = factories.make_user(partnership, "facilitator")
    plaintext = "eng_made-directly-for-a-facilitator-0000000000000000"
    db.session.add(
        ApiToken(
            user_id=user.id,
            name="Direct",
            prefix=plaintext[:12],
            token_hash=tokens.hash_token(plaintext),
            user_generation=user.session_generation,
        )
    )
    db.session.commit()
    error = assert_json_error(client.get("/api/v1/questionnaire", headers=bearer(plaintext)), 403)
    assert "analysts and administrators" in error["message"]


def test_a_token_made_before_a_role_change_stops_working(db, client, partnership, questionnaire):
    user, plaintext = make_token(db, partnership, "analyst")
    user.role = "admin"  # even a promotion ends the tokens made in the old role
    db.session.commit()
    assert_json_error(client.get("/api/v1/questionnaire", headers=bearer(plaintext)), 401)


def test_a_deactivated_users_token_is_refused(db, client, partnership, questionnaire):
    user, plaintext = make_token(db, partnership, "admin")
    user.active = False
    db.session.commit()
    assert_json_error(client.get("/api/v1/questionnaire", headers=bearer(plaintext)), 401)


# The questionnaire


def test_questionnaire_lists_sections_questions_options_and_agencies(
    db, client, partnership, questionnaire
):
    _, plaintext = make_token(db, partnership)

    body = client.get("/api/v1/questionnaire", headers=bearer(plaintext)).get_json()

    assert body["version"] == 1
    assert [s["title"] for s in body["sections"]] == ["Your area", "Feeling safe", "About you"]
    safe_dark = body["sections"][1]["questions"][0]
    assert safe_dark["code"] == "safe_dark"
    assert safe_dark["type"] == "single"
    assert safe_dark["options"][0] == {
        "code": "very",
        "label": "Very safe",
        "value": 1,
        "exclusive": False,
    }
    assert {a["slug"] for a in safe_dark["agencies"]} == {"council", "police"}
    assert body["sections"][1]["questions"][1]["condition"] == {
        "code": "safe_dark",
        "options": ["unsafe"],
    }


def test_questionnaire_in_another_language_falls_back_to_english(db, client, partnership):
    draft = factories.make_questionnaire(partnership, publish=False)
    question = next(q for q in draft.questions if q.code == "safe_dark")
    question.translations = {"pl": {"text": "Jak bezpiecznie czujesz się po zmroku?"}}
    questionnaire_services.publish(draft)
    _, plaintext = make_token(db, partnership)

    body = client.get("/api/v1/questionnaire?lang=pl", headers=bearer(plaintext)).get_json()

    questions = [q for s in body["sections"] for q in s["questions"]]
    assert questions[3]["text"] == "Jak bezpiecznie czujesz się po zmroku?"
    assert questions[0]["text"] == "Which ward do you live in?"
    bad = client.get("/api/v1/questionnaire?lang=xx", headers=bearer(plaintext))
    assert "lang" in assert_json_error(bad, 400)["fields"]


def test_no_published_questionnaire_is_a_json_404(db, client, partnership):
    _, plaintext = make_token(db, partnership)
    error = assert_json_error(client.get("/api/v1/questionnaire", headers=bearer(plaintext)), 404)
    assert "published" in error["message"]


# Responses


def test_cursor_pagination_walks_every_response_exactly_once(
    db, client, partnership, questionnaire
):
    stored = [submit(db, questionnaire, ward=w) for w in ["north", "south", "east"] * 4]
    _, plaintext = make_token(db, partnership)
    seen: list[int] = []
    url = "/api/v1/responses?limit=5"
    pages = 0
    while url:
        body = client.get(url, headers=bearer(plaintext)).get_json()
        seen.extend(row["id"] for row in body["data"])
        assert body["count"] == len(body["data"])
        url = body["next"]
        if url:
            assert body["next_cursor"] in url and "limit=5" in url
            # A response that arrives mid-walk is still seen once, at the end.
            if pages == 0:
                stored.append(submit(db, questionnaire))
        pages += 1

    assert pages == 3
    assert seen == sorted(r.id for r in stored)
    assert len(set(seen)) == len(seen)


def test_responses_give_answers_by_code(db, client, partnership, questionnaire):
    submit(
        db,
        questionnaire,
        ward="south",
        improve=["parks", "litter"],
        satisfied=["7"],
        police_agree=["agree"],
        smoke_alarm=["yes"],
        household=["3"],
    )
    _, plaintext = make_token(db, partnership)

    row = client.get("/api/v1/responses", headers=bearer(plaintext)).get_json()["data"][0]

    assert row["ward"] == "south"
    assert row["version"] == 1
    assert row["channel"] == "online"
    assert datetime.fromisoformat(row["submitted_at"]).tzinfo is not None
    assert row["answers"] == {
        "ward": "south",
        "improve": ["parks", "litter"],
        "satisfied": 7,
        "safe_dark": "fairly",
        "police_agree": "agree",
        "smoke_alarm": "yes",
        "household": 3,
    }


def test_since_takes_a_date_or_a_date_and_time(db, client, partnership, questionnaire):
    old, middle, new = (submit(db, questionnaire) for _ in range(3))
    old.submitted_at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    middle.submitted_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    new.submitted_at = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    db.session.commit()
    _, plaintext = make_token(db, partnership)

    def ids(query):
        response = client.get(f"/api/v1/responses?{query}", headers=bearer(plaintext))
        return [row["id"] for row in response.get_json()["data"]]

    assert ids("since=2026-03-02") == [middle.id, new.id]
    assert ids("since=2026-03-02T12:00:00Z") == [new.id]
    assert ids("since=2026-03-02T09:00:00%2B00:00") == [middle.id, new.id]
    assert ids("since=2026-03-02T10:00:00") == [new.id]  # no zone: UTC
    assert ids("since=2026-03-01&until=2026-03-01") == [old.id]


def test_dashboard_filters_apply_to_responses(db, client, partnership, questionnaire):
    north = submit(db, questionnaire, ward="north")
    submit(db, questionnaire, ward="south")
    _, plaintext = make_token(db, partnership)
    body = client.get("/api/v1/responses?ward=north", headers=bearer(plaintext)).get_json()
    assert [row["id"] for row in body["data"]] == [north.id]
    assert body["filters"] == {"wards": ["north"]}


def test_mine_keeps_only_my_agencys_questions(db, client, partnership, questionnaire):
    submit(db, questionnaire, smoke_alarm=["no"], police_agree=["agree"])
    _, plaintext = make_token(db, partnership, agency_slug="fire")
    body = client.get("/api/v1/responses?mine=1", headers=bearer(plaintext)).get_json()
    assert body["data"][0]["answers"] == {"smoke_alarm": "no"}


def test_free_text_answers_only_for_users_with_free_text_access(
    db, client, partnership, questionnaire
):
    submit(db, questionnaire, safe="unsafe", why="The underpass has no lights", street="Mill Lane")
    _, without = make_token(db, partnership)
    _, with_access = make_token(db, partnership, free_text=True)

    hidden = client.get("/api/v1/responses", headers=bearer(without)).get_json()
    shown = client.get("/api/v1/responses", headers=bearer(with_access)).get_json()

    assert "why_unsafe" not in hidden["data"][0]["answers"]
    assert "street" not in hidden["data"][0]["answers"]
    assert hidden["free_text"] is False
    assert shown["data"][0]["answers"]["why_unsafe"] == "The underpass has no lights"
    assert shown["data"][0]["answers"]["street"] == "Mill Lane"


def test_bad_parameters_get_a_400_with_a_message_for_each(db, client, partnership, questionnaire):
    _, plaintext = make_token(db, partnership)
    response = client.get(
        "/api/v1/responses?since=last+week&channel=fax&event=one&limit=9999&cursor=%25%25",
        headers=bearer(plaintext),
    )
    error = assert_json_error(response, 400)
    assert set(error["fields"]) == {"since", "channel", "event", "limit", "cursor"}
    assert "5000" in error["fields"]["limit"]


# Results


def test_results_are_suppressed_below_k(db, client, partnership, questionnaire):
    for _ in range(12):
        submit(db, questionnaire, safe="fairly")
    for _ in range(3):
        submit(db, questionnaire, safe="unsafe")
    _, plaintext = make_token(db, partnership)

    response = client.get("/api/v1/results/safe_dark", headers=bearer(plaintext))

    assert response.status_code == 200
    body = response.get_json()
    options = {option["code"]: option for option in body["options"]}
    unsafe, fairly = options["unsafe"], options["fairly"]
    # One type per field: a hidden count is null, never the string "<10" (which broke
    # typed columns in BI tools); what to show is in count_display.
    assert (unsafe["count"], unsafe["suppressed"], unsafe["count_display"]) == (None, True, "<10")
    assert isinstance(fairly["count"], int) and fairly["suppressed"] is False
    assert fairly["count_display"] == str(fairly["count"])
    assert all(o["count"] is None or isinstance(o["count"], int) for o in body["options"])
    assert all(isinstance(o["count_display"], str) for o in body["options"])
    assert body["suppressed"] is True
    assert body["k"] == 10
    assert 3 not in [o["count"] for o in body["options"]]


def test_results_honour_the_filters_and_refuse_bad_ones(db, client, partnership, questionnaire):
    _, plaintext = make_token(db, partnership)
    ok = client.get(
        "/api/v1/results/safe_dark?ward=north&since=2026-01-01", headers=bearer(plaintext)
    )
    assert ok.status_code == 200
    bad = client.get("/api/v1/results/safe_dark?until=soon", headers=bearer(plaintext))
    assert "until" in assert_json_error(bad, 400)["fields"]


@pytest.mark.parametrize("code", ["no_such_question", "why_unsafe"])
def test_unknown_or_free_text_code_is_a_json_404(db, client, partnership, questionnaire, code):
    _, plaintext = make_token(db, partnership)
    response = client.get(f"/api/v1/results/{code}", headers=bearer(plaintext))
    assert code in assert_json_error(response, 404)["message"]


# Errors on every path


def test_unknown_address_under_the_api_is_a_json_404(client):
    assert_json_error(client.get("/api/v1/nothing-here"), 404)
    assert_json_error(client.get("/api/v2/questionnaire"), 404)


def test_other_methods_are_a_json_405_with_allow(db, client, partnership, questionnaire):
    _, plaintext = make_token(db, partnership)
    response = client.post("/api/v1/responses", headers=bearer(plaintext))
    assert_json_error(response, 405)
    assert "GET" in response.headers["Allow"]
    assert_json_error(client.delete("/api/v1/openapi.json"), 405)


def test_a_body_over_the_limit_is_a_json_413(db, client, partnership, questionnaire, app):
    _, plaintext = make_token(db, partnership)
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.get("/api/v1/responses", data=body, headers=bearer(plaintext))
    assert_json_error(response, 413)


def test_an_unexpected_failure_is_a_json_500(
    db, app, client, partnership, questionnaire, monkeypatch
):
    from engage.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(views.documents, "questionnaire_document", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _, plaintext = make_token(db, partnership)

    response = client.get("/api/v1/questionnaire", headers=bearer(plaintext))

    error = assert_json_error(response, 500)
    assert "fire" not in error["message"]


def test_html_pages_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


# Audit trail and last use


def test_each_pull_is_recorded_and_marks_the_token_used(db, client, partnership, questionnaire):
    submit(db, questionnaire)
    submit(db, questionnaire, ward="south")
    user, plaintext = make_token(db, partnership)
    before = datetime.now(UTC) - timedelta(seconds=1)

    client.get("/api/v1/responses?ward=south&limit=10", headers=bearer(plaintext))
    client.get("/api/v1/questionnaire", headers=bearer(plaintext))
    client.get("/api/v1/responses?limit=0", headers=bearer(plaintext))  # refused: not a pull

    pulls = sa.select(AuditEntry).where(AuditEntry.kind == "api").order_by(AuditEntry.id)
    entries = list(db.session.scalars(pulls))  # making the token is on the trail too
    assert [(e.kind, e.action, e.user_id) for e in entries] == [
        ("api", "GET /api/v1/responses", user.id),
        ("api", "GET /api/v1/questionnaire", user.id),
    ]
    assert entries[0].filters == {"wards": ["south"], "limit": 10}
    assert entries[0].rows == 1
    assert entries[1].rows == len(questionnaire.questions)
    token = db.session.scalar(sa.select(ApiToken))
    db.session.refresh(token)
    used = token.last_used_at
    assert (used if used.tzinfo else used.replace(tzinfo=UTC)) >= before


# OpenAPI


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def test_openapi_document_is_valid_and_describes_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()

    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)
    api_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert api_rules
    for rule in api_rules:
        path = _openapi_path(rule.rule)
        assert path in document["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            for status in ("200", "404", "500"):
                assert status in operation["responses"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "Error" in document["components"]["schemas"]


def test_the_api_and_the_csv_download_read_the_same_rows(db, client, partnership, questionnaire):
    """One row source: for the same filters and the same user (an agency's analyst with
    "mine"), the API's responses and the CSV hold the same responses and answers."""
    import csv
    import io

    from engage.demo.synthetic import seed_synthetic

    seed_synthetic(questionnaire, 60, seed=5)
    db.session.commit()
    user, plaintext = make_token(db, partnership, agency_slug="fire")
    web = client.application.test_client()
    web.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    for query in ("", "?mine=1", "?ward=north", "?mine=1&ward=south"):
        api_rows = []
        cursor_query = query
        while True:
            body = client.get(f"/api/v1/responses{cursor_query}", headers=bearer(plaintext))
            page = body.get_json()
            api_rows += page["data"]
            if not page["next_cursor"]:
                break
            joiner = "&" if query else "?"
            cursor_query = f"{query}{joiner}cursor={page['next_cursor']}&limit=25"
        text = web.get(f"/exports/responses.csv{query}").get_data(as_text=True).lstrip("\ufeff")
        csv_rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["id"] for r in api_rows] == [int(r["response_id"]) for r in csv_rows], query
        question_columns = set(csv_rows[0]) - {
            "response_id",
            "submitted_at",
            "version",
            "channel",
            "event",
            "ward",
            "language",
            "weight",
        }
        api_codes = {code for r in api_rows for code in r["answers"]}
        csv_codes = {c.split("__")[0].removeprefix("q_") for c in question_columns}
        assert api_codes <= csv_codes, query
        for api_row, csv_row in zip(api_rows, csv_rows, strict=True):
            assert api_row["ward"] == (csv_row["ward"] or None)
            for code, value in api_row["answers"].items():
                if isinstance(value, list):  # multiple choice: one 0/1 column per option
                    for option in value:
                        assert csv_row[f"{code}__{option}"] == "1", (query, code, option)
                elif isinstance(value, int):
                    assert csv_row[code] == str(value), (query, code)
                else:
                    assert csv_row[code] != "", (query, code)  # a code, numbered in the CSV


def test_responses_give_option_answers_as_codes_numbers_or_labels(
    db, client, partnership, questionnaire
):
    submit(db, questionnaire, safe="unsafe", improve=["parks", "litter"], police_agree=["agree"])
    _, plaintext = make_token(db, partnership)

    def answers(query: str) -> dict:
        response = client.get(f"/api/v1/responses{query}", headers=bearer(plaintext))
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["data"][0]["answers"]

    codes = answers("")
    assert (codes["safe_dark"], codes["improve"], codes["police_agree"]) == (
        "unsafe",
        ["parks", "litter"],
        "agree",
    )
    assert answers("?values=codes") == codes
    numbers = answers("?values=numbers")
    assert (numbers["safe_dark"], numbers["improve"], numbers["police_agree"]) == (3, [1, 3], 2)
    labels = answers("?values=labels")
    assert (labels["safe_dark"], labels["police_agree"]) == ("Unsafe", "Agree")
    assert labels["ward"] == "North Ward"
    error = assert_json_error(
        client.get("/api/v1/responses?values=letters", headers=bearer(plaintext)), 400
    )
    assert "codes, numbers or labels" in error["fields"]["values"]
