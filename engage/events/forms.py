"""Forms for events and for importing a kiosk queue file."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, StopValidation

from engage.events.models import DEFAULT_IDLE_SECONDS, MAX_IDLE_SECONDS, MIN_IDLE_SECONDS
from engage.events.services import EventFields
from engage.forms import DayMonthYearField, strip
from engage.partnership.models import Area

IDLE_MESSAGE = (
    f"Idle timeout must be a whole number of seconds from {MIN_IDLE_SECONDS} to {MAX_IDLE_SECONDS}"
)


class EventForm(FlaskForm):
    name = StringField(
        "Event name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired("Enter the event name"),
            Length(max=200, message="Event name must be 200 characters or fewer"),
        ],
    )
    starts_on = DayMonthYearField(
        "Date of the event",
        subject="Date of the event",
        description="For example, 27 6 2026",
        validators=[DataRequired("Enter the date of the event")],
    )
    place = StringField(
        "Place (optional)",
        widget=GovTextInput(),
        description="For example, Hollins Park community centre",
        filters=[strip],
        validators=[Length(max=200, message="Place must be 200 characters or fewer")],
    )
    default_area = SelectField(
        "Default ward (optional)",
        widget=GovSelect(),
        description="Used for a response that does not say which ward the resident lives in.",
        validate_choice=False,
    )
    idle_seconds = IntegerField(
        "Idle timeout in seconds",
        widget=GovTextInput(),
        default=DEFAULT_IDLE_SECONDS,
        description=(
            f"After this long without a touch the tablet asks “Are you still there?”, then "
            f"clears the answers. From {MIN_IDLE_SECONDS} to {MAX_IDLE_SECONDS}; usually "
            f"{DEFAULT_IDLE_SECONDS}."
        ),
        invalid_value_message=IDLE_MESSAGE,
        validators=[
            InputRequired("Enter the idle timeout in seconds"),
            NumberRange(min=MIN_IDLE_SECONDS, max=MAX_IDLE_SECONDS, message=IDLE_MESSAGE),
        ],
    )
    submit = SubmitField("Save event", widget=GovSubmitInput())

    def offer_areas(self, areas: list[Area]) -> None:
        """Fill the ward list from the partnership's areas."""
        self._areas = {str(a.id): a for a in areas}
        self.default_area.choices = [("", "No default ward")] + [(str(a.id), a.name) for a in areas]

    def validate_default_area(self, field) -> None:
        if field.data and field.data not in self._areas:
            raise StopValidation("Choose a ward from the list")

    def fields(self) -> EventFields:
        """The submitted values of a validated form, with the chosen ward looked up."""
        if self.starts_on.data is None:
            raise ValueError("EventForm.fields() needs a validated form")
        return EventFields(
            name=self.name.data,
            starts_on=self.starts_on.data,
            place=self.place.data or "",
            default_area=self._areas.get(self.default_area.data or ""),
            idle_seconds=self.idle_seconds.data,
        )


class ConfirmForm(FlaskForm):
    submit = SubmitField("Issue a new link", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    queue_file = FileField(
        "Queue file",
        widget=GovFileInput(),
        description="The .json file of waiting responses saved on a kiosk tablet.",
        validators=[FileRequired("Choose the queue file to import")],
    )
    submit = SubmitField("Import responses", widget=GovSubmitInput())
