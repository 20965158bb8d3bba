"""A corpus of small XLSForms: one for every question type and every parameter pyxform accepts.

Each form is built here, with openpyxl (.xlsx) or xlwt (.xls), so the corpus needs no
binary fixtures. The types are read from pyxform itself (its type dictionary and its
select aliases), so a pyxform upgrade that adds a type adds a form; the parameters
are pyxform's own lists (``pyxform.constants.Parameters*``), each with a value its
checks accept. tests/test_xlsform_corpus.py first checks that pyxform converts every
form, then imports each one as an analyst would.

    python -m tests.xlsform_corpus DIRECTORY    writes every form there, .xlsx and .xls
"""

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import xlwt
from pyxform import aliases
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

SETTINGS = [{"form_title": "Corpus form", "form_id": "corpus"}]
YES_NO = [
    {"list_name": "yn", "name": "yes", "label": "Yes"},
    {"list_name": "yn", "name": "no", "label": "No"},
]
# The question each form is about; other rows only make it valid.
NAME = "q"
# Extra cells some types need before pyxform accepts them.
_TYPE_CELLS: dict[str, dict[str, str]] = {
    "calculate": {"calculation": "1 + 1"},
    "audit": {"name": "audit", "label": ""},  # pyxform allows no other name
}
Sheets = dict[str, list[dict[str, str]]]


@dataclass(frozen=True)
class CorpusForm:
    """One small form; ``name`` is the survey name of the row the form is about."""

    key: str
    survey: list[dict[str, str]]
    choices: list[dict[str, str]] | None = None
    settings: list[dict[str, str]] = field(default_factory=lambda: list(SETTINGS))
    extra_sheets: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    name: str = NAME

    def sheets(self) -> Sheets:
        sheets = {"survey": self.survey}
        if self.choices is not None:
            sheets["choices"] = self.choices
        sheets["settings"] = self.settings
        return {**sheets, **self.extra_sheets}

    def xlsx(self) -> bytes:
        return xlsx_workbook(self.sheets())

    def xls(self) -> bytes:
        return xls_workbook(self.sheets())


