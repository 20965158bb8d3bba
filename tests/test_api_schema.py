"""schemathesis against /api/v1/openapi.json: no server errors, and every answer is one the
document describes (its status and its body's schema), for requests drawn from the
document itself, valid ones and invalid ones.

The requests carry a real analyst's bearer token, on a database with synthetic
responses, so the data endpoints answer with real pages and aggregates.
"""

import pytest
import schemathesis
from hypothesis import event, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engage.api.tokens import create_token
from engage.demo.synthetic import seed_synthetic
from tests import factories
from tests.fuzz_helpers import fuzz_settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api(app, db, partnership, questionnaire):
    """The loaded schema, headers with an analyst's token, and the question codes; over
    60 synthetic responses."""
    analyst = factories.make_user(partnership, "analyst")
    _token, plaintext = create_token(analyst, "schemathesis")
    db.session.commit()
    seed_synthetic(questionnaire, 60, seed=5)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # schemathesis's WSGI transport reads bodies as sent, without undoing Content-Encoding,
    # so ask for them uncompressed (a real HTTP client would unzip the gzip Engage sends).
    headers = {"Authorization": f"Bearer {plaintext}", "Accept-Encoding": "identity"}
    return schema, headers, [q.code for q in questionnaire.questions]


@given(data=st.data())
@fuzz_settings(max_examples=80)
def test_every_api_answer_conforms_to_the_openapi_document(api, data):
    schema, headers, codes = api
    results = schema["/results/{code}"]["GET"]
    case = data.draw(
        st.one_of(
            schema.as_strategy(GenerationMode.POSITIVE, headers=headers),
            schema.as_strategy(GenerationMode.NEGATIVE, headers=headers),
            # A random code is almost never a question's: ask about real ones too.
            st.sampled_from(codes).flatmap(
                lambda code: results.as_strategy(headers=headers, path_parameters={"code": code})
            ),
        )
    )
    response = case.call_and_validate(checks=CHECKS)
    event(f"{case.method} {case.operation.path} → {response.status_code}")


# Values that once reached int(), date arithmetic or the database unchecked.
AWKWARD = [
    ("limit", "²"),
    ("limit", "9" * 5000),
    ("event", "²"),
    ("version", "99999999999999999999"),
    ("event", str(2**31)),
    ("until", "9999-12-31"),
    ("since", "0001-01-01"),
    ("since", "0001-01-01T00:00:00+01:00"),
    ("cursor", "\x00"),
    ("ward", "\x00"),
]


def test_awkward_query_values_get_a_page_or_a_400_that_names_the_parameter(api):
    schema, headers, _codes = api
    for name, value in AWKWARD:
        for operation in ("/responses", "/results/{code}"):
            case = schema[operation]["GET"].Case(
                path_parameters={"code": "ward"}, query={name: value}
            )
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            assert response.status_code in (200, 400), (operation, name, value)
            if response.status_code == 400:
                assert name in response.json()["error"]["fields"]
