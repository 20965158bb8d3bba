"""Reading XLSForms built here with openpyxl, and mapping them onto Engage; no database."""

import io

import openpyxl
import pytest

from engage.questionnaire import types
from engage.xlsform import constraints, relevant
from engage.xlsform.errors import FormError
from engage.xlsform.mapping import plan_form
from engage.xlsform.plan import PlannedQuestion, Unsupported
from engage.xlsform.reading import OLE2_HEADER, file_type, read_form
from tests.xlsform_corpus import xls_workbook

EN, PL = "label::English (en)", "label::Polski (pl)"
HINT_EN, HINT_PL = "hint::English (en)", "hint::Polski (pl)"


def make_workbook(survey, choices=None, settings=None) -> bytes:
    """An .xlsx XLSForm from lists of row dicts, one sheet per argument, headers from the keys."""
    book = openpyxl.Workbook()
    sheets = {"survey": survey, "choices": choices, "settings": settings}
    first = True
    for name, rows in sheets.items():
        if rows is None:
            continue
        sheet = book.active if first else book.create_sheet()
        sheet.title, first = name, False
        headers = list(dict.fromkeys(key for row in rows for key in row))
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Every XLSForm type Engage maps, a group, relevant expressions, two languages, and
# rows Engage cannot take. Row numbers in comments are the survey sheet's.
EVERY_TYPE_SURVEY = [
    {"type": "note", "name": "welcome", EN: "Thank you for taking part.", PL: "Dziękujemy."},  # 2
    {"type": "begin group", "name": "home", EN: "Your home", PL: "Twój dom"},  # 3
    {"type": "note", "name": "home_intro", EN: "About where you live.", PL: "O miejscu."},  # 4
    {
        "type": "select_one tenure",
        "name": "tenure",
        EN: "Do you rent or own your home?",
        PL: "Czy wynajmujesz?",
        HINT_EN: "Choose one.",
        HINT_PL: "Wybierz jedno.",
        "required": "yes",
    },  # 5
    {
        "type": "select_multiple problems",
        "name": "problems",
        EN: "Which problems does your home have?",
        PL: "Jakie problemy?",
        "relevant": "${tenure} = 'rent' or selected(${tenure}, 'other')",
        "constraint": "count-selected(.) <= 2 and "
        "not(selected(., 'none') and count-selected(.) > 1)",
    },  # 6
    {"type": "select_one yn", "name": "alarm", EN: "Do you have a smoke alarm?", PL: "Alarm?"},
    {
        "type": "select_one agree",
        "name": "safe_home",
        EN: "I feel safe at home.",
        PL: "Bezpiecznie.",
    },
    {
        "type": "integer",
        "name": "people",
        EN: "How many people live here?",
        "constraint": ". >= 1 and . <= 20",
    },
    {"type": "decimal", "name": "rent", EN: "How much is your weekly rent?"},  # 10
    {
        "type": "range",
        "name": "home_rating",
        EN: "Rate your home.",
        "parameters": "start=0 end=10 step=1",
    },
    {
        "type": "range",
        "name": "floors",
        EN: "How many floors?",
        "parameters": "start=1 end=5 step=1",
    },
    {"type": "text", "name": "street", EN: "Which street?", "constraint": "string-length(.) <= 80"},
    {"type": "text", "name": "Story", EN: "Tell us more.", "appearance": "multiline"},  # 14
    {"type": "acknowledge", "name": "consent", EN: "I agree to take part."},
    {"type": "geopoint", "name": "where", EN: "Where is your home?"},  # 16
    {"type": "image", "name": "photo", EN: "A photo of the damp."},
    {"type": "calculate", "name": "score", "calculation": "1 + 1"},
    {"type": "end group"},
    {"type": "begin repeat", "name": "people_list", EN: "Each person"},  # 20
    {"type": "text", "name": "first_name", EN: "First name"},
    {"type": "end repeat"},
    {"type": "text", "name": "later", EN: "Anything else?", "relevant": "${people} > 2"},  # 23
]
EVERY_TYPE_CHOICES = [
    {"list_name": "tenure", "name": "own", EN: "Own", PL: "Własność"},
    {"list_name": "tenure", "name": "rent", EN: "Rent", PL: "Wynajem"},
    {"list_name": "tenure", "name": "other", EN: "Other", PL: "Inne"},
    {"list_name": "problems", "name": "damp", EN: "Damp", PL: "Wilgoć"},
    {"list_name": "problems", "name": "cold", EN: "Cold", PL: "Zimno"},
    {"list_name": "problems", "name": "none", EN: "None of these", PL: "Żadne"},
    {"list_name": "yn", "name": "yes", EN: "Yes", PL: "Tak"},
    {"list_name": "yn", "name": "no", EN: "No", PL: "Nie"},
    *(
        {"list_name": "agree", "name": code, EN: label, PL: label}
        for code, label in types.FIXED_OPTIONS[types.AGREEMENT]
    ),
]
EVERY_TYPE_SETTINGS = [
    {"form_title": "Housing survey", "form_id": "housing", "default_language": "English (en)"}
]


