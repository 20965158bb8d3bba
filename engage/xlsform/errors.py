"""pyxform's messages about a broken workbook, said in plain words.

pyxform writes for form designers ("[row : 3] On the 'survey' sheet, the 'name'
value 'a' is invalid..."). The analyst who uploads an agency's form gets a
sentence that says where the problem is and what to do, and pyxform's own
message alongside, so that whoever mends the form can search for it.
"""

import re
from typing import Any


class FormError(ValueError):
    """The workbook cannot be imported; ``details`` keeps pyxform's own message."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


# (pattern in pyxform's message, what to say); named groups fill the sentence.
_PLAIN: list[tuple[str, str]] = [
    (
        r"not recognized as a supported type|Error reading \.xlsx?\b",
        "This file is not an Excel workbook, or it is protected with a password. Save the "
        "form as .xlsx or .xls (from Excel, KoboToolbox or ODK), without a password, and "
        "upload that file.",
    ),
    (
        r"You must have a sheet named 'survey'",
        "The workbook has no sheet called ‘survey’. An XLSForm keeps its questions on a "
        "sheet with that name.",
    ),
    (
        r"Invalid headers provided for sheet: '(?P<sheet>[^']+)'.*?not found: (?P<columns>[^.]+)",
        "The first row of the ‘{sheet}’ sheet needs the column {columns}.",
    ),
    (
        r"Unknown question type '(?P<type>[^']*)'",
        "‘{type}’ is not an XLSForm question type. Check its spelling in the type column.",
    ),
    (
        r"There should be a choices sheet",
        "The form has choice questions but no ‘choices’ sheet with the columns list_name, "
        "name and label.",
    ),
    (
        r"List name not in choices sheet: (?P<list>\S+)",
        "The choice list ‘{list}’ is not on the ‘choices’ sheet.",
    ),
    (
        r"Could not find the name '(?P<name>[^']*)'",
        "It refers to ${{{name}}}, but no question is named ‘{name}’.",
    ),
    (
        r"'name' value '(?P<name>[^']*)' is invalid\. Questions, groups, and repeats must be "
        r"unique",
        "The name ‘{name}’ is used twice in the same group. Each question needs its own name.",
    ),
    (
        r"Unmatched '(?P<kind>begin|end)_(?P<what>group|repeat)'",
        "This ‘{kind} {what}’ has no matching ‘{other} {what}’.",
    ),
    (r"Question or group with no name", "This question or group has no name."),
    (
        r"'name' value is invalid\. Names must begin",
        "The name is not valid: it must start with a letter and use only letters, digits "
        "and underscores.",
    ),
    (
        r"survey element named '(?P<name>[^']*)' has no label",
        "The question ‘{name}’ has no label, so nobody would know what it asks.",
    ),
    (r"Question with no type", "This row has a name but no type."),
    (r"Choices must have a name", "A choice has no name."),
    (
        r"Choice names must be unique",
        "A choice list has two choices with the same name.",
    ),
    (
        r"Duplicate column header: (?P<header>.+)",
        "Two columns have the heading ‘{header}’.",
    ),
]
_ROW = re.compile(r"\[row : (?P<row>\d+)\]")
_SHEET = re.compile(r"On the '(?P<sheet>\w+)' sheet")


def _row_of_type(written: str, survey_rows: list[dict[str, Any]]) -> int | None:
    """The survey row whose type cell reads ``written``: pyxform names no row for that error."""
    for index, row in enumerate(survey_rows):
        if str(row.get("type") or "").strip() == written:
            return index + 2
    return None


def plain_message(message: str, survey_rows: list[dict[str, Any]] | None = None) -> str:
    """pyxform's ``message`` as one plain sentence, starting with the row when it names one."""
    plain = ""
    found: dict[str, str] = {}
    for pattern, sentence in _PLAIN:
        match = re.search(pattern, message, flags=re.DOTALL)
        if match:
            found = {k: v.strip() for k, v in match.groupdict().items() if v}
            if "kind" in found:
                found["other"] = "end" if found["kind"] == "begin" else "begin"
            plain = sentence.format(**found)
            break
    if not plain:
        plain = "pyxform cannot convert this form."
    row_match = _ROW.search(message)
    row = int(row_match.group("row")) if row_match else None
    if row is None and "type" in found:
        row = _row_of_type(found["type"], survey_rows or [])
    if row is None:
        return plain
    sheet_match = _SHEET.search(message)
    sheet = sheet_match.group("sheet") if sheet_match else "survey"
    return f"Row {row} of the ‘{sheet}’ sheet: {plain}"
