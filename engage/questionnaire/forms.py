"""Forms for the questionnaire editor, drawn with GOV.UK Frontend widgets."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from engage.forms import strip
from engage.partnership.models import Agency
from engage.questionnaire import types
from engage.questionnaire.editing import QuestionFields
from engage.questionnaire.models import Question
from engage.questionnaire.validation import valid_code

CODE_HINT = (
    "Lower-case letters, digits and underscores, starting with a letter. Results from every "
    "version are joined by this code, so keep it once the question has been published."
)
# Whole numbers the database stores on both SQLite and PostgreSQL, with room to spare.
LIMIT = 1_000_000_000


def _code_rule(form, field) -> None:
    if field.data and not valid_code(field.data):
        raise ValidationError(
            f"{field.label.text} must start with a lower-case letter and use only lower-case "
            "letters, digits and underscores"
        )


def split_codes(text: str | None) -> list[str]:
    """Option codes typed with commas or spaces between them, in order, without repeats."""
    return list(dict.fromkeys(c for c in re.split(r"[\s,]+", text or "") if c))


class DetailsForm(FlaskForm):
    """The title and introduction of a version or a section."""

    title = StringField(
        "Title",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired("Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    intro = TextAreaField(
        "Introduction (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=2000, message="Introduction must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


def _number(label: str, low: int, high: int, message: str, description: str = ""):
    return IntegerField(
        label,
        widget=GovTextInput(),
        description=description,
        invalid_value_message=message,
        validators=[Optional(), NumberRange(min=low, max=high, message=message)],
    )


class QuestionForm(FlaskForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        description=CODE_HINT,
        filters=[strip],
        validators=[DataRequired("Enter a code"), _code_rule],
    )
    text = StringField(
        "Question",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired("Enter the question"),
            Length(max=500, message="Question must be 500 characters or fewer"),
        ],
    )
    hint = TextAreaField(
        "Hint (optional)",
        widget=GovTextArea(),
        description="Shown under the question to help residents answer it.",
        filters=[strip],
        validators=[Length(max=2000, message="Hint must be 2,000 characters or fewer")],
    )
    required = BooleanField("Residents must answer this question", widget=GovCheckboxInput())
    ordered = BooleanField(
        "The options are a scale, in order (single choice only)",
        widget=GovCheckboxInput(),
        description="For example very safe, fairly safe, a bit unsafe, very unsafe. SPSS and "
        "Stata downloads then treat the answers as ordinal. Agreement and rating questions "
        "always are.",
    )
    about_respondent = BooleanField(
        "This question describes the respondent (age, gender, ethnicity, disability…)",
        widget=GovCheckboxInput(),
        description="Its answers say who people are, not what they want, so panels cannot "
        "draw priorities from it.",
    )
    type = RadioField(
        "Type of answer",
        widget=GovRadioInput(),
        description=(
            "Agreement scale and yes or no questions have fixed options. Changing to one of "
            "them replaces the question’s options."
        ),
        choices=[SelectChoice(value, label) for value, label in types.TYPE_LABELS.items()],
        validate_choice=False,
    )
    min_value = _number(
        "Smallest number allowed (optional)",
        -LIMIT,
        LIMIT,
        "Smallest number must be a whole number",
        "Whole number questions only.",
    )
    max_value = _number(
        "Largest number allowed (optional)",
        -LIMIT,
        LIMIT,
        "Largest number must be a whole number",
        "Whole number questions only.",
    )
    max_choices = _number(
        "Most options a resident may pick (optional)",
        1,
        100,
        "Most options must be a whole number from 1 to 100",
        "Multiple choice questions only.",
    )
    max_length = _number(
        "Most characters allowed (optional)",
        1,
        10_000,
        "Most characters must be a whole number from 1 to 10,000",
        "Short and long text questions only. Leave blank for 200 (short) or 2,000 (long).",
    )
    condition_code = SelectField(
        "Show this question only if the answer to", widget=GovSelect(), validate_choice=False
    )
    condition_options = StringField(
        "is one of these option codes",
        widget=GovTextInput(),
        description="Separate codes with commas, for example: fairly_unsafe, very_unsafe",
        filters=[strip],
    )
    agencies = SelectMultipleField(
        "Agencies that use this question",
        coerce=int,
        widget=GovCheckboxesInput(),
        description="Tags are shared by every version of the question.",
    )
    submit = SubmitField("Save question", widget=GovSubmitInput())

    def validate_type(self, field) -> None:
        if field.data not in types.TYPES:
            raise ValidationError("Select the type of answer")

    def validate_max_value(self, field) -> None:
        low = self.min_value.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError("Largest number must be the same as or more than the smallest")

    def validate_condition_code(self, field) -> None:
        if field.data and not valid_code(field.data):
            raise ValidationError("Choose a question from the list")

    def validate_condition_options(self, field) -> None:
        bad = [c for c in split_codes(field.data) if not valid_code(c)]
        if bad:
            raise ValidationError(f"‘{bad[0]}’ is not an option code; check the spelling")

    def fields(self, agencies: list[Agency]) -> QuestionFields:
        """The submitted values, with the chosen agencies looked up in ``agencies``."""
        chosen = set(self.agencies.data or [])
        return QuestionFields(
            code=self.code.data,
            text=self.text.data,
            type=self.type.data,
            hint=self.hint.data or "",
            required=bool(self.required.data),
            ordered=bool(self.ordered.data),
            about_respondent=bool(self.about_respondent.data),
            min_value=self.min_value.data,
            max_value=self.max_value.data,
            max_choices=self.max_choices.data,
            max_length=self.max_length.data,
            condition_code=self.condition_code.data or None,
            condition_options=split_codes(self.condition_options.data),
            agencies=[a for a in agencies if a.id in chosen],
        )


def question_form(
    agencies: list[Agency], earlier: list[Question], question: Question | None = None
) -> QuestionForm:
    """A question form filled from ``question`` (or blank), with its choices set.

    The condition list offers the earlier questions that have options, plus the
    current choice if it is no longer one of them, so the form shows it as it is.
    """
    data: dict = {"condition_code": "", "required": False, "agencies": []}
    if question is not None:
        data = {
            "code": question.code,
            "text": question.text,
            "hint": question.hint,
            "type": question.type,
            "required": question.required,
            "ordered": question.ordered,
            "about_respondent": question.about_respondent,
            "min_value": question.min_value,
            "max_value": question.max_value,
            "max_choices": question.max_choices,
            "max_length": question.max_length,
            "condition_code": question.condition_code or "",
            "condition_options": ", ".join(question.condition_options or []),
            "agencies": [a.id for a in question.agencies],
        }
    form = QuestionForm(data=data)
    form.agencies.choices = [SelectChoice(a.id, a.name) for a in agencies]
    choices = [SelectChoice("", "Always show this question")] + [
        SelectChoice(q.code, f"{q.code}: {q.text}")
        for q in earlier
        if q.type in types.CONDITION_TYPES
    ]
    current = form.condition_code.data
    if current and current not in {choice.value for choice in choices}:
        choices.append(SelectChoice(current, f"{current} (not an earlier question with options)"))
    form.condition_code.choices = choices
    return form


class OptionForm(FlaskForm):
    label = StringField(
        "Label",
        widget=GovTextInput(),
        description="What residents see.",
        filters=[strip],
        validators=[
            DataRequired("Enter the label"),
            Length(max=300, message="Label must be 300 characters or fewer"),
        ],
    )
    code = StringField(
        "Code",
        widget=GovTextInput(),
        description=CODE_HINT,
        filters=[strip],
        validators=[DataRequired("Enter a code"), _code_rule],
    )
    exclusive = BooleanField(
        "Cannot be combined with other options, like ‘None of these’",
        widget=GovCheckboxInput(),
    )
    missing = BooleanField(
        "A missing code, not a view, like ‘Don’t know’ or ‘Prefer not to say’",
        widget=GovCheckboxInput(),
        description=(
            "SPSS and Stata files declare its value missing, so it is left out of means "
            "and valid percentages there; the codebook lists it. Results pages still count it."
        ),
    )
    submit = SubmitField("Save option", widget=GovSubmitInput())
