"""Sign-in, password and account forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from engage.accounts.models import ROLE_LABELS, ROLES
from engage.forms import strip


class LoginForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


STRENGTH_HINT = "At least 10 characters and hard to guess. Three or four unrelated words work well."


class NewPasswordForm(FlaskForm):
    """A new password, typed twice; the strength check is the service's."""

    password = PasswordField(
        "New password",
        description=STRENGTH_HINT,
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password"), Length(max=200)],
    )
    confirm = PasswordField(
        "Type the new password again",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Type the new password again"),
            EqualTo("password", "The two new passwords are different: type the same one twice"),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    """A user changes their own password, proving they know the current one."""

    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )
    submit = SubmitField("Change my password", widget=GovSubmitInput())


class SetPasswordForm(NewPasswordForm):
    """An admin sets a new password for someone (who then signs in with it)."""

    submit = SubmitField("Set the password", widget=GovSubmitInput())


class RoleForm(FlaskForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
        widget=GovSelect(),
        validators=[InputRequired("Choose a role")],
    )
    submit = SubmitField("Change the role", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button with a CSRF token: deactivate or reactivate."""
