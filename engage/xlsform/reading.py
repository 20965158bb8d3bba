"""Reading an XLSForm with pyxform into plain data, with no Flask or database in it.

pyxform does the reading (an .xlsx with openpyxl, the older .xls with xlrd): type
and header aliases, languages, choice lists, and the checks it makes before
converting a form to an XForm. Its result carries no spreadsheet rows, so each
element is matched back to its row on the survey sheet (names are unique within
a group, and pyxform keeps the rows' order), so that the report can say "row 12".
"""

import copy
from dataclasses import dataclass, field
from typing import Any

from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.parsing.parameters import parse as parse_parameters
from pyxform.parsing.sheet_headers import clean_text_values
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform
from xlrd.compdoc import CompDocError

from engage.xlsform.errors import FormError, plain_message

# Labels written without a language (a plain "label" column) are filed under this key.
DEFAULT_KEY = "default"
# The survey sheet's first row holds the headers, so its data starts on row 2.
FIRST_ROW = 2
# How each kind of workbook file starts.
ZIP_HEADER = b"PK\x03\x04"
OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Choice:
    """One row of the choices sheet: its name, its label in each language, other columns."""

    name: str
    labels: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Element:
    """One question, note, group or repeat, with the survey-sheet row it came from."""

    row: int | None
    name: str
    type: str  # pyxform's name for it: "select one", "integer", "group", ...
    written_type: str  # the type cell as written, such as "select_one safe"
    labels: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    bind: dict[str, str] = field(default_factory=dict)
    control: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    itemset: str = ""
    choices: list[Choice] = field(default_factory=list)
    children: list["Element"] = field(default_factory=list)

    @property
    def appearance(self) -> str:
        return str(self.control.get("appearance") or "")


@dataclass
class Form:
    """A parsed form: its settings, its elements as a tree, and pyxform's warnings."""

    title: str
    form_id: str
    default_language: str
    settings: dict[str, Any]
    elements: list[Element]
    warnings: list[str]

    def walk(self) -> list[Element]:
        """Every element in the order of the survey sheet."""
        found: list[Element] = []

        def visit(elements: list[Element]) -> None:
            for element in elements:
                found.append(element)
                visit(element.children)

        visit(self.elements)
        return found

    def language_keys(self) -> list[str]:
        """Every language a label, hint or choice is written in, in order of appearance."""
        keys: dict[str, None] = {}
        for element in self.walk():
            for texts in (element.labels, element.hints, *(c.labels for c in element.choices)):
                keys.update(dict.fromkeys(texts))
        return list(keys)


