"""Facilitators' forms for panels and votes.

Options have theirs in ``option_forms``; voter codes and paper ballots in ``code_forms``.

Voting times are typed in the partnership's time zone (ENGAGE_TIME_ZONE, Europe/London
by default, so British Summer Time is handled) and handed to the services as aware UTC
(``engage.localtime``).
"""

import re
from datetime import datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

from engage.forms import DayMonthYearField, strip
from engage.localtime import local, to_utc
from engage.panels.models import IRV, STV
from engage.panels.process.votes import PanelFields, VoteFields
from engage.partnership.models import Area

MAX_SEATS = 20
CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?")


def parse_clock(text: str) -> time:
    """ "18:30", "18.30", "9:05" or "18" on the 24-hour clock."""
    match = CLOCK.fullmatch(text.strip())
    if not match:
        raise ValueError
    return time(int(match.group(1)), int(match.group(2) or 0))


class ClockField(StringField):
    """A time of day typed as hours and minutes."""

    def __init__(self, label: str, **kwargs) -> None:
        kwargs.setdefault("widget", GovTextInput())
        kwargs.setdefault("filters", [strip])
        kwargs.setdefault("description", "24-hour clock, local time, for example 18:30")
        super().__init__(label, **kwargs)

    @property
    def clock(self) -> time | None:
        try:
            return parse_clock(self.data) if self.data else None
        except ValueError:
            return None


class PanelForm(FlaskForm):
    name = StringField(
        "Panel name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired("Enter a name for the panel"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        description="Who is on the panel and what it is for.",
        filters=[strip],
        validators=[Length(max=5000, message="The description must be 5000 characters or fewer")],
    )
    area = SelectField(
        "Area",
        widget=GovSelect(),
        description="A panel for one ward, or for the whole partnership.",
        validate_choice=False,
    )
    submit = SubmitField("Save panel", widget=GovSubmitInput())

    def offer_areas(self, areas: list[Area]) -> None:
        self._areas = {str(a.id): a for a in areas}
        self.area.choices = [SelectChoice("", "The whole partnership")] + [
            SelectChoice(str(a.id), a.name) for a in areas
        ]

    def validate_area(self, field) -> None:
        if field.data and field.data not in self._areas:
            raise StopValidation("Choose a ward from the list, or the whole partnership")

    def fields(self) -> PanelFields:
        return PanelFields(
            name=self.name.data,
            description=self.description.data or "",
            area=self._areas.get(self.area.data or ""),
        )


class VoteForm(FlaskForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="A short name for the vote, for example ‘Priorities for 2026’.",
        filters=[strip],
        validators=[
            DataRequired("Enter a title for the vote"),
            Length(max=200, message="The title must be 200 characters or fewer"),
        ],
    )
    question = TextAreaField(
        "Question",
        widget=GovTextArea(),
        description="What members are asked, for example ‘What should the council fix first?’",
        filters=[strip],
        validators=[
            DataRequired("Enter the question members are asked"),
            Length(max=2000, message="The question must be 2000 characters or fewer"),
        ],
    )
    method = RadioField(
        "How many priorities should the vote choose?",
        widget=GovRadioInput(),
        choices=[SelectChoice(IRV, "One priority"), SelectChoice(STV, "Several priorities")],
        default=IRV,
        validators=[InputRequired("Choose one priority or several")],
    )
    seats = StringField(
        "How many priorities? (single transferable vote only)",
        widget=GovTextInput(),
        description=(
            f"From 2 to {MAX_SEATS}, and fewer than the options. An instant run-off "
            "chooses one, whatever this says."
        ),
        default="2",
        filters=[strip],
    )
    opens_on = DayMonthYearField("Date voting opens", subject="The date voting opens")
    opens_time = ClockField("Time voting opens")
    closes_on = DayMonthYearField("Date voting closes", subject="The date voting closes")
    closes_time = ClockField("Time voting closes")
    submit = SubmitField("Save vote", widget=GovSubmitInput())

    def validate_seats(self, field) -> None:
        if self.method.data != STV:
            return
        if not field.data:
            raise StopValidation("Enter how many priorities the vote should choose")
        if not field.data.isdigit():
            raise StopValidation("Enter the number of priorities as a whole number, like 3")
        if not 2 <= int(field.data) <= MAX_SEATS:
            raise StopValidation(f"Choose from 2 to {MAX_SEATS} priorities")

    def _check_moment(self, day: DayMonthYearField, clock: ClockField, what: str) -> None:
        if clock.data and clock.clock is None:
            clock.errors.append(f"Enter the time {what} as hours and minutes, for example 18:30")
        elif day.data and not clock.data:
            clock.errors.append(f"Enter the time {what}")
        elif clock.data and not day.data and not day.errors:
            day.errors.append(f"Enter the date {what}")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self._check_moment(self.opens_on, self.opens_time, "voting opens")
        self._check_moment(self.closes_on, self.closes_time, "voting closes")
        opens, closes = self.opens_on, self.closes_on
        if (opens.data or self.opens_time.data) and not (closes.data or self.closes_time.data):
            closes.errors.append("Enter when voting closes, or leave both times blank for now")
        if (closes.data or self.closes_time.data) and not (opens.data or self.opens_time.data):
            opens.errors.append("Enter when voting opens, or leave both times blank for now")
        return valid and not self.errors

    def fields(self) -> VoteFields:
        stv = self.method.data == STV
        return VoteFields(
            title=self.title.data,
            question=self.question.data,
            method=self.method.data,
            seats=int(self.seats.data) if stv else 1,
        )

    def window(self) -> tuple[datetime, datetime] | None:
        """The voting window in UTC, or None when it was left blank."""
        opens, closes = self.opens_time.clock, self.closes_time.clock
        if not (self.opens_on.data and self.closes_on.data and opens and closes):
            return None
        return to_utc(self.opens_on.data, opens), to_utc(self.closes_on.data, closes)

    def show_window(self, opens_at: datetime | None, closes_at: datetime | None) -> None:
        """Fill the date and time boxes from the stored window."""
        for moment, day, clock in (
            (opens_at, self.opens_on, self.opens_time),
            (closes_at, self.closes_on, self.closes_time),
        ):
            if moment is not None:
                there = local(moment)
                day.data = there.date()
                clock.data = f"{there:%H:%M}"
