"""Facilitators' forms for a vote's options: add, edit, merge, reject, and take from the survey."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from engage.forms import DayMonthYearField, strip
from engage.panels.models import VoteOption
from engage.partnership.models import Area


class OptionForm(FlaskForm):
    title = StringField(
        "Option",
        widget=GovTextInput(),
        description="What members will rank, in a few words, for example ‘Better street lighting’.",
        filters=[strip],
        validators=[
            DataRequired("Enter the option"),
            Length(max=200, message="The option must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=2000, message="The description must be 2000 characters or fewer")],
    )
    submit = SubmitField("Save option", widget=GovSubmitInput())


class MergeForm(FlaskForm):
    target = RadioField(
        "Which option should it be merged into?",
        widget=GovRadioInput(),
        description="Its supporters and comments move to the option you choose.",
        coerce=int,
        validators=[InputRequired("Choose the option to merge into")],
    )
    submit = SubmitField("Merge the options", widget=GovSubmitInput())

    def offer_targets(self, options: list[VoteOption]) -> None:
        self.target.choices = [SelectChoice(o.id, o.title) for o in options]


class RejectOptionForm(FlaskForm):
    reason = TextAreaField(
        "Why is it being rejected?",
        widget=GovTextArea(),
        description="Members see this reason next to the option.",
        filters=[strip],
        validators=[
            DataRequired("Enter the reason for rejecting the option"),
            Length(max=500, message="The reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Reject the option", widget=GovSubmitInput())


class EvidenceForm(FlaskForm):
    """Which question's answers to show as candidates; the chosen ones come as ``answers``."""

    question = SelectField(
        "Survey question",
        widget=GovSelect(),
        description="A single- or multiple-choice question of the published questionnaire. "
        "Questions about who residents are (age, gender, ethnicity, disability and the like) "
        "are not offered: their answers are not priorities.",
        validate_choice=False,
    )
    ward = SelectField("Ward (optional)", widget=GovSelect(), validate_choice=False)
    since = DayMonthYearField("Answered on or after (optional)", subject="Answered on or after")
    until = DayMonthYearField("Answered on or before (optional)", subject="Answered on or before")

    def offer(self, questions: list[tuple[str, str]], wards: list[Area]) -> None:
        self._questions = {code for code, _ in questions}
        self._wards = {a.code for a in wards}
        self.question.choices = [SelectChoice("", "Choose a question")] + [
            SelectChoice(code, text) for code, text in questions
        ]
        self.ward.choices = [SelectChoice("", "All wards")] + [
            SelectChoice(a.code, a.name) for a in wards
        ]

    def validate_question(self, field) -> None:
        if field.data not in self._questions:
            raise StopValidation("Choose a survey question")

    def validate_ward(self, field) -> None:
        if field.data and field.data not in self._wards:
            raise StopValidation("Choose a ward from the list")

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(
                "Answered on or before must be the same day as or after answered on or after"
            )
