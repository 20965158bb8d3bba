"""The answer checker on its own, with plain objects standing in for questions."""

from types import SimpleNamespace as NS

from engage.survey.answers import check_answers, clean_text


def question(code, qtype="single", required=False, options=("yes", "no"), **extra):
    fields = dict(
        code=code,
        type=qtype,
        required=required,
        min_value=None,
        max_value=None,
        max_choices=None,
        max_length=None,
        condition_code=None,
        condition_options=[],
        options=[NS(code=o, label=o.title(), exclusive=False) for o in options],
    )
    fields.update(extra)
    return NS(**fields)


def test_required_question_hidden_by_its_condition_is_not_needed():
    questions = [
        question("has_car"),
        question(
            "car_type",
            required=True,
            options=("petrol", "electric"),
            condition_code="has_car",
            condition_options=["yes"],
        ),
    ]
    checked = check_answers(questions, {"has_car": ["no"]})
    assert checked.ok
    assert set(checked.answers) == {"has_car"}


def test_condition_met_makes_the_required_question_needed():
    questions = [
        question("has_car"),
        question(
            "car_type",
            required=True,
            options=("petrol", "electric"),
            condition_code="has_car",
            condition_options=["yes"],
        ),
    ]
    checked = check_answers(questions, {"has_car": ["yes"]})
    assert checked.errors == {"car_type": "Select an option"}


def test_a_question_hidden_by_a_hidden_question_is_hidden_too():
    questions = [
        question("a"),
        question("b", condition_code="a", condition_options=["yes"]),
        question("c", required=True, condition_code="b", condition_options=["yes"]),
    ]
    checked = check_answers(questions, {"a": ["no"], "b": ["yes"], "c": []})
    assert checked.ok
    assert set(checked.answers) == {"a"}


def test_numbers_accept_thousands_separators_and_spaces():
    q = question("n", "number", options=(), min_value=0, max_value=100000)
    assert check_answers([q], {"n": [" 12,500 "]}).answers["n"].number == 12500


def test_blank_optional_answers_are_not_stored():
    q = question("t", "short_text", options=())
    assert check_answers([q], {"t": ["   "]}).answers == {}


def test_short_text_collapses_whitespace_and_long_text_keeps_lines():
    short = question("s", "short_text", options=())
    long = question("l", "long_text", options=())
    checked = check_answers([short, long], {"s": ["Mill \n  Lane"], "l": ["one\r\ntwo"]})
    assert checked.answers["s"].text == "Mill Lane"
    assert checked.answers["l"].text == "one\ntwo"


def test_clean_text_drops_control_characters_but_keeps_tabs_and_newlines():
    assert clean_text("a\x00b\tc\nd\x1b") == "ab\tc\nd"


def test_repeated_choice_counts_once():
    q = question("m", "multiple", options=("a", "b"), max_choices=1)
    assert check_answers([q], {"m": ["a", "a"]}).answers["m"].option_codes == ["a"]
