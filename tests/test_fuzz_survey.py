"""Property tests: hostile survey forms, kiosk uploads and sign-ins never cause a 5xx.

Each test posts many generated payloads (wrong types, unknown codes, overlong
values, control characters, invalid UTF-8, missing and repeated fields, JSON that
is not an object or is nested 100,000 deep) and checks that the answer is a
refusal that says what was wrong, or a success when the input happened to be
valid, and that a refusal stored nothing.

CSRF is off here (the test configuration's default): these tests are about what
the views do with the data. CSRF itself is tested with it on in
tests/test_security_csrf.py.
"""

from datetime import timedelta

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from engage.accounts.models import User
from engage.audit.models import AuditEntry
from engage.events import services as events
from engage.forms import strip
from engage.questionnaire import types
from engage.questionnaire.models import Section
from engage.questionnaire.services import publish
from engage.survey.models import Answer, Response
from engage.timeutil import utcnow
from tests import factories
from tests.fuzz_helpers import (
    SPECIAL_BODIES,
    answers,
    as_body,
    assert_clear_json,
    assert_clear_page,
    choose,
    fuzz_settings,
    json_value,
    keys,
    kiosk_payloads,
    nasty_text,
    question_specs,
    raw_body,
    rows,
)

FORM = "application/x-www-form-urlencoded"


@st.composite
def survey_forms(draw, version_id: int, specs) -> tuple[list[tuple[str, str]], bool]:
    """A survey post as (name, value) pairs, fields missing, wrong or repeated; and
    whether it is a post the survey must store."""
    pairs: list[tuple[str, str]] = []
    version, good_version = choose(draw, st.just(str(version_id)), nasty_text)
    key, good_key = choose(draw, keys, nasty_text)
    if draw(st.integers(0, 9)):
        pairs.append(("_version", version))
    else:
        good_version = False
    if draw(st.integers(0, 9)):
        pairs.append(("_key", key))
    else:
        good_key = False
    given, clean = draw(answers(specs, key_of=lambda name, code: name))
    pairs += [(name, value) for name, values in given.items() for value in values]
    # Fields the survey does not read, after the real ones (the first of a name counts).
    pairs += draw(st.lists(st.tuples(nasty_text, nasty_text), max_size=2))
    return pairs, good_version and good_key and clean


@pytest.fixture
def spec(questionnaire):
    """The published version's id and its questions, read once (rows() ends the session)."""
    return questionnaire.id, question_specs(questionnaire)


@pytest.fixture
def stored_keys() -> set[str]:
    """Keys stored so far in this test: the same key never stores a second response."""
    return set()


@given(data=st.data())
@fuzz_settings(max_examples=60)
def test_survey_form_refuses_bad_answers_clearly_and_stores_only_good_ones(
    client, spec, stored_keys, data
):
    version_id, specs = spec
    before = rows(Response, Answer)
    if data.draw(st.integers(0, 5)):
        pairs, valid = data.draw(survey_forms(version_id, specs))
        response = client.post("/survey/", data=MultiDict(pairs))
    else:
        pairs, valid = [], False
        response = client.post("/survey/", data=data.draw(raw_body), content_type=FORM)
    after = rows(Response, Answer)
    event(f"HTTP {response.status_code}")
    if valid:
        assert response.status_code == 303, response.get_data(as_text=True)
    if response.status_code == 303:
        key = MultiDict(pairs)["_key"]
        assert after[0] == before[0] + (0 if key in stored_keys else 1)
        stored_keys.add(key)
        return
    assert response.status_code == 400
    assert after == before
    assert_clear_page(response, 'class="govuk-warning-text"')