def every_type_workbook() -> bytes:
    return make_workbook(EVERY_TYPE_SURVEY, EVERY_TYPE_CHOICES, EVERY_TYPE_SETTINGS)


@pytest.fixture(scope="module")
def plan():
    return plan_form(read_form(every_type_workbook()))


def by_name(plan, name):
    return next(item for item in plan.items if item.name == name)


def test_each_supported_type_maps_onto_an_engage_type(plan):
    mapped = {q.name: q.type for q in plan.questions}
    assert mapped == {
        "tenure": types.SINGLE,
        "problems": types.MULTIPLE,
        "alarm": types.YES_NO,
        "safe_home": types.AGREEMENT,
        "people": types.NUMBER,
        "rent": types.NUMBER,
        "home_rating": types.RATING,
        "floors": types.NUMBER,
        "street": types.SHORT_TEXT,
        "Story": types.LONG_TEXT,
        "consent": types.YES_NO,
        "later": types.SHORT_TEXT,
    }


def test_group_becomes_a_section_and_notes_its_text(plan):
    assert plan.intro == "Thank you for taking part."
    assert plan.translations == {"pl": {"intro": "Dziękujemy."}}
    [section] = plan.sections[:1]
    assert (section.title, section.intro) == ("Your home", "About where you live.")
    assert section.translations == {"pl": {"title": "Twój dom", "intro": "O miejscu."}}
    # The question after the group goes into a section of its own.
    assert [q.code for q in plan.sections[-1].questions] == ["later"]


def test_required_hint_options_and_translations_are_kept(plan):
    tenure = by_name(plan, "tenure")
    assert tenure.required and tenure.hint == "Choose one."
    assert tenure.translations == {"pl": {"text": "Czy wynajmujesz?", "hint": "Wybierz jedno."}}
    assert [(o.code, o.label, o.value) for o in tenure.options] == [
        ("own", "Own", 1),
        ("rent", "Rent", 2),
        ("other", "Other", 3),
    ]
    assert tenure.options[1].translations == {"pl": {"label": "Wynajem"}}


def test_relevant_becomes_a_condition_and_constraints_become_limits(plan):
    problems = by_name(plan, "problems")
    assert (problems.condition_code, problems.condition_options) == ("tenure", ["rent", "other"])
    assert problems.max_choices == 2
    assert [o.code for o in problems.options if o.exclusive] == ["none"]
    people = by_name(plan, "people")
    assert (people.min_value, people.max_value) == (1, 20)
    floors = by_name(plan, "floors")
    assert (floors.min_value, floors.max_value) == (1, 5)
    assert by_name(plan, "street").max_length == 80


def test_what_changes_on_the_way_is_noted_on_the_row(plan):
    assert by_name(plan, "Story").code == "story"
    assert "Its name ‘Story’ becomes the code ‘story’." in by_name(plan, "Story").notes
    assert any("whole numbers" in note for note in by_name(plan, "rent").notes)
    assert any("acknowledgement" in note for note in by_name(plan, "consent").notes)
    later = by_name(plan, "later")
    assert later.condition_code is None
    assert any("${people} > 2" in note and "is not kept" in note for note in later.notes)


def test_unsupported_rows_are_reported_by_row_and_type(plan):
    found = [(item.row, item.written_type) for item in plan.unsupported]
    assert found == [
        (16, "geopoint"),
        (17, "image"),
        (18, "calculate"),
        (20, "begin repeat"),
        (21, "text"),
    ]
    assert "locations" in by_name(plan, "where").reason
    assert "repeat ‘people_list’" in by_name(plan, "first_name").reason
    assert all(isinstance(item, PlannedQuestion | Unsupported) for item in plan.items)


def test_rows_are_reported_in_sheet_order(plan):
    rows = [item.row for item in plan.items]
    assert rows == sorted(rows)
    assert by_name(plan, "tenure").row == 5


def test_curly_quotes_survive_pyxforms_straightening():
    data = make_workbook(
        [{"type": "select_one c", "name": "q", "label": "What’s your view?"}],
        [
            {"list_name": "c", "name": "a", "label": "Don’t know"},
            {"list_name": "c", "name": "b", "label": "It’s fine"},
        ],
    )
    [question] = plan_form(read_form(data)).questions
    assert question.text == "What’s your view?"
    assert [o.label for o in question.options] == ["Don’t know", "It’s fine"]


