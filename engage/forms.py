"""Small pieces shared by the feature packages' forms."""

import re

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField
from wtforms.validators import StopValidation

from engage.dateinput import typed_date

# Control characters other than tab and line breaks: nobody types them, PostgreSQL
# refuses NUL in text, and terminals act on escape sequences.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value: object) -> object:
    """A WTForms filter: trim spaces around typed text and drop control characters."""
    return _CONTROL.sub("", value).strip() if isinstance(value, str) else value


def upload_name(filename: str | None, default: str) -> str:
    """The name of an uploaded file as pages and records show it: the browser's name
    without any folders or control characters (PostgreSQL refuses NUL), at most 200
    characters, or ``default`` when nothing is left."""
    flat = re.sub(r"[\t\r\n]+", " ", _CONTROL.sub("", filename or ""))  # one line
    name = re.split(r"[\\/]", flat)[-1].strip()
    return name[:200] or default


class DayMonthYearField(DateField):
    """A date typed as day, month and year in three boxes (the GOV.UK date input)."""

    def __init__(self, label: str, subject: str, **kwargs) -> None:
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.subject = subject

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [str(v).strip() for v in valuelist[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts  # the widget redraws exactly three boxes
        self.data, problem = typed_date(self.subject, *parts)
        if problem:
            raise ValueError(problem)

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()
