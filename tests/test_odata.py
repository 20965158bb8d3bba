"""The OData v4 feed: authentication as Excel and Power BI send it, $metadata as CSDL,
paging, $count, $select, $top/$skip, $filter, the value conventions, the Results feed
and errors."""

import base64
from datetime import UTC, datetime
from xml.etree import ElementTree as ET  # nosec B405  # parses the app's own document

import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.demo.synthetic import seed_synthetic
from engage.survey.models import Response
from tests.test_api import assert_json_error, bearer, make_token, submit

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}"


def basic(plaintext: str, user: str = "analyst") -> dict[str, str]:
    pair = base64.b64encode(f"{user}:{plaintext}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def walk(client, url: str, headers: dict[str, str]) -> tuple[list[dict], int]:
    """Every row, following @odata.nextLink as a client does; and the pages read."""
    rows: list[dict] = []
    pages = 0
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        rows += body["value"]
        pages += 1
        url = body.get("@odata.nextLink")
    return rows, pages


@pytest.fixture
def analyst_token(db, partnership):
    _, plaintext = make_token(db, partnership)
    return plaintext


def _schema(client, token, root="/odata/"):
    response = client.get(root + "$metadata", headers=basic(token))
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.headers["OData-Version"] == "4.0"
    document = ET.fromstring(response.data)  # noqa: S314
    assert document.tag == f"{EDMX}Edmx" and document.get("Version") == "4.0"
    return document


def _properties(document, entity: str) -> dict[str, str]:
    found = document.find(f".//{EDM}EntityType[@Name='{entity}']")
    return {p.get("Name"): p.get("Type") for p in found.findall(f"{EDM}Property")}


# Authentication


def test_without_credentials_the_feed_asks_for_basic_authentication(client, questionnaire):
    response = client.get("/odata/Responses")

    assert response.status_code == 401
    challenges = response.headers.getlist("WWW-Authenticate")
    assert any(c.startswith("Basic ") for c in challenges)
    assert response.get_json()["error"]["message"]


def test_the_token_works_as_the_basic_password_or_bearer_and_nothing_else_does(
    db, client, questionnaire, analyst_token
):
    assert client.get("/odata/", headers=basic(analyst_token)).status_code == 200
    assert client.get("/odata/", headers=basic(analyst_token, user="")).status_code == 200
    assert client.get("/odata/", headers=bearer(analyst_token)).status_code == 200
    assert client.get("/odata/", headers=basic("eng_wrong")).status_code == 401
    assert client.get("/odata/", headers=basic(analyst_token + "x")).status_code == 401
    assert client.get("/odata/", headers={"Authorization": "Basic %%%"}).status_code == 401
    # The token as the user name (and no password) is not accepted.
    swapped = base64.b64encode(f"{analyst_token}:".encode()).decode()
    assert client.get("/odata/", headers={"Authorization": f"Basic {swapped}"}).status_code == 401


def test_a_token_stops_working_when_its_user_is_no_longer_an_analyst(
    db, client, partnership, questionnaire
):
    user, plaintext = make_token(db, partnership)
    user.role = "facilitator"
    db.session.commit()

    assert client.get("/odata/", headers=basic(plaintext)).status_code == 401


def test_a_signed_in_browser_session_is_not_enough(analyst_client, questionnaire):
    assert analyst_client.get("/odata/Responses").status_code == 401


# The service document and $metadata


def test_service_document_lists_both_sets(client, questionnaire, analyst_token):
    response = client.get("/odata/", headers=basic(analyst_token))

    body = response.get_json()
    assert body["@odata.context"].endswith("/odata/$metadata")
    assert {entry["name"]: entry["url"] for entry in body["value"]} == {
        "Responses": "Responses",
        "Results": "Results",
    }
    assert response.headers["OData-Version"] == "4.0"


def test_metadata_is_csdl_with_one_property_per_csv_column(
    db, client, analyst_client, questionnaire, analyst_token
):
    submit(db, questionnaire)
    document = _schema(client, analyst_token)

    properties = _properties(document, "Response")
    csv_header = analyst_client.get("/exports/responses.csv").get_data(as_text=True)
    columns = csv_header.lstrip("\ufeff").splitlines()[0].split(",")
    assert [name for name in properties if name != "submitted_on"] == columns
    assert properties["response_id"] == "Edm.Int64"
    assert properties["submitted_at"] == "Edm.DateTimeOffset"
    assert properties["submitted_on"] == "Edm.Date"
    assert properties["safe_dark"] == "Edm.String"  # codes, the default
    key = document.find(f".//{EDM}EntityType[@Name='Response']/{EDM}Key/{EDM}PropertyRef")
    assert key.get("Name") == "response_id"
    sets = document.findall(f".//{EDM}EntityContainer/{EDM}EntitySet")
    assert {s.get("Name"): s.get("EntityType") for s in sets} == {
        "Responses": "Engage.Response",
        "Results": "Engage.Result",
    }
    results = _properties(document, "Result")
    assert results["count"] == "Edm.Int64" and results["suppressed"] == "Edm.Boolean"


def test_numbers_root_types_option_answers_as_integers(client, questionnaire, analyst_token):
    numbers = _properties(_schema(client, analyst_token, "/odata/numbers/"), "Response")
    labels = _properties(_schema(client, analyst_token, "/odata/labels/"), "Response")

    assert numbers["safe_dark"] == "Edm.Int64"
    assert labels["safe_dark"] == "Edm.String"


# Rows and conventions


def test_rows_carry_codes_by_default_and_numbers_or_labels_under_their_roots(
    db, client, questionnaire, analyst_token
):
    stored = submit(db, questionnaire, ward="north", safe="fairly")

    def row(root):
        body = client.get(f"{root}Responses", headers=basic(analyst_token)).get_json()
        (found,) = body["value"]
        return found

    codes, numbers, labels = row("/odata/"), row("/odata/numbers/"), row("/odata/labels/")
    option = next(o for o in stored.version.questions if o.code == "safe_dark").option_by_code(
        "fairly"
    )
    assert codes["safe_dark"] == "fairly"
    assert numbers["safe_dark"] == option.value
    assert labels["safe_dark"] == option.label
    assert codes["response_id"] == stored.id
    assert codes["submitted_at"].endswith("Z")
    assert codes["submitted_on"] == stored.submitted_at.date().isoformat()
    # The fixed columns stay codes in every convention, so $filter means the same.
    assert codes["ward"] == numbers["ward"] == labels["ward"] == "north"


def test_select_keeps_only_the_named_columns(db, client, questionnaire, analyst_token):
    submit(db, questionnaire)

    body = client.get(
        "/odata/Responses?$select=response_id,safe_dark", headers=basic(analyst_token)
    ).get_json()

    assert list(body["value"][0]) == ["response_id", "safe_dark"]
    assert body["@odata.context"].endswith("$metadata#Responses(response_id,safe_dark)")
    wrong = client.get("/odata/Responses?$select=nothing_here", headers=basic(analyst_token))
    error = wrong.get_json()["error"]
    assert wrong.status_code == 400
    assert error["details"][0]["target"] == "$select"
    assert "nothing_here" in error["details"][0]["message"]


# Paging


def test_paging_through_20000_responses_returns_each_once_and_count_matches(
    db, client, questionnaire, analyst_token
):
    seed_synthetic(questionnaire, 20_000, seed=3)
    stored = set(db.session.scalars(sa.select(Response.id)))

    first = client.get("/odata/Responses?$count=true", headers=basic(analyst_token)).get_json()
    rows, pages = walk(client, "/odata/Responses?$count=true", basic(analyst_token))

    ids = [row["response_id"] for row in rows]
    assert len(ids) == len(set(ids)) == 20_000
    assert set(ids) == stored
    assert ids == sorted(ids)
    assert first["@odata.count"] == 20_000
    assert pages == 20  # 1,000 rows a page
    counted = client.get("/odata/Responses/$count", headers=basic(analyst_token))
    assert counted.get_data(as_text=True) == "20000"


def test_responses_arriving_while_a_client_pages_are_neither_repeated_nor_lost(
    db, client, questionnaire, analyst_token
):
    for _ in range(5):
        submit(db, questionnaire)
    headers = {**basic(analyst_token), "Prefer": "odata.maxpagesize=2"}
    first = client.get("/odata/Responses", headers=headers)
    assert first.headers["Preference-Applied"] == "odata.maxpagesize=2"
    body = first.get_json()
    late = submit(db, questionnaire)

    rows, _ = walk(client, body["@odata.nextLink"], headers)

    ids = [r["response_id"] for r in body["value"] + rows]
    assert len(ids) == len(set(ids)) == 6
    assert ids[-1] == late.id


def test_top_and_skip_count_across_pages(db, client, questionnaire, analyst_token):
    made = [submit(db, questionnaire).id for _ in range(7)]
    headers = {**basic(analyst_token), "Prefer": "odata.maxpagesize=2"}

    rows, pages = walk(client, "/odata/Responses?$skip=1&$top=5&$count=true", headers)

    assert [r["response_id"] for r in rows] == made[1:6]
    assert pages == 3
    beyond, _ = walk(client, "/odata/Responses?$skip=7", headers)
    assert beyond == []
    nothing, _ = walk(client, "/odata/Responses?$top=0", headers)
    assert nothing == []


# $filter


def _ids_from_api(client, token, query):
    body = client.get(f"/api/v1/responses?limit=5000&{query}", headers=bearer(token)).get_json()
    assert body["next"] is None
    return [row["id"] for row in body["data"]]


def test_filter_by_date_and_ward_matches_the_apis_own_filters(
    db, client, questionnaire, analyst_token
):
    seed_synthetic(questionnaire, 600, seed=5, now=datetime(2026, 6, 15, tzinfo=UTC))
    days = sorted({r.submitted_at.date() for r in db.session.scalars(sa.select(Response))})
    since, until = days[len(days) // 4], days[len(days) // 2]
    ward = db.session.scalars(sa.select(Response.area_id)).first()
    code = next(a.code for a in questionnaire.questionnaire.partnership.areas if a.id == ward)

    feed, _ = walk(
        client,
        f"/odata/Responses?$filter=submitted_on ge {since} and submitted_on le {until} "
        f"and ward eq '{code}'&$select=response_id",
        basic(analyst_token),
    )
    api = _ids_from_api(client, analyst_token, f"since={since}&until={until}&ward={code}")

    assert [r["response_id"] for r in feed] == api
    assert 0 < len(api) < 600
    moments, _ = walk(
        client,
        f"/odata/Responses?$filter=submitted_at ge {since}T00:00:00Z and "
        f"submitted_at lt {until}T00:00:00%2B00:00 and ward eq '{code}'&$select=response_id",
        basic(analyst_token),
    )
    before_until = _ids_from_api(client, analyst_token, f"since={since}&until={until}&ward={code}")
    assert {r["response_id"] for r in moments} <= set(before_until)


def test_filter_by_event_channel_and_version_and_with_or_in_and_not(
    db, client, questionnaire, analyst_token
):
    online = submit(db, questionnaire, ward="north")
    south = submit(db, questionnaire, ward="south")
    kiosk = submit(db, questionnaire, ward="north")
    kiosk.channel = "kiosk"
    db.session.commit()

    def ids(expression):
        rows, _ = walk(client, f"/odata/Responses?$filter={expression}", basic(analyst_token))
        return [r["response_id"] for r in rows]

    assert ids("channel eq 'kiosk'") == [kiosk.id]
    assert ids("channel eq 'online' and ward eq 'north'") == [online.id]
    assert ids("ward in ('south','nowhere')") == [south.id]
    assert ids("not (ward eq 'nowhere')") == [online.id, south.id, kiosk.id]
    assert ids("ward ne 'north'") == [south.id]
    assert ids("version eq 1") == [online.id, south.id, kiosk.id]
    assert ids("version eq 9") == []
    assert ids("event eq null") == [online.id, south.id, kiosk.id]
    assert ids(f"response_id gt {online.id} or channel eq 'kiosk'") == [south.id, kiosk.id]


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("safe_dark eq 'fairly'", "safe_dark"),
        ("contains(ward, 'n')", "contains"),
        ("ward gt 'a'", "eq, ne or in"),
        ("submitted_at ge 2026-06-01", "date and time"),
        ("submitted_at ge 2026-06-01T00:00:00", "time zone"),
        ("version eq 'one'", "whole number"),
        ("channel eq null", "always has a value"),
        ("ward eq", "not a valid OData expression"),
    ],
)
def test_a_filter_the_feed_cannot_use_is_refused_saying_why(
    client, questionnaire, analyst_token, expression, says
):
    response = client.get(f"/odata/Responses?$filter={expression}", headers=basic(analyst_token))

    assert response.status_code == 400
    (detail,) = response.get_json()["error"]["details"]
    assert detail["target"] == "$filter"
    assert says in detail["message"]


