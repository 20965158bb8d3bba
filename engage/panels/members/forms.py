"""Forms on the members' pages: the code from the card, a proposal, a comment, a reply.

Labels and messages are lazy, so each page shows them in the member's language.
Rules about the content (titles unique, comments not too long) stay with the
services; these forms only say what is missing.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from engage.forms import strip
from engage.panels.models import AGAINST, FOR, QUESTION
from engage.panels.process.deliberation import MAX_COMMENT

STANCE_LABELS = {FOR: _l("For"), AGAINST: _l("Against"), QUESTION: _l("Question")}


class CodeForm(FlaskForm):
    """The voter code, typed in or brought by the QR code on the card."""

    code = StringField(
        _l("Your code"),
        widget=GovTextInput(),
        description=_l(
            "It is printed on your card, for example K7QD-M2XH-9RTF. "
            "Capital or small letters, with or without the dashes."
        ),
        filters=[strip],
        validators=[DataRequired(_l("Enter the code from your card"))],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class ProposeForm(FlaskForm):
    title = StringField(
        _l("Title of your proposal"),
        widget=GovTextInput(),
        description=_l("A few words, for example ‘More benches in the park’."),
        filters=[strip],
        validators=[DataRequired(_l("Enter a title for your proposal"))],
    )
    description = TextAreaField(
        _l("Short description (optional)"),
        widget=GovTextArea(),
        description=_l("What it is and why it matters to you."),
        filters=[strip],
    )
    submit = SubmitField(_l("Propose this option"), widget=GovSubmitInput())


class CommentForm(FlaskForm):
    """One per option on the page, told apart by a prefix (``option-12-``)."""

    stance = RadioField(
        _l("Is your comment for this option, against it, or a question?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, label in STANCE_LABELS.items()],
        validators=[InputRequired(_l("Choose for, against, or a question"))],
    )
    text = TextAreaField(
        _l("Your comment"),
        widget=GovTextArea(),
        description=_l("Up to %(num)d characters.", num=MAX_COMMENT),
        filters=[strip],
        validators=[DataRequired(_l("Enter your comment"))],
    )
    submit = SubmitField(_l("Add your comment"), widget=GovSubmitInput())


class ReplyForm(FlaskForm):
    """One per comment on the page, told apart by a prefix (``reply-34-``)."""

    text = TextAreaField(
        _l("Your reply"),
        widget=GovTextArea(),
        description=_l("Up to %(num)d characters.", num=MAX_COMMENT),
        filters=[strip],
        validators=[DataRequired(_l("Enter your reply"))],
    )
    submit = SubmitField(_l("Add your reply"), widget=GovSubmitInput())


def reply_form(comment_id: int, submitted: bool = False) -> ReplyForm:
    """The reply form under one comment, filled from the request only if it was sent."""
    if submitted:
        return ReplyForm(prefix=f"reply-{comment_id}")
    return ReplyForm(prefix=f"reply-{comment_id}", formdata=None)


def comment_form(option_id: int, submitted: bool = False) -> CommentForm:
    """The comment form of one option, filled from the request only if it was the one sent."""
    if submitted:
        return CommentForm(prefix=f"option-{option_id}")
    return CommentForm(prefix=f"option-{option_id}", formdata=None)
