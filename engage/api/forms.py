"""Forms for the 'Your API tokens' page."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from engage.forms import strip


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        widget=GovTextInput(),
        description="What the token is for, so you can tell your tokens apart. "
        "For example, ‘Police Power BI refresh’.",
        filters=[strip],
        validators=[
            DataRequired("Enter a name for the token"),
            Length(max=100, message="Token name must be 100 characters or fewer"),
        ],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class RevokeForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the URL."""