def _texts(value: Any) -> dict[str, str]:
    """pyxform gives a string for one language and a dict for several: always a dict."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v not in (None, "")}
    if value in (None, ""):
        return {}
    return {DEFAULT_KEY: str(value)}


def _restored(texts: dict[str, str], cells: list[str]) -> dict[str, str]:
    """``texts`` with the curly quotes pyxform straightens put back from the sheet's cells.

    pyxform turns ’ into ' in every text; a cell that reads the same once
    straightened is the text as the form's author wrote it.
    """
    restored = {}
    for key, text in texts.items():
        if "'" in text or '"' in text:
            text = next(
                (
                    cell
                    for cell in cells
                    if text in (clean_text_values(cell), clean_text_values(cell, True))
                ),
                text,
            )
        restored[key] = text
    return restored


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _parameters(value: Any) -> dict[str, str]:
    """The parameters cell as a dict, whatever the question type.

    pyxform parses the cell for every row, but hands the parsed dict back only for
    range and select rows; for the others (image max-pixels, audio quality, text
    rows, geopoint accuracy, audit...) it applies the values to the bind or control
    and leaves the cell as written, a string. That string is parsed here the way
    pyxform parses it. pyxform has already refused a cell it cannot parse.
    """
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v is not None}
    if value is None or not str(value).strip():
        return {}
    try:
        parsed = parse_parameters(str(value), 0)
    except PyXFormError:
        return {}
    return {str(k): str(v) for k, v in parsed.items()}


def _choice(raw: dict[str, Any], cells: list[str]) -> Choice:
    known = ("name", "label", "media")
    extra = {k: str(v) for k, v in raw.items() if k not in known and isinstance(v, str | int)}
    return Choice(str(raw.get("name", "")), _restored(_texts(raw.get("label")), cells), extra)


class _Rows:
    """Finds each element's row: the next survey row, from where the last was found, with
    its name. Elements pyxform adds itself (the meta group, or_other's text box) have none."""

    def __init__(self, survey: list[dict[str, Any]], choices: list[dict[str, Any]]) -> None:
        # Headers as pyxform reads them: any case, "value" an old name for "name".
        self._rows = [{_header(k): str(v).strip() for k, v in row.items()} for row in survey]
        self._cells = [[str(v) for v in row.values()] for row in survey]
        self._choices: dict[tuple[str, str], list[str]] = {}
        for row in choices:
            headed = {_header(k): str(v).strip() for k, v in row.items()}
            key = (headed.get("list_name", ""), headed.get("name", ""))
            self._choices.setdefault(key, [str(v) for v in row.values()])
        self._next = 0

    def find(self, name: str) -> tuple[int | None, str, list[str]]:
        """The row number, the type as written, and the row's cells."""
        for index in range(self._next, len(self._rows)):
            row = self._rows[index]
            if (row.get("name") or row.get("value")) == name:
                self._next = index + 1
                return index + FIRST_ROW, row.get("type", ""), self._cells[index]
        return None, "", []

    def choice_cells(self, list_name: str, name: str) -> list[str]:
        return self._choices.get((list_name, name), [])


def _header(header: str) -> str:
    return "_".join(str(header).split()).lower()


def _elements(
    raw: dict[str, Any], rows: _Rows, lists: dict[str, list[dict[str, Any]]]
) -> list[Element]:
    """The element for ``raw`` and its children; for a group pyxform added itself (the
    meta group, where it moves an audit row), the children that have a row."""
    name = str(raw.get("name", ""))
    row, written, cells = rows.find(name)
    children = [
        found for child in raw.get("children") or [] for found in _elements(child, rows, lists)
    ]
    if row is None:
        return children
    list_name = str(raw.get("list_name") or raw.get("itemset") or "")
    # pyxform copies a list's choices into the question, except when they are shown in
    # random order (parameters randomize=true): then only the form's lists hold them.
    raw_choices = raw.get("choices") or lists.get(str(raw.get("itemset") or "")) or []
    element = Element(
        row=row,
        name=name,
        type=str(raw.get("type", "")),
        written_type=written,
        labels=_restored(_texts(raw.get("label")), cells),
        hints=_restored(_texts(raw.get("hint")), cells),
        bind={str(k): str(v) for k, v in _mapping(raw.get("bind")).items()},
        control=dict(_mapping(raw.get("control"))),
        parameters=_parameters(raw.get("parameters")),
        itemset=str(raw.get("itemset") or ""),
        choices=[
            _choice(c, rows.choice_cells(list_name, str(c.get("name", ""))))
            for c in raw_choices
            if isinstance(c, dict)
        ],
        children=children,
    )
    return [element]


def _convert(definition: Any, warnings: list[str]) -> dict[str, Any]:
    """pyxform's dictionary for the form, after every check its XForm conversion makes."""
    pyxform_data = workbook_to_json(
        workbook_dict=definition,
        fallback_form_name=definition.fallback_form_name,
        warnings=warnings,
    )
    survey = create_survey_element_from_dict(copy.deepcopy(pyxform_data))
    survey.to_xml(validate=False, warnings=warnings)
    return pyxform_data


def file_type(data: bytes, filename: str = "") -> str:
    """How pyxform is to read the file: ".xls" for a legacy workbook, otherwise ".xlsx".

    The file's first bytes decide: an .xlsx is a zip file, an .xls (BIFF, Excel 97 to
    2003) an OLE2 compound file. A file with neither header goes by its extension, so
    that a damaged .xls gets xlrd's message rather than the zip reader's.
    """
    if data.startswith(OLE2_HEADER):
        return ".xls"
    if data.startswith(ZIP_HEADER):
        return ".xlsx"
    return ".xls" if filename.lower().endswith(".xls") else ".xlsx"


def read_form(data: bytes, filename: str = "") -> Form:
    """Parse an .xlsx or .xls XLSForm; raise FormError, in plain words, if pyxform refuses it."""
    survey_rows: list[dict[str, Any]] = []
    try:
        definition = get_xlsform(xlsform=data, file_type=file_type(data, filename))
        survey_rows = copy.deepcopy(list(definition.survey or []))
        choice_rows = copy.deepcopy(list(definition.choices or []))
        settings_cells = [str(v) for row in definition.settings or [] for v in row.values()]
        warnings: list[str] = []
        pyxform_data = _convert(definition, warnings)
    except PyXFormError as error:
        raise FormError(plain_message(str(error), survey_rows), str(error)) from error
    except CompDocError as error:  # an OLE2 file that xlrd cannot open: pyxform lets it by
        details = f"Error reading .xls file: {error}"
        raise FormError(plain_message(details), details) from error
    except Exception as error:  # pyxform can fail in its own internals on odd workbooks
        raise FormError(
            "The workbook could not be read as an XLSForm. Open it in Excel, check that the "
            "‘survey’ sheet has type, name and label columns, and save it again as .xlsx.",
            f"{type(error).__name__}: {error}",
        ) from error
    rows = _Rows(survey_rows, choice_rows)
    lists = _mapping(pyxform_data.get("choices"))
    elements = [
        element
        for raw in pyxform_data.get("children") or []
        for element in _elements(raw, rows, lists)
    ]
    settings = {k: v for k, v in pyxform_data.items() if k not in ("children", "choices")}
    for key, value in settings.items():
        if isinstance(value, dict):
            settings[key] = _restored(_texts(value), settings_cells)
    title = _restored({"": str(pyxform_data.get("title") or "")}, settings_cells)[""]
    return Form(
        title=title,
        form_id=str(pyxform_data.get("id_string") or ""),
        default_language=str(pyxform_data.get("default_language") or DEFAULT_KEY),
        settings=settings,
        elements=elements,
        warnings=warnings,
    )
