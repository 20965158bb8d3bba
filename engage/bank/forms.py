"""Forms for proposing a question and deciding on a proposal."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from engage.bank.services import ProposalData
from engage.forms import strip
from engage.questionnaire import types
from engage.questionnaire.validation import valid_code

MAX_OPTIONS = 30


def option_lines(text: str | None) -> list[str]:
    """The non-blank lines of the options box, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProposalForm(FlaskForm):
    text = StringField(
        "Question text",
        description="Write it as residents will read it.",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired("Enter the question text"), Length(max=500)],
    )
    hint = TextAreaField(
        "Hint (optional)",
        description="Extra help shown under the question.",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=1000)],
    )
    type = RadioField(
        "Type of answer",
        description="How residents will answer.",
        choices=[SelectChoice(value, label) for value, label in types.TYPE_LABELS.items()],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose the type of answer")],
    )
    options = TextAreaField(
        "Options",
        description="For single and multiple choice only: one option per line.",
        widget=GovTextArea(),
    )
    reason = TextAreaField(
        "Why your agency needs this question",
        description="Say what you will use the answers for. The administrators see this.",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired("Say why your agency needs this question"), Length(max=2000)],
    )
    check = SubmitField("Check for similar questions", widget=GovSubmitInput())
    anyway = SubmitField("Propose it anyway", widget=GovSubmitInput())

    def validate_options(self, field: TextAreaField) -> None:
        if self.type.data not in types.EDITABLE_OPTIONS:
            return
        lines = option_lines(field.data)
        if len(lines) < 2:
            raise ValidationError("Enter at least two options, one per line")
        if len(lines) > MAX_OPTIONS:
            raise ValidationError(f"Enter no more than {MAX_OPTIONS} options")
        if any(len(line) > 300 for line in lines):
            raise ValidationError("Each option must be 300 characters or fewer")
        if len({line.casefold() for line in lines}) < len(lines):
            raise ValidationError("Each option must be different")

    def data_for_service(self) -> ProposalData:
        return ProposalData(
            text=self.text.data or "",
            hint=self.hint.data or "",
            type=self.type.data or "",
            option_labels=option_lines(self.options.data),
            reason=self.reason.data or "",
        )


class AcceptForm(FlaskForm):
    code = StringField(
        "Question code",
        description=(
            "Used to join results across versions and in exports. Lower-case letters, "
            "digits and underscores, starting with a letter."
        ),
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired("Enter a question code"), Length(max=64)],
    )
    section = RadioField(
        "Section of the draft",
        description="You can move the question later in the questionnaire editor.",
        coerce=int,
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a section of the draft")],
    )
    required = RadioField(
        "Must residents answer it?",
        description="Optional questions can be left blank.",
        choices=[
            SelectChoice("yes", "Yes, it is required"),
            SelectChoice("no", "No, it is optional"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Say whether residents must answer it")],
    )
    submit = SubmitField("Accept into the draft", widget=GovSubmitInput())

    def validate_code(self, field: StringField) -> None:
        if not valid_code(field.data or ""):
            raise ValidationError(
                "The code must start with a lower-case letter and use only lower-case "
                "letters, digits and underscores"
            )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        description="A short explanation the proposing agency will see.",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired("Give a reason for rejecting the proposal"), Length(max=500)],
    )
    submit = SubmitField("Reject the proposal", widget=GovSubmitInput())
