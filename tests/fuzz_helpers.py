"""What the property tests in tests/test_fuzz_*.py share: hostile values and the checks.

Each property: the answer is never a 5xx (with TESTING on, a server error raises
in the test instead), a refusal says clearly what was wrong, and a refused
request stored nothing.
"""

import json
import os

import sqlalchemy as sa
from flask import current_app
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from markupsafe import escape

from engage.extensions import db
from engage.main.errors import MESSAGES
from engage.questionnaire import types
from engage.survey.rendering import field_name
from tests import factories


def fuzz_settings(max_examples: int) -> settings:
    """Few examples, so a file runs in seconds; the same ones every time in CI.

    ENGAGE_FUZZ_SCALE=20 draws twenty times as many, for a longer hunt by hand.
    """
    return settings(
        max_examples=max_examples * int(os.environ.get("ENGAGE_FUZZ_SCALE", "1")),
        deadline=None,
        # No example database to replay from, and in CI the same draws every run, so a
        # submission never fails on a draw nobody has seen; a failure prints its seed.
        database=None,
        derandomize=bool(os.environ.get("CI")),
        # The app and its database are made once per test; each example counts the rows
        # it might have changed, before and after.
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# Strings that have broken web apps: control characters, direction overrides, a BOM,
# markup, SQL, numbers a naive int() trips on, and very long values.
SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",
    "\u2066x\u2069",
    "\ufeff",
    "\r\n",
    "\x7f",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "0",
    "-1",
    "1.5",
    "1e400",
    "99999999999999999999999999",
    "²",
    "١",
    "½",
    "NaN",
    "Infinity",
    "null",
    "[]",
    "{}",
    "%00",
    "../../etc/passwd",
]

special_text = st.sampled_from(SPECIAL)
long_text = st.integers(min_value=300, max_value=12_000).map(lambda n: "é" * n)
# A special string on its own or inside ordinary text ("Elm\x00 Street").
embedded = st.tuples(st.text(max_size=6), special_text, st.text(max_size=6)).map("".join)
nasty_text = st.one_of(special_text, embedded, st.text(max_size=40), long_text)

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    nasty_text,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4),
    max_leaves=12,
)

DEEP = 100_000
# Bodies that are not what the endpoint reads: bytes, broken UTF-8, deep nesting.
SPECIAL_BODIES = [
    b"",
    b"\xff\xfe\xfd",
    b'{"key": "\xff\xfe"}',
    b"\xef\xbb\xbf{}",
    b"[" * DEEP,
    b'{"a":' * DEEP,
    b"1" * 5000,
    b'"just a string"',
    b"NaN",
    b"\x00" * 64,
]
raw_body = st.one_of(st.sampled_from(SPECIAL_BODIES), st.binary(max_size=300))


def mostly(good, bad):
    """``good`` three times in four, else ``bad``: valid input must be drawn often too."""
    return st.integers(0, 3).flatmap(lambda n: bad if n == 0 else good)


def choose(draw, good, bad) -> tuple[object, bool]:
    """Like ``mostly``, also saying whether the good value was drawn."""
    if draw(st.integers(0, 3)):
        return draw(good), True
    return draw(bad), False


# Survey responses: good answers drawn often, spoilt ones too.
keys = st.uuids().map(lambda u: u.hex)
# Text any text question accepts as it is (no control characters, nothing NFC changes).
plain_text = st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), max_size=50)


def question_specs(version):
    """(field name, question code, a strategy of good answers) per question."""
    return [(field_name(q), q.code, good_answer(q)) for q in version.questions]


def good_answer(question):
    """Answers the questionnaire accepts, so that valid posts are drawn often too."""
    codes = [o.code for o in question.options if not o.exclusive]
    if question.type == types.AREA:
        values = st.sampled_from([code for code, _ in factories.WARDS])
    elif question.type in types.CHOICE_TYPES:
        values = st.sampled_from(codes)
    elif question.type == types.RATING:
        values = st.integers(0, 10).map(str)
    elif question.type == types.NUMBER:
        values = st.integers(question.min_value or 0, question.max_value or 100).map(str)
    else:
        values = plain_text
    return values.map(lambda value: [value])


