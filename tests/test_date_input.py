"""Dates typed in GOV.UK's day, month and year boxes: one reader for every page."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from engage.dateinput import read_date, typed_date


@pytest.mark.parametrize(
    ("boxes", "result"),
    [
        (("27", "6", "2026"), (date(2026, 6, 27), None)),
        ((" 1", "02 ", "2026"), (date(2026, 2, 1), None)),
        (("", "", ""), (None, None)),
        (("31", "2", "2026"), (None, "From must be a real date, for example 27 6 2026")),
        (("1", "", ""), (None, "From must include a month and year")),
        (("", "6", "2026"), (None, "From must include a day")),
        (("1", "6", "26"), (None, "From must be a real date, for example 27 6 2026")),
        (("²", "6", "2026"), (None, "From must be a real date, for example 27 6 2026")),
    ],
)
def test_three_boxes_give_a_date_or_say_what_to_fix(boxes, result):
    assert typed_date("From", *boxes) == result


def test_boxes_come_first_and_a_link_date_still_works():
    assert read_date(MultiDict({"to": "2026-05-01"}), "to", "To") == (date(2026, 5, 1), None, False)
    boxes = MultiDict({"to": "2026-05-01", "to-day": "2", "to-month": "5", "to-year": "2026"})
    assert read_date(boxes, "to", "To") == (date(2026, 5, 2), None, True)
    assert read_date(MultiDict({"to": "May"}), "to", "To")[1] == (
        "Enter the ‘to’ date as YYYY-MM-DD, for example 2026-06-27"
    )
    assert read_date({}, "to", "To") == (None, None, False)
