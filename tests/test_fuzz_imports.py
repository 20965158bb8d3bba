"""Property tests: hostile kiosk queue files and XLSForm workbooks never cause a 5xx,
and nothing over MAX_CONTENT_LENGTH is read by any of the fuzzed endpoints.

Queue files get broken JSON, JSON that is not a queue file, responses with wrong
types, unknown codes and control characters. Workbooks get random bytes, a real
XLSForm cut short or with bytes changed, and zips that are not workbooks. A
refused file stores nothing (no response, no import report, no proposal).

CSRF is off here (the test configuration's default): these tests are about what
the views do with the data. CSRF itself is tested with it on in
tests/test_security_csrf.py.
"""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from engage.bank.models import Proposal
from engage.events import services as events
from engage.events.imports import FORMAT
from engage.survey.models import Answer, Response
from engage.timeutil import utcnow
from engage.xlsform import exporting
from engage.xlsform.models import FormImport
from tests.fuzz_helpers import (
    as_body,
    assert_clear_json,
    assert_clear_page,
    fuzz_settings,
    good_payloads,
    json_value,
    kiosk_payloads,
    mostly,
    nasty_text,
    question_specs,
    raw_body,
    rows,
)


@pytest.fixture
def queue(db, questionnaire):
    """The event's kiosk token, the version id and its questions."""
    event = events.create_event(
        questionnaire.questionnaire.partnership,
        events.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    db.session.commit()
    return event.kiosk_token, questionnaire.id, question_specs(questionnaire)


@st.composite
def queue_files(draw, token: str, version_id: int, specs) -> dict:
    """A kiosk queue file whose envelope and responses may each be wrong."""
    data = {
        "format": draw(mostly(st.just(FORMAT), json_value)),
        "version": draw(mostly(st.just(1), json_value)),
        "event_token": draw(mostly(st.just(token), json_value)),
        "exported_at": "2026-06-27T16:00:00.000Z",
        "responses": draw(
            mostly(
                st.lists(
                    mostly(
                        good_payloads(version_id, specs),
                        kiosk_payloads(version_id, specs).map(lambda drawn: drawn[0]),
                    ),
                    max_size=3,
                ),
                json_value,
            )
        ),
    }
    data.update(draw(st.dictionaries(nasty_text, json_value, max_size=2)))
    return data


def post_file(client, url: str, field: str, content: bytes, name: str, **fields):
    return client.post(
        url,
        data={field: (io.BytesIO(content), name), **fields},
        content_type="multipart/form-data",
    )


@given(data=st.data())
@fuzz_settings(max_examples=50)
def test_queue_file_import_stores_all_or_nothing_and_never_a_server_error(
    admin_client, queue, data
):
    choice = data.draw(st.integers(0, 5))
    if choice >= 2:
        content = as_body(data.draw(queue_files(*queue)))
    elif choice == 1:
        content = as_body(data.draw(json_value))
    else:
        content = data.draw(raw_body)
    before = rows(Response, Answer)
    response = post_file(admin_client, "/events/import", "queue_file", content, "queue.json")
    after = rows(Response, Answer)
    event(f"HTTP {response.status_code}")
    if response.status_code == 303:  # a queue file of this partnership: imported as a job
        stored = after[0] - before[0]
        page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
        if "Nothing was imported" in page:
            assert after == before
        else:
            assert f"{stored} response{'' if stored == 1 else 's'} stored" in page
        return
    assert response.status_code == 400
    assert after == before
    assert_clear_page(response)


@pytest.fixture
def workbook(questionnaire) -> bytes:
    """A real XLSForm: the published questionnaire, exported."""
    return exporting.export(questionnaire)


def not_a_workbook_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@st.composite
def spoilt_workbooks(draw, good: bytes) -> bytes:
    """The real workbook cut short, with bytes changed, or swapped for another zip."""
    how = draw(st.sampled_from(["cut", "flip", "zip"]))
    if how == "cut":
        return good[: draw(st.integers(0, len(good) - 1))]
    if how == "flip":
        spoilt = bytearray(good)
        for _ in range(draw(st.integers(1, 8))):
            spoilt[draw(st.integers(0, len(good) - 1))] = draw(st.integers(0, 255))
        return bytes(spoilt)
    names = st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])
    return not_a_workbook_zip(draw(st.dictionaries(names, st.binary(max_size=200), max_size=3)))


@given(data=st.data())
@example(data=None)
@fuzz_settings(max_examples=30)
def test_xlsform_upload_refuses_broken_workbooks_with_a_message_and_keeps_nothing(
    analyst_client, workbook, data
):
    if data is None:
        content, name, agency = workbook, "form.xlsx", "council"
    else:
        content = data.draw(
            st.one_of(st.just(workbook), spoilt_workbooks(workbook), st.binary(max_size=400))
        )
        name = data.draw(mostly(st.just("form.xlsx"), nasty_text.map(lambda n: n + ".xlsx")))
        agency = data.draw(mostly(st.sampled_from(["police", "council"]), nasty_text))
    before = rows(FormImport, Proposal)
    response = post_file(
        analyst_client, "/bank/imports/new", "workbook", content, name, agency=agency
    )
    after = rows(FormImport, Proposal)
    event(f"HTTP {response.status_code}")
    if response.status_code == 302:
        assert "/bank/imports/" in response.headers["Location"]
        assert after == (before[0] + 1, before[1])
        return
    assert response.status_code == 400
    assert after == before
    assert_clear_page(response, 'class="govuk-error-summary')


# ---- Bodies over MAX_CONTENT_LENGTH ----


@pytest.fixture
def endpoints(app, admin_client, analyst_client, queue):
    """Each fuzzed endpoint: (client, path, content type, how a refusal is written)."""
    token = queue[0]
    anonymous = app.test_client()
    return {
        "survey": (anonymous, "/survey/", "application/x-www-form-urlencoded", "html"),
        "kiosk upload": (anonymous, f"/kiosk/{token}/responses", "application/json", "json"),
        "sign in": (anonymous, "/login", "application/x-www-form-urlencoded", "html"),
        "queue import": (admin_client, "/events/import", "multipart/form-data", "html"),
        "xlsform": (analyst_client, "/bank/imports/new", "multipart/form-data", "html"),
    }


def test_a_body_over_the_size_limit_is_refused_with_413_and_a_message(app, endpoints):
    app.config["ENGAGE_IMPORT_MAX_MB"] = 3  # the queue import's own limit, kept small here
    for name, (client, path, content_type, kind) in endpoints.items():
        size = app.config["MAX_CONTENT_LENGTH"] + 1
        if path == "/events/import":
            size = 3 * 1024 * 1024 + 1
        if content_type == "multipart/form-data":
            body = b"--x\r\nContent-Disposition: form-data; name=f; filename=a\r\n\r\n"
            body, content_type = body + b"a" * size, content_type + "; boundary=x"
        elif kind == "json":
            body = json.dumps({"key": "a" * size}).encode()
        else:
            body = b"email=" + b"a" * size
        before = rows(Response, FormImport)
        response = client.post(path, data=body, content_type=content_type)
        assert response.status_code == 413, name
        assert rows(Response, FormImport) == before, name
        if kind == "json":
            assert_clear_json(response)
        else:
            assert_clear_page(response)
