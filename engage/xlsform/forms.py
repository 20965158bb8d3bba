"""The upload form for an agency's XLSForm."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

BANK, DRAFT, REPLACE = "bank", "draft", "replace"


class ImportForm(FlaskForm):
    workbook = FileField(
        "The form as an Excel workbook",
        widget=GovFileInput(),
        description="An XLSForm (.xlsx, or the older .xls) from KoboToolbox, ODK, SurveyCTO "
        "or Ona.",
        validators=[
            FileRequired("Choose the form’s .xlsx or .xls file"),
            FileAllowed(["xlsx", "xls"], "The form must be an .xlsx or .xls file"),
        ],
    )
    agency = SelectField(
        "Whose form is it?",
        widget=GovSelect(),
        description="Matching questions are tagged to this agency, new ones proposed from it.",
        validators=[InputRequired("Choose the agency whose form it is")],
    )
    # Administrators only (the view removes it for others).
    purpose = RadioField(
        "What should happen to it?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(BANK, "Check it against the question bank"),
            SelectChoice(DRAFT, "Make it the next draft of the questionnaire (an edited export)"),
            SelectChoice(REPLACE, "Replace the open draft with it"),
        ],
        default=BANK,  # also when a post leaves it out
    )
    submit = SubmitField("Import the form", widget=GovSubmitInput())