def test_languages_engage_does_not_offer_are_noted_not_dropped_silently():
    data = make_workbook(
        [{"type": "text", "name": "q", EN: "Name?", "label::Français (fr)": "Nom ?"}]
    )
    plan = plan_form(read_form(data))
    assert plan.questions[0].translations == {}
    assert any("Français (fr)" in note for note in plan.notes)


@pytest.mark.parametrize(
    ("survey", "choices", "expected"),
    [
        (
            [{"type": "textt", "name": "a", "label": "A"}],
            None,
            "Row 2 of the ‘survey’ sheet: ‘textt’",
        ),
        ([{"type": "select_one colours", "name": "a", "label": "A"}], None, "no ‘choices’ sheet"),
        (
            [{"type": "text", "name": "a", "label": "A", "relevant": "${b} = 'x'"}],
            None,
            "Row 2 of the ‘survey’ sheet: It refers to ${b}, but no question is named ‘b’.",
        ),
        (
            [
                {"type": "begin group", "name": "g", "label": "G"},
                {"type": "text", "name": "a", "label": "A"},
            ],
            None,
            "Row 2 of the ‘survey’ sheet: This ‘begin group’ has no matching ‘end group’.",
        ),
        (
            [
                {"type": "text", "name": "a", "label": "A"},
                {"type": "text", "name": "a", "label": "B"},
            ],
            None,
            "Row 3 of the ‘survey’ sheet: The name ‘a’ is used twice",
        ),
        (
            [{"type": "select_one c", "name": "a", "label": "A"}],
            [
                {"list_name": "c", "name": "x", "label": "X"},
                {"list_name": "c", "name": "x", "label": "Y"},
            ],
            "Row 3 of the ‘choices’ sheet: A choice list has two choices with the same name.",
        ),
    ],
)
def test_a_broken_workbook_gets_pyxforms_message_in_plain_words(survey, choices, expected):
    with pytest.raises(FormError) as raised:
        read_form(make_workbook(survey, choices))
    assert expected in str(raised.value)
    assert raised.value.details  # pyxform's own words are kept alongside


def test_a_file_that_is_not_a_workbook_is_refused_plainly():
    with pytest.raises(FormError, match="not an Excel workbook"):
        read_form(b"type,name,label\ntext,a,A\n")


def test_relevant_expressions_engage_can_and_cannot_hold():
    kinds = {"a": relevant.SINGLE, "m": relevant.MULTIPLE, "b": relevant.SINGLE}
    assert relevant.parse("${a} = 'x' or selected(${a}, 'y')", kinds).options == ("x", "y")
    assert relevant.parse("'x' = ${a}", kinds).options == ("x",)
    narrowed = relevant.parse("(${a} = 'x' or ${a} = 'y') and ${a} = 'y'", kinds)
    assert narrowed == relevant.Condition("a", ("y",))
    for expression, reason in [
        ("${a} = 'x' or ${b} = 'y'", "more than one question"),
        ("selected(${m}, 'x') and selected(${m}, 'y')", "chosen together"),
        ("${m} = 'x'", "only that option"),
        ("${a} != 'x'", "‘!=’"),
        ("${a} = 'x' and ${a} = 'y'", "no answer could ever meet it"),
        ("${later} = 'x'", "not an earlier choice question"),
    ]:
        with pytest.raises(relevant.NotSupported, match=reason):
            relevant.parse(expression, kinds)


def test_constraints_are_written_and_read_back():
    written = constraints.write(0, 7, None, 3, ["none", "prefer_not"])
    limits = constraints.read(written)
    assert (limits.min_value, limits.max_value, limits.max_choices) == (0, 7, 3)
    assert limits.exclusive == ["none", "prefer_not"]
    assert constraints.read(". > 0 and . < 10 and regex(., '^a')").not_kept == ["regex(., '^a')"]
    assert (
        constraints.read(". > 0 and . < 10").min_value,
        constraints.read(". < 10").max_value,
    ) == (1, 9)


def test_a_groups_relevant_narrows_the_condition_of_each_question_inside():
    data = make_workbook(
        [
            {"type": "select_one t", "name": "tenure", "label": "Own or rent?"},
            {
                "type": "begin group",
                "name": "renters",
                "label": "Renting",
                "relevant": "${tenure} = 'rent'",
            },
            {"type": "text", "name": "landlord", "label": "Who is your landlord?"},
            {
                "type": "text",
                "name": "repairs",
                "label": "Any repairs?",
                "relevant": "${tenure} = 'rent' or ${tenure} = 'own'",
            },
            {"type": "end group"},
        ],
        [
            {"list_name": "t", "name": "own", "label": "Own"},
            {"list_name": "t", "name": "rent", "label": "Rent"},
        ],
    )
    plan = plan_form(read_form(data))
    conditions = {q.code: (q.condition_code, q.condition_options) for q in plan.questions}
    assert conditions == {
        "tenure": (None, []),
        "landlord": ("tenure", ["rent"]),
        "repairs": ("tenure", ["rent"]),
    }


