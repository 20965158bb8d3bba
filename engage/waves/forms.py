"""The admins' forms: a wave, and an area attributes file."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from engage.forms import DayMonthYearField, strip
from engage.waves.services import MAX_NAME, WaveFields

DATES, EVENTS = "dates", "events"


class WaveForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        description="For example ‘Spring 2026’. Each wave needs its own name.",
        filters=[strip],
        validators=[
            DataRequired("Enter a name for the wave"),
            Length(max=MAX_NAME, message=f"The name must be {MAX_NAME} characters or fewer"),
        ],
    )
    kind = RadioField(
        "Which responses are in the wave?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(DATES, "Those answered between two dates"),
            SelectChoice(EVENTS, "Those taken at events"),
        ],
        default=DATES,
        validators=[InputRequired("Choose dates or events")],
    )
    since = DayMonthYearField("First day", subject="The first day")
    until = DayMonthYearField("Last day", subject="The last day")
    events = SelectMultipleField("Events", coerce=int, widget=GovCheckboxesInput())
    submit = SubmitField("Save the wave", widget=GovSubmitInput())

    def fields(self) -> WaveFields:
        """The wave as typed: only the dates, or only the events, as the radio says."""
        if self.kind.data == EVENTS:
            return WaveFields(self.name.data or "", events=list(self.events.data or []))
        return WaveFields(self.name.data or "", self.since.data, self.until.data)


class AttributesForm(FlaskForm):
    attributes = FileField(
        "Area attributes as CSV",
        widget=GovFileInput(),
        description="A .csv file with the header area,attribute,value.",
        validators=[
            FileRequired("Choose the attributes file (.csv)"),
            FileAllowed(["csv", "txt"], "The attributes must be a .csv file"),
        ],
    )
    submit = SubmitField("Check and load the attributes", widget=GovSubmitInput())
