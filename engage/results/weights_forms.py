"""The form that loads a weighting scheme's population targets."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextInput
from wtforms import DecimalField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from engage.forms import DayMonthYearField
from engage.weighting.models import DEFAULT_SCHEME


class TargetsForm(FlaskForm):
    targets = FileField(
        "Population targets (CSV)",
        widget=GovFileInput(),
        description="variable,value,population (a row per value of each margin), or the "
        "weighting questions’ codes then population (a row per combination, the shape "
        "of ONS’s mid-year estimates by ward).",
        validators=[
            FileRequired("Choose the targets file (.csv)"),
            FileAllowed(["csv", "txt"], "The targets must be a .csv file"),
        ],
    )
    scheme = StringField(
        "Scheme name",
        default=DEFAULT_SCHEME,
        widget=GovTextInput(),
        description="Loading targets for an existing scheme replaces its targets (the old "
        "ones are kept as its history). Results use ‘default’ unless asked otherwise.",
        validators=[
            InputRequired("Enter a name for the scheme, such as default"),
            Length(max=40, message="The scheme name must be 40 characters or fewer"),
            Regexp(
                r"^[A-Za-z0-9_-]+$",
                message="The scheme name can only have letters, digits, - and _",
            ),
        ],
    )
    describes = DayMonthYearField(
        "The date the figures describe",
        subject="The date the figures describe",
        description="ONS mid-year estimates describe 30 June of their year, for example 30 6 2025.",
        validators=[InputRequired("Enter the date the figures describe")],
    )
    cap = DecimalField(
        "Cap on the weights (optional)",
        widget=GovTextInput(),
        description="Trimming: no weight above this many times the mean weight, such as 5. "
        "Leave it blank for none (the default).",
        validators=[
            Optional(),
            NumberRange(min=1.01, message="The cap must be more than 1, such as 5"),
        ],
    )
    submit = SubmitField("Check and load the targets", widget=GovSubmitInput())
