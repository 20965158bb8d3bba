"""The upload form for an agency's XLSForm."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired


class ImportForm(FlaskForm):
    workbook = FileField(
        "The form as an Excel workbook",
        widget=GovFileInput(),
        description="An XLSForm (.xlsx) from KoboToolbox, ODK, SurveyCTO or Ona.",
        validators=[
            FileRequired("Choose the form’s .xlsx file"),
            FileAllowed(["xlsx"], "The form must be an .xlsx file"),
        ],
    )
    agency = SelectField(
        "Whose form is it?",
        widget=GovSelect(),
        description="Matching questions are tagged to this agency, new ones proposed from it.",
        validators=[InputRequired("Choose the agency whose form it is")],
    )
    submit = SubmitField("Check the form against the bank", widget=GovSubmitInput())