# Wrong for any question: nonsense, unknown codes, several values, nothing at all.
bad_answer = st.lists(st.one_of(nasty_text, st.integers(-5, 30).map(str)), max_size=3)


@st.composite
def answers(draw, specs, key_of=lambda name, code: code) -> tuple[dict, bool]:
    """Good answers to every question, then (one time in four) some spoilt or left out;
    and whether none was."""
    chosen = {key_of(name, code): draw(good) for name, code, good in specs}
    spoilt = st.lists(st.sampled_from(sorted(chosen)), unique=True, min_size=1, max_size=3)
    names, clean = choose(draw, st.just([]), spoilt)
    for name in names:  # type: ignore[attr-defined]
        chosen[name] = draw(bad_answer)
    return chosen, clean


def good_payloads(version_id: int, specs):
    """A response as a tablet sends it (its answers still spoilt one time in four)."""
    return st.fixed_dictionaries(
        {
            "key": keys,
            "version": st.just(version_id),
            "lang": st.sampled_from(["en", "pl", "ur"]),
            "answers": answers(specs).map(lambda drawn: drawn[0]),
        }
    )


@st.composite
def kiosk_payloads(draw, version_id: int, specs) -> tuple[dict, bool]:
    """An upload whose every part may be missing, mistyped or unknown; and whether it is
    one the server must store (an unknown or missing language is stored as English)."""
    key, good_key = choose(draw, keys, json_value)
    version, good_version = choose(draw, st.sampled_from([version_id, str(version_id)]), json_value)
    (given, clean), good_answers = choose(
        draw,
        answers(specs),
        (st.dictionaries(nasty_text, json_value, max_size=3) | json_value).map(
            lambda value: (value, False)
        ),
    )
    payload = {
        "key": key,
        "version": version,
        "lang": draw(mostly(st.sampled_from(["en", "pl", "ur"]), json_value)),
        "answers": given,
    }
    missing = st.lists(st.sampled_from(sorted(payload)), unique=True, min_size=1, max_size=2)
    gone, _ = choose(draw, st.just([]), missing)
    for name in gone:  # type: ignore[attr-defined]
        del payload[name]
    unknown = nasty_text.filter(lambda name: name not in ("key", "version", "lang", "answers"))
    extra = draw(st.dictionaries(unknown, json_value, max_size=2))
    payload.update(extra)
    lang_only = set(gone) <= {"lang"}  # type: ignore[arg-type]
    storable = good_key and good_version and good_answers and clean and lang_only
    return payload, bool(storable)


def as_body(value) -> bytes:
    """A drawn value as a JSON body (Python writes infinities as Infinity, and reads them)."""
    return json.dumps(value).encode()


def rows(*models) -> tuple[int, ...]:
    """How many rows each model's table holds, read fresh."""
    db.session.remove()
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in models
    )


ERROR_SUMMARY = 'class="govuk-error-summary"'


def assert_clear_page(response, *markers: str) -> None:
    """An HTML refusal: a GOV.UK error summary, an error page's heading, or a given marker."""
    assert response.mimetype == "text/html", response.mimetype
    page = response.get_data(as_text=True)
    with current_app.test_request_context():
        titles = [str(title) for title, _ in MESSAGES.values()]
    headings = [f'<h1 class="govuk-heading-l">{escape(title)}</h1>' for title in titles]
    clear = ERROR_SUMMARY in page or any(m in page for m in (*markers, *headings))
    assert clear, page[:3000]


def assert_clear_json(response) -> None:
    """A JSON refusal with a message in it."""
    assert response.is_json, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert isinstance(body, dict) and (body.get("error") or body.get("errors")), body