def test_unsupported_options_are_refused_not_ignored(client, questionnaire, analyst_token):
    response = client.get(
        "/odata/Responses?$orderby=submitted_at desc&$top=x", headers=basic(analyst_token)
    )

    assert response.status_code == 400
    targets = {d["target"] for d in response.get_json()["error"]["details"]}
    assert targets == {"$orderby", "$top"}


# Results


def test_results_feed_has_typed_counts_with_small_ones_hidden(
    db, client, questionnaire, analyst_token
):
    for _ in range(12):
        submit(db, questionnaire, ward="north", safe="fairly")
    submit(db, questionnaire, ward="north", safe="very")

    body = client.get("/odata/Results?$count=true&lang=en", headers=basic(analyst_token)).get_json()

    rows = {(r["question"], r["option"]): r for r in body["value"]}
    assert body["@odata.count"] == len(body["value"])
    hidden = rows[("safe_dark", "very")]
    assert hidden["count"] is None and hidden["suppressed"] is True
    assert hidden["count_display"].startswith("<")
    shown = rows[("safe_dark", "fairly")]
    assert isinstance(shown["count"], int) and shown["suppressed"] is False
    assert all(isinstance(r["count"], int) or r["count"] is None for r in body["value"])


def test_results_feed_is_filtered_by_the_dashboards_options(
    db, client, questionnaire, analyst_token
):
    for ward in ("north",) * 11 + ("south",) * 12:
        submit(db, questionnaire, ward=ward)

    def respondents(query):
        body = client.get(f"/odata/Results?{query}", headers=basic(analyst_token)).get_json()
        return {r["respondents_display"] for r in body["value"] if r["question"] == "safe_dark"}

    assert respondents("") != respondents("ward=south")
    wrong = client.get("/odata/Results?$filter=ward eq 'north'", headers=basic(analyst_token))
    assert wrong.status_code == 400
    assert "ward=" in wrong.get_json()["error"]["details"][0]["message"]
    unknown = client.get("/odata/Results?colour=red", headers=basic(analyst_token))
    assert unknown.status_code == 400


