"""The results row format and the columns, on their own: no Flask, no database."""

import numpy as np
import pytest

from engage.results.coding import AREA, CHOICE, MULTIPLE, VALUE, RowLayout, Slot
from engage.results.columns import Columns, Schema, Version, Where
from engage.results.perturbation import Count

# Record keys 1, 2, 4 and 8 for responses 1 to 4: a cell's key sum says which are in it.
KEYS = {1: 1, 2: 2, 3: 4, 4: 8}


def counts(found):
    """Plain counts of a dict of Counts."""
    return {key: count.n for key, count in found.items()}


V1 = RowLayout(
    (
        Slot("safe", CHOICE, ("very", "fairly", "unsafe")),
        Slot("improve", MULTIPLE, ("parks", "lighting", "litter")),
        Slot("why", MULTIPLE, ("dark", "people")),
        Slot("ward", AREA),
        Slot("rating", VALUE),
    )
)
# Version 2 puts the options in another order, adds one, and drops the rating.
V2 = RowLayout(
    (
        Slot("safe", CHOICE, ("unsafe", "fairly", "very", "dont_know")),
        Slot("improve", MULTIPLE, ("litter", "parks", "lighting", "buses")),
        Slot("why", MULTIPLE, ("dark", "people")),
        Slot("ward", AREA),
    )
)


def test_a_row_tells_blank_from_not_shown_from_not_asked():
    shown = {"safe", "improve", "ward", "rating"}
    row = V1.encode({"safe": [1], "improve": [0, 2], "ward": [7]}, shown)
    assert V1.describe(row) == {
        "safe": [1],
        "improve": [0, 2],
        "why": "not shown",
        "ward": [7],
        "rating": "blank",
    }
    assert len(row) == V1.size == 4 + 8 + 8 + 4 + 4


def test_a_multiple_choice_has_at_most_63_options():
    with pytest.raises(ValueError, match="at most 63"):
        RowLayout((Slot("many", MULTIPLE, tuple(f"o{i}" for i in range(64))),))


def _columns():
    schema = Schema([Version(1, 1, V1), Version(2, 2, V2)])
    columns = Columns(schema)
    rows1 = [
        V1.encode({"safe": [0], "improve": [1], "ward": [7], "rating": [8]}, {"safe", "improve"}),
        V1.encode({"safe": [2], "improve": [0, 1], "why": [1], "ward": [8]}, {"why", "rating"}),
    ]
    rows2 = [
        V2.encode({"safe": [0], "improve": [0, 3], "ward": [7]}, set()),
        V2.encode({"safe": [3], "ward": [8]}, {"improve"}),
    ]
    for version, rows, ids in ((1, rows1, [1, 2]), (2, rows2, [3, 4])):
        columns.append(
            {
                "id": ids,
                "version": [version] * 2,
                "day": [20000, 20001],
                "area": [7, 8],
                "event": [0, 5],
                "channel": ["online", "kiosk"],
                "language": ["en", "pl"],
                "key": [KEYS[i] for i in ids],
            },
            schema.decode(version, rows),
        )
    return schema, columns


def test_versions_join_by_option_code_whatever_the_order():
    schema, columns = _columns()
    assert schema.codes["safe"].options == ["unsafe", "fairly", "very", "dont_know"]
    assert schema.codes["improve"].options == ["litter", "parks", "lighting", "buses"]
    view = columns.view()
    safe = view.distribution("safe", None)
    # very (v1), unsafe (v1), unsafe (v2), dont_know (v2)
    assert safe.respondents == Count(4, 15)
    # Each count carries the key sum of exactly its respondents.
    assert {schema.codes["safe"].options[k]: n for k, n in safe.counts.items()} == {
        "very": Count(1, 1),
        "unsafe": Count(2, 2 + 4),
        "dont_know": Count(1, 8),
    }
    improve = view.distribution("improve", None)
    assert improve.respondents == Count(3, 7)  # the fourth was shown it and chose nothing
    assert {schema.codes["improve"].options[k]: n for k, n in improve.counts.items()} == {
        "lighting": Count(2, 1 + 2),
        "parks": Count(1, 2),
        "litter": Count(1, 4),
        "buses": Count(1, 4),
    }
    rating = view.distribution("rating", None)
    assert (rating.respondents, rating.counts) == (Count(1, 1), {8: Count(1, 1)})


def test_a_table_counts_respondents_to_both_and_a_filter_narrows_it():
    schema, columns = _columns()
    view = columns.view()
    table = view.table("improve", "area", None)
    names = schema.codes["improve"].options
    assert {(names[r], c): n for (r, c), n in counts(table.cells).items()} == {
        ("lighting", 7): 1,
        ("lighting", 8): 1,
        ("parks", 8): 1,
        ("litter", 7): 1,
        ("buses", 7): 1,
    }
    assert table.total == Count(3, 7) and table.columns == {7: Count(2, 5), 8: Count(1, 2)}
    kiosk = view.select(Where(channels=("kiosk",), versions=(1,)))
    assert list(kiosk) == [1]
    assert view.table("improve", "area", kiosk).total == Count(1, 2)
    # Two single-valued questions: every cell in one pass, with its key sum.
    safe_by_area = view.table("safe", "area", None)
    safe_names = schema.codes["safe"].options
    assert {(safe_names[r], c): n for (r, c), n in safe_by_area.cells.items()} == {
        ("very", 7): Count(1, 1),
        ("unsafe", 8): Count(1, 2),
        ("unsafe", 7): Count(1, 4),
        ("dont_know", 8): Count(1, 8),
    }
    assert view.select(Where(first_day=20001, last_day=20001, areas=(8,))).tolist() == [1, 3]


def test_a_view_does_not_change_when_rows_are_added_later():
    schema, columns = _columns()
    view = columns.view()
    for _ in range(600):  # past the first allocation, so the arrays are copied as they grow
        columns.append(
            {
                "id": [9],
                "version": [1],
                "day": [20002],
                "area": [9],
                "event": [0],
                "channel": ["online"],
                "language": ["ur"],
                "key": [255],
            },
            schema.decode(1, [V1.encode({"safe": [0]}, {"safe"})]),
        )
    assert view.n == 4 and view.distribution("safe", None).respondents == Count(4, 15)
    assert columns.view().distribution("safe", None).respondents == Count(604, 15 + 600 * 255)
    assert np.count_nonzero(columns.view().arrays["area"] == 9) == 600


def test_an_answer_filters_the_respondents_of_any_table():
    schema, columns = _columns()
    view = columns.view()
    unsafe = schema.codes["safe"].options.index("unsafe")
    picked = view.select(Where(answers=(("safe", (unsafe,)),)))
    assert picked.tolist() == [1, 2]  # unsafe in version 1 (option 3 there) and in version 2
    table = view.table("improve", "area", picked)
    assert table.total == Count(2, 6) and counts(table.columns) == {8: 1, 7: 1}
    with pytest.raises(ValueError, match="single-choice"):
        view.select(Where(answers=(("improve", (0,)),)))
