"""Facilitators' forms for voter codes (make, cancel) and paper ballots (import, enter)."""

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from engage.forms import strip
from engage.panels.ballot_box.codes import MAX_BATCH
from engage.panels.models import VoteOption

SERIALS = re.compile(r"(\d+)(?:-(\d+))?")
MAX_SERIALS = 2000


def parse_serials(text: str) -> list[int]:
    """Serial numbers typed as "4, 7 12-15"; ValueError for anything else."""
    text = re.sub(r"\s*[-–]\s*", "-", text.strip())
    pieces = [p for p in re.split(r"[,;\s]+", text) if p]
    serials: list[int] = []
    for piece in pieces:
        match = SERIALS.fullmatch(piece)
        if not match:
            raise ValueError(piece)
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or len(serials) + last - first >= MAX_SERIALS:
            raise ValueError(piece)
        serials.extend(range(first, last + 1))
    return serials


class CodesForm(FlaskForm):
    count = IntegerField(
        "How many codes?",
        widget=GovTextInput(),
        description=f"One for each member, from 1 to {MAX_BATCH} at a time.",
        invalid_value_message=f"Enter a whole number from 1 to {MAX_BATCH}",
        validators=[
            InputRequired("Enter how many codes to make"),
            NumberRange(1, MAX_BATCH, f"Enter a whole number from 1 to {MAX_BATCH}"),
        ],
    )
    submit = SubmitField("Make the codes and show the cards", widget=GovSubmitInput())


class VoidForm(FlaskForm):
    serials = StringField(
        "Serial numbers of the cards to cancel",
        widget=GovTextInput(),
        description="As printed on each card. Separate them with commas; use a dash for a "
        "range, for example 4, 7, 12-15.",
        filters=[strip],
        validators=[DataRequired("Enter the serial numbers of the cards to cancel")],
    )
    submit = SubmitField("Cancel these cards", widget=GovSubmitInput())

    def validate_serials(self, field) -> None:
        try:
            self.numbers = parse_serials(field.data)
        except ValueError as bad:
            raise ValidationError(
                f"‘{bad}’ is not a serial number or range: use numbers like 4, 7, 12-15"
            ) from None


class PaperImportForm(FlaskForm):
    ballots_file = FileField(
        "Paper ballots file",
        widget=GovFileInput(),
        description="A CSV file with one row per ballot and columns rank_1, rank_2, and so on, "
        "holding option titles.",
        validators=[FileRequired("Choose the CSV file of paper ballots")],
    )
    submit = SubmitField("Import the ballots", widget=GovSubmitInput())


def paper_ballot_form(options: list[VoteOption]) -> FlaskForm:
    """A form with a numbered select for each option (blank: not ranked)."""
    numbers = [SelectChoice("", "Not ranked")] + [
        SelectChoice(str(n), str(n)) for n in range(1, len(options) + 1)
    ]

    class PaperBallotForm(FlaskForm):
        pass

    for option in options:
        setattr(
            PaperBallotForm,
            f"rank_{option.id}",
            SelectField(option.title, widget=GovSelect(), choices=numbers, validate_choice=False),
        )
    return PaperBallotForm()