def test_every_page_pulled_is_audited(db, client, questionnaire, analyst_token):
    submit(db, questionnaire)

    client.get("/odata/Responses?$select=response_id", headers=basic(analyst_token))

    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.kind == "api"
    assert entry.action == "GET /odata/Responses"


def test_unknown_addresses_and_writes_get_json_errors(client, questionnaire, analyst_token):
    assert_json_error(client.get("/odata/Nothing", headers=basic(analyst_token)), 404)
    assert client.post("/odata/Responses", headers=basic(analyst_token)).status_code == 405


# An OData client library from PyPI, over HTTP through the app


class WsgiAdapter:
    """A requests transport adapter that hands each request to the Flask test client, so
    the client library's own HTTP code runs against the app unchanged."""

    def __init__(self, client):
        self.client = client

    def send(self, request, **_kwargs):
        from urllib.parse import urlsplit

        import requests

        parts = urlsplit(request.url)
        answer = self.client.open(
            parts.path,
            method=request.method,
            query_string=parts.query,
            # Unzipped: requests unzips in urllib3, which this adapter skips.
            headers={k: v for k, v in request.headers.items() if k != "Accept-Encoding"},
            data=request.body,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers.update(answer.headers)
        response._content = answer.data
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


def test_an_odata_client_library_reads_the_service_and_the_feed(
    db, client, questionnaire, analyst_token
):
    odata = pytest.importorskip("odata", reason="python-odata is in the dev extras")
    requests = pytest.importorskip("requests")
    made = [submit(db, questionnaire, ward=w).id for w in ("north", "south", "north")]
    session = requests.Session()
    session.mount("http://localhost/", WsgiAdapter(client))

    service = odata.ODataService(
        "http://localhost/odata/",
        reflect_entities=True,
        session=session,
        auth=requests.auth.HTTPBasicAuth("analyst", analyst_token),
        quiet_progress=True,
    )
    entity = service.entities["Responses"]
    every = service.query(entity).all()
    north = service.query(entity).filter(entity.ward == "north").all()

    assert sorted(r.response_id for r in every) == made
    assert sorted(r.response_id for r in north) == [made[0], made[2]]
    assert {r.safe_dark for r in every} == {"fairly"}
    results = service.query(service.entities["Results"]).all()
    assert {r.question for r in results} >= {"safe_dark"}