def xlsx_workbook(sheets: Sheets) -> bytes:
    """An .xlsx workbook, one sheet per entry, headers from the rows' keys."""
    book = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet()
        sheet.title, first = title, False
        headers = _headers(rows)
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_workbook(sheets: Sheets) -> bytes:
    """The same as a legacy .xls workbook (BIFF8, in an OLE2 file), as Excel 97 to 2003
    wrote them and as some agencies still keep their forms."""
    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        headers = _headers(rows)
        for column, header in enumerate(headers):
            sheet.write(0, column, header)
        for number, row in enumerate(rows, start=1):
            for column, header in enumerate(headers):
                if row.get(header) not in (None, ""):
                    sheet.write(number, column, row[header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _headers(rows: list[dict[str, str]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _one(key: str, row: dict[str, str], **kwargs: Any) -> CorpusForm:
    return CorpusForm(key, [{"name": NAME, "label": "A question?", **row}], **kwargs)


def type_forms() -> list[CorpusForm]:
    """A form for every type in pyxform's type dictionary and every select alias."""
    forms = []
    for written in QUESTION_TYPE_DICT:
        if "select" in written or written in aliases.select.values():
            # A select takes a list name after its type; pyxform reads one only after the
            # spellings in its select aliases (below), so the other keys cannot be written.
            continue
        if written == "background-geopoint":
            forms.append(
                CorpusForm(
                    f"type:{written}",
                    [
                        {"type": "integer", "name": "trigger_q", "label": "How many?"},
                        {
                            "type": written,
                            "name": NAME,
                            "trigger": "${trigger_q}",
                        },
                    ],
                )
            )
            continue
        cells = {"type": written, **_TYPE_CELLS.get(written, {})}
        forms.append(_one(f"type:{written}", cells, name=cells.get("name", NAME)))
    for written in aliases.select:
        if written in aliases.select_from_file:
            forms.append(_one(f"type:{written}", {"type": f"{written} yn.csv"}))
        elif "external" in written:
            forms.append(
                _one(
                    f"type:{written}",
                    {"type": f"{written} yn"},
                    choices=YES_NO,
                    extra_sheets={"external_choices": YES_NO},
                )
            )
        else:
            forms.append(_one(f"type:{written}", {"type": f"{written} yn"}, choices=YES_NO))
    forms += [
        CorpusForm(
            "type:begin group",
            [
                {"type": "begin group", "name": NAME, "label": "A group"},
                {"type": "text", "name": "inside", "label": "Inside?"},
                {"type": "end group"},
            ],
        ),
        CorpusForm(
            "type:begin repeat",
            [
                {"type": "begin repeat", "name": NAME, "label": "A repeat"},
                {"type": "text", "name": "inside", "label": "Inside?"},
                {"type": "end repeat"},
            ],
        ),
    ]
    return forms


# (key, type cell, parameters cell, extra: choices or other sheets): one for every
# parameter in pyxform.constants.Parameters*, and their usual combinations.
_PARAMETERS: list[tuple[str, str, str, dict]] = [
    # range: ParametersRange
    ("range default", "range", "", {}),
    ("range rating", "range", "start=0 end=10 step=1", {}),
    ("range start end step", "range", "start=1 end=5 step=1", {}),
    ("range reversed", "range", "start=10 end=0 step=1", {}),
    ("range step 2", "range", "start=0 end=100 step=2", {}),
    ("range decimal", "range", "start=0 end=1 step=0.1", {}),
    ("range comma separated", "range", "start=0, end=10, step=1", {}),
    ("range placeholder", "range", "start=0 end=10 step=1 placeholder=5", {}),
    ("range tick_interval", "range", "start=0 end=10 step=1 tick_interval=2", {}),
    (
        "range tick_labelset",
        "range",
        "start=0 end=2 step=1 tick_labelset=ticks",
        {
            "choices": [
                {"list_name": "ticks", "name": str(n), "label": label}
                for n, label in enumerate(["Low", "Middle", "High"])
            ]
        },
    ),
    # select: ParametersSelect
    ("select_one randomize", "select_one yn", "randomize=true", {"choices": YES_NO}),
    ("select_one randomize seed", "select_one yn", "randomize=true seed=3", {"choices": YES_NO}),
    ("select_one randomize false", "select_one yn", "randomize=false", {"choices": YES_NO}),
    ("select_multiple randomize", "select_multiple yn", "randomize=true", {"choices": YES_NO}),
    (
        "select_multiple randomize seed",
        "select_multiple yn",
        "randomize=true;seed=42",
        {"choices": YES_NO},
    ),
    ("rank randomize", "rank yn", "randomize=true", {"choices": YES_NO}),
    # select from file: ParametersSelectFromFile
    ("select_one_from_file value label", "select_one_from_file places.csv", "value=id label=n", {}),
    ("select_one_from_file randomize", "select_one_from_file places.csv", "randomize=true", {}),
    (
        "select_multiple_from_file seed",
        "select_multiple_from_file places.xml",
        "randomize=true seed=7",
        {},
    ),
    # text: ParametersText
    ("text rows", "text", "rows=3", {}),
    # image: ParametersImage
    ("image max-pixels", "image", "max-pixels=1024", {}),
    ("photo max-pixels", "photo", "max-pixels=640", {}),
    ("image app", "image", "app=com.example.camera", {}),
    ("image max-pixels app", "image", "max-pixels=2000 app=com.example.camera", {}),
    # audio: ParametersAudio
    *(
        (f"audio quality {quality}", "audio", f"quality={quality}", {})
        for quality in ("voice-only", "low", "normal", "external")
    ),
    *(
        (f"background-audio quality {quality}", "background-audio", f"quality={quality}", {})
        for quality in ("voice-only", "low", "normal")
    ),
    # geopoint: ParametersGeoPoint
    ("geopoint capture-accuracy", "geopoint", "capture-accuracy=5", {}),
    ("geopoint warning-accuracy", "geopoint", "warning-accuracy=10", {}),
    ("geopoint allow-mock-accuracy", "geopoint", "allow-mock-accuracy=true", {}),
    (
        "geopoint all",
        "geopoint",
        "capture-accuracy=5 warning-accuracy=10 allow-mock-accuracy=false",
        {},
    ),
    (
        "geopoint reference-geometry",
        "geopoint",
        "reference-geometry=places",
        {"choices": [{"list_name": "places", "name": "a", "label": "A"}]},
    ),
    # geoshape and geotrace: ParametersGeo
    *(
        (f"{geo} {parameters}", geo, parameters, {})
        for geo in ("geoshape", "geotrace")
        for parameters in ("incremental=true", "allow-mock-accuracy=true")
    ),
    (
        "geotrace reference-geometry",
        "geotrace",
        "reference-geometry=places",
        {"choices": [{"list_name": "places", "name": "a", "label": "A"}]},
    ),
]


def parameter_forms() -> list[CorpusForm]:
    """A form for every parameter pyxform accepts, on each type that takes it."""
    forms = [
        _one(f"parameters:{key}", {"type": written, "parameters": parameters}, **extra)
        for key, written, parameters, extra in _PARAMETERS
    ]
    # audit: ParametersAudit
    for key, parameters in [
        ("identify-user", "identify-user=true"),
        ("track-changes", "track-changes=true"),
        ("track-changes-reasons", "track-changes-reasons=on-form-edit"),
        (
            "location",
            "location-priority=balanced location-min-interval=60 location-max-age=120",
        ),
    ]:
        forms.append(
            CorpusForm(
                f"parameters:audit {key}",
                [
                    {"type": "text", "name": NAME, "label": "A question?"},
                    {"type": "audit", "name": "audit", "parameters": parameters},
                ],
                name="audit",
            )
        )
    return forms


def select_forms() -> list[CorpusForm]:
    """Selects whose choices come another way: or_other, a choice filter, earlier answers."""
    return [
        _one("select:or_other", {"type": "select_one yn or_other"}, choices=YES_NO),
        _one(
            "select:choice_filter",
            {"type": "select_one yn", "choice_filter": "name != 'no'"},
            choices=YES_NO,
        ),
        CorpusForm(
            "select:previous answers",
            [
                {"type": "begin repeat", "name": "people", "label": "Each person"},
                {"type": "text", "name": "person", "label": "Name?"},
                {"type": "end repeat"},
                {"type": "select_one ${person}", "name": NAME, "label": "Who answers?"},
            ],
        ),
    ]


def corpus() -> list[CorpusForm]:
    """Every form of the corpus."""
    return type_forms() + parameter_forms() + select_forms()


def main(directory: str) -> None:
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    for form in corpus():
        stem = "".join(c if c.isalnum() else "_" for c in form.key)
        (folder / f"{stem}.xlsx").write_bytes(form.xlsx())
        (folder / f"{stem}.xls").write_bytes(form.xls())


if __name__ == "__main__":
    main(sys.argv[1])
