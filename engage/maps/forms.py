"""The boundary upload form."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField


class BoundaryForm(FlaskForm):
    boundaries = FileField(
        "Ward boundaries as GeoJSON",
        widget=GovFileInput(),
        description="A .geojson or .json file of the partnership’s wards, for example from "
        "the ONS Open Geography portal.",
        validators=[
            FileRequired("Choose the boundary file (.geojson or .json)"),
            FileAllowed(["geojson", "json"], "The boundaries must be a .geojson or .json file"),
        ],
    )
    submit = SubmitField("Check and load the boundaries", widget=GovSubmitInput())
