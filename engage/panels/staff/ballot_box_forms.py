"""Facilitators' forms for the ballot box: the passphrase that locks it, and opens it."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms import PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

MAX_PASSPHRASE = 200


class LockForm(FlaskForm):
    passphrase = PasswordField(
        "Choose a passphrase for the ballot box",
        description="At least 12 characters. Four or five unrelated words are easy to "
        "type and hard to guess.",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Choose a passphrase for the ballot box"),
            Length(max=MAX_PASSPHRASE, message=f"Use at most {MAX_PASSPHRASE} characters"),
        ],
    )
    confirm = PasswordField(
        "Type the passphrase again",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Type the passphrase again"),
            EqualTo("passphrase", "The two passphrases are different: type the same one twice"),
        ],
    )
    submit = SubmitField("Start voting", widget=GovSubmitInput())


class OpenForm(FlaskForm):
    passphrase = PasswordField(
        "Passphrase of the ballot box",
        description="The passphrase chosen when voting started.",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Type the passphrase of the ballot box"),
            Length(max=MAX_PASSPHRASE, message=f"Use at most {MAX_PASSPHRASE} characters"),
        ],
    )
    submit = SubmitField("Open the ballot box and count", widget=GovSubmitInput())


class CountForm(FlaskForm):
    """Counting again (after late paper ballots) when nothing is sealed any more."""

    submit = SubmitField("Count the votes", widget=GovSubmitInput())
