"""Downloads with the API token: the CSV and the Excel file without a browser session,
as a script, Power Query's "From Web" or curl fetches them."""

import io

import openpyxl
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.exports.models import QUEUED, ExportJob
from tests.test_api import bearer, make_token, submit
from tests.test_odata import basic


def test_a_token_downloads_the_csv_with_the_filters_and_the_chosen_values(
    db, client, partnership, questionnaire
):
    user, token = make_token(db, partnership)
    north = submit(db, questionnaire, ward="north", safe="fairly")
    submit(db, questionnaire, ward="south")

    for headers in (bearer(token), basic(token)):
        response = client.get("/exports/responses.csv?ward=north&values=numbers", headers=headers)

        assert response.status_code == 200, response.headers.get("Location")
        assert "Set-Cookie" not in response.headers
        lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
        assert len(lines) == 2 and lines[1].startswith(f"{north.id},")
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.user_id == user.id and entry.kind == "download"


def test_a_token_downloads_the_excel_file_prepared_while_it_waits(
    db, client, partnership, questionnaire
):
    _, token = make_token(db, partnership)
    submit(db, questionnaire, safe="fairly")

    response = client.get("/exports/responses.xlsx?values=labels", headers=bearer(token))

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    body = response.data
    response.close()
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["safe_dark"] == "Fairly safe"


def test_a_file_not_yet_ready_is_a_202_that_says_where_and_when(
    db, client, partnership, questionnaire
):
    user, token = make_token(db, partnership)
    job = ExportJob(user_id=user.id, format="xlsx", filters={}, free_text=False, status=QUEUED)
    db.session.add(job)
    db.session.commit()

    response = client.get(f"/exports/jobs/{job.id}/file", headers=bearer(token))

    assert response.status_code == 202
    assert response.headers["Location"].endswith(f"/exports/jobs/{job.id}/file")
    assert int(response.headers["Retry-After"]) > 0


def test_a_wrong_token_is_a_401_not_a_sign_in_page(db, client, partnership, questionnaire):
    response = client.get("/exports/responses.csv", headers=bearer("eng_not_a_token"))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert "Set-Cookie" not in response.headers


def test_a_token_opens_only_the_downloads(db, client, partnership, questionnaire):
    _, token = make_token(db, partnership)

    for path in ("/exports/", "/results/", "/admin/users/", "/admin/audit/"):
        response = client.get(path, headers=bearer(token))
        assert response.status_code in (302, 401, 403), path
        assert response.status_code != 200
    # And a token cannot ask for a job by POST (a browser's cached Basic credentials
    # must not let another site start one).
    assert client.post(
        "/exports/jobs", data={"format": "xlsx"}, headers=bearer(token)
    ).status_code in (302, 400)


def test_a_token_is_refused_in_a_request_another_site_made(db, client, partnership, questionnaire):
    """A browser remembers Basic credentials and sends them even when another site's page
    makes the request; browsers mark such requests, and Engage refuses them."""
    _, token = make_token(db, partnership)
    cross = {**basic(token), "Sec-Fetch-Site": "cross-site"}

    for path in ("/exports/responses.csv", "/exports/responses.xlsx", "/odata/Responses"):
        assert client.get(path, headers=cross).status_code == 403, path
    assert client.get("/api/v1/responses", headers=cross).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(ExportJob.id))) == 0
    same = {**basic(token), "Sec-Fetch-Site": "same-origin"}
    assert client.get("/odata/Responses", headers=same).status_code == 200