@pytest.fixture
def kiosk_url(db, questionnaire):
    event = events.create_event(
        questionnaire.questionnaire.partnership,
        events.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    db.session.commit()
    return f"/kiosk/{event.kiosk_token}/responses"


@given(data=st.data())
@fuzz_settings(max_examples=80)
def test_kiosk_upload_answers_json_refusals_and_stores_only_valid_responses(
    client, spec, kiosk_url, stored_keys, data
):
    before = rows(Response, Answer)
    choice = data.draw(st.integers(0, 5))
    payload, storable = data.draw(kiosk_payloads(*spec)) if choice >= 2 else (None, False)
    if choice >= 2:
        body = as_body(payload)
    elif choice == 1:
        body = as_body(data.draw(json_value))
    else:
        body = data.draw(raw_body)
    response = client.post(kiosk_url, data=body, content_type="application/json")
    after = rows(Response, Answer)
    event(f"HTTP {response.status_code}")
    if storable:
        key = payload["key"]
        assert response.status_code == (200 if key in stored_keys else 201), response.get_json()
        stored_keys.add(key)
    if response.status_code == 201:
        # Every stored key, even one the model did not expect to store: while Hypothesis
        # shrinks a failure, later examples reuse keys, and each must be judged right.
        if isinstance(payload, dict) and isinstance(payload.get("key"), str):
            stored_keys.add(payload["key"])
        assert after[0] == before[0] + 1
        assert response.get_json() == {"status": "stored"}
        return
    assert after == before
    if response.status_code == 200:
        assert response.get_json() == {"status": "duplicate"}
        return
    assert response.status_code in (400, 422)
    assert_clear_json(response)


@pytest.mark.parametrize("body", SPECIAL_BODIES[4:6], ids=["deep-list", "deep-object"])
def test_deeply_nested_json_is_refused_with_a_message(client, kiosk_url, body):
    response = client.post(kiosk_url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Send one response as a JSON object."}


EMAIL = "fuzz@example.org"


@pytest.fixture
def user(db, partnership):
    factories.make_user(partnership, "analyst", email=EMAIL)
    db.session.commit()


@given(
    emails=st.lists(
        st.one_of(st.sampled_from([EMAIL, f" {EMAIL.upper()} "]), nasty_text), max_size=2
    ),
    passwords=st.lists(st.one_of(st.just(factories.PASSWORD), nasty_text), max_size=2),
    extra=st.lists(st.tuples(nasty_text, nasty_text), max_size=2),
    raw=st.one_of(st.none(), raw_body),
)
@example(emails=["\x00"], passwords=["\x00"], extra=[], raw=None)
@example(emails=[f"{EMAIL}\x00"], passwords=[factories.PASSWORD], extra=[], raw=None)
@example(emails=[EMAIL, "x"], passwords=[factories.PASSWORD] * 2, extra=[], raw=None)
@example(emails=[], passwords=[], extra=[], raw=b"email=\xff&password=\xfe")
@fuzz_settings(max_examples=50)
def test_sign_in_refuses_any_malformed_form_with_a_message_and_changes_nothing(
    app, user, emails, passwords, extra, raw
):
    pairs = [("email", e) for e in emails] + [("password", p) for p in passwords] + extra
    client = app.test_client()
    before = rows(User, AuditEntry)
    if raw is None:
        response = client.post("/login", data=MultiDict(pairs))
    else:
        response = client.post("/login", data=raw, content_type=FORM)
    event(f"HTTP {response.status_code}")
    # The right password for the account signs in, whatever else is sent: the first of
    # each field counts, and the address is read without spaces or control characters.
    right = raw is None and emails and passwords and passwords[0] == factories.PASSWORD
    right = right and str(strip(emails[0])).lower() == EMAIL
    assert (response.status_code == 302) == bool(right)
    # Nothing changes, but for the sign-in's own entry in the audit trail.
    users, entries = before
    assert rows(User, AuditEntry) == (users, entries + (1 if right else 0))
    if right:
        return
    assert response.status_code in (400, 401)
    assert_clear_page(response)


@pytest.fixture
def unbounded(db, partnership):
    """A published questionnaire whose one question is a number with no limits."""
    draft = factories.make_draft(partnership)
    section = Section(position=0, title="Counting")
    draft.sections.append(section)
    factories.add_question(section, "trees", types.NUMBER, "How many trees are on your street?")
    publish(draft)
    db.session.commit()
    return draft.id


@pytest.mark.parametrize("number", ["99999999999", "-99999999999", str(2**31)])
def test_a_number_larger_than_can_be_stored_is_refused(client, unbounded, number):
    form = {"_version": str(unbounded), "_key": "a" * 32, "q-trees": number}
    response = client.post("/survey/", data=form)
    assert response.status_code == 400
    assert "Enter a whole number" in response.get_data(as_text=True)
    assert rows(Response) == (0,)