def test_parameters_are_read_for_every_type_whether_pyxform_parses_them_or_not():
    data = make_workbook(
        [
            {"type": "image", "name": "photo", "label": "Photo", "parameters": "max-pixels=1024"},
            {"type": "audio", "name": "voice", "label": "Voice", "parameters": "quality=low"},
            {
                "type": "geopoint",
                "name": "where",
                "label": "Where?",
                "parameters": "capture-accuracy=5, warning-accuracy=10;allow-mock-accuracy=true",
            },
            {"type": "text", "name": "story", "label": "Tell us", "parameters": "rows=4"},
            {"type": "range", "name": "score", "label": "Score", "parameters": "start=0 end=10"},
            {"type": "select_one yn", "name": "ok", "label": "OK?", "parameters": "randomize=true"},
        ],
        [
            {"list_name": "yn", "name": "yes", "label": "Yes"},
            {"list_name": "yn", "name": "no", "label": "No"},
        ],
    )
    form = read_form(data)
    parameters = {element.name: element.parameters for element in form.walk()}
    assert parameters["photo"] == {"max-pixels": "1024"}
    assert parameters["voice"] == {"quality": "low"}
    assert parameters["where"] == {
        "capture-accuracy": "5",
        "warning-accuracy": "10",
        "allow-mock-accuracy": "true",
    }
    assert parameters["story"] == {"rows": "4"}
    assert parameters["score"] == {"start": "0", "end": "10", "step": "1"}
    assert parameters["ok"] == {"randomize": "true"}

    plan = plan_form(form)
    assert by_name(plan, "photo").reason == "Engage does not take photos, recordings or files"
    assert (by_name(plan, "photo").row, by_name(plan, "where").row) == (2, 4)
    assert by_name(plan, "story").type == types.LONG_TEXT
    assert by_name(plan, "score").type == types.RATING


def test_randomized_choices_are_kept_in_the_sheets_order_and_noted():
    # pyxform leaves the choices of a randomized select out of the question itself.
    data = make_workbook(
        [
            {
                "type": "select_one c",
                "name": "q",
                "label": "Q?",
                "parameters": "randomize=true seed=4",
            }
        ],
        [{"list_name": "c", "name": n, "label": n.title()} for n in ("red", "green", "blue")],
    )
    [question] = plan_form(read_form(data)).questions
    assert [o.code for o in question.options] == ["red", "green", "blue"]
    assert any("random order" in note for note in question.notes)


def test_a_ranges_tick_labels_are_not_options():
    data = make_workbook(
        [
            {
                "type": "range",
                "name": "q",
                "label": "Q?",
                "parameters": "start=0 end=10 step=1 tick_labelset=ends",
            }
        ],
        [
            {"list_name": "ends", "name": "0", "label": "Bad"},
            {"list_name": "ends", "name": "10", "label": "Good"},
        ],
    )
    [question] = plan_form(read_form(data)).questions
    assert (question.type, question.options) == (types.RATING, [])
    assert any("tick_labelset" in note for note in question.notes)


def test_audit_and_selects_from_earlier_answers_are_reported_not_dropped():
    data = make_workbook(
        [
            {"type": "begin repeat", "name": "people", "label": "Each person"},
            {"type": "text", "name": "person", "label": "Name?"},
            {"type": "end repeat"},
            {"type": "select_one ${person}", "name": "who", "label": "Who answers?"},
            {"type": "audit", "name": "audit", "parameters": "track-changes=true"},
        ]
    )
    plan = plan_form(read_form(data))
    assert "answers given to ${person}" in by_name(plan, "who").reason
    assert (by_name(plan, "audit").row, by_name(plan, "audit").written_type) == (6, "audit")
    assert "device records" in by_name(plan, "audit").reason


def test_an_xls_workbook_is_read_like_the_same_xlsx():
    sheets = {
        "survey": EVERY_TYPE_SURVEY,
        "choices": EVERY_TYPE_CHOICES,
        "settings": EVERY_TYPE_SETTINGS,
    }
    xls = xls_workbook(sheets)
    assert xls.startswith(OLE2_HEADER)
    assert file_type(xls) == ".xls" and file_type(every_type_workbook(), "a.xls") == ".xlsx"
    assert plan_form(read_form(xls)) == plan_form(read_form(every_type_workbook()))


def test_a_damaged_xls_is_refused_plainly():
    for data, filename in ((OLE2_HEADER + b"\0" * 600, ""), (b"not a workbook", "form.xls")):
        with pytest.raises(FormError, match="not an Excel workbook"):
            read_form(data, filename)
