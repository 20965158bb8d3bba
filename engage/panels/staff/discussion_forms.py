"""Facilitators' forms for the discussion: a reply, an official answer, a digest's period."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from engage.forms import DayMonthYearField, strip
from engage.panels.process.answers import MAX_ANSWER
from engage.panels.process.deliberation import MAX_COMMENT


class StaffReplyForm(FlaskForm):
    text = TextAreaField(
        "Your reply",
        widget=GovTextArea(),
        description=f"Members see it under the comment, from ‘Facilitator’. Up to {MAX_COMMENT} "
        "characters.",
        filters=[strip],
        validators=[
            DataRequired("Enter your reply"),
            Length(
                max=MAX_COMMENT, message=f"Your reply must be {MAX_COMMENT} characters or fewer"
            ),
        ],
    )
    submit = SubmitField("Add the reply", widget=GovSubmitInput())


class AnswerForm(FlaskForm):
    text = TextAreaField(
        "Official answer",
        widget=GovTextArea(),
        description="Members see it under the question, marked as the official answer, with "
        f"your role but not your name. Up to {MAX_ANSWER} characters.",
        filters=[strip],
        validators=[
            DataRequired("Enter the answer"),
            Length(max=MAX_ANSWER, message=f"The answer must be {MAX_ANSWER} characters or fewer"),
        ],
    )
    submit = SubmitField("Save the official answer", widget=GovSubmitInput())


class DigestForm(FlaskForm):
    """The digest's period: whole days in the partnership's time zone, both included."""

    since = DayMonthYearField("From", subject="The first day")
    until = DayMonthYearField("To", subject="The last day")
    submit = SubmitField("Show the digest", widget=GovSubmitInput())

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The last day must be the same as or after the first day")
