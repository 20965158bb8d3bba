"""The joint questionnaire: numbered versions of sections, questions and options.

A question's ``code`` is stable across versions, so results join by code. The
agencies that use a question are kept on its ``BankQuestion``, the one entry in
the partnership's question bank that every version's copy of the question shares.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import Model, db
from engage.partnership.models import Agency, Partnership
from engage.questionnaire import types
from engage.questionnaire.demographics import is_demographic
from engage.timeutil import utcnow

DRAFT = "draft"
PUBLISHED = "published"

bank_question_agency = sa.Table(
    "bank_question_agency",
    db.metadata,
    sa.Column("bank_question_id", sa.ForeignKey("bank_question.id"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agency.id"), primary_key=True),
)


class BankQuestion(Model):
    """One question in the partnership's bank, identified by its stable code."""

    __table_args__ = (sa.UniqueConstraint("partnership_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership.id"), index=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(64))
    # Opted in by an admin: headline results appear on the public "you said" page.
    public_results: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    agencies: so.Mapped[list[Agency]] = so.relationship(
        secondary=bank_question_agency, order_by=Agency.name
    )


class Questionnaire(Model):
    """The partnership's one joint questionnaire."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partnership_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partnership.id"), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))

    partnership: so.Mapped[Partnership] = so.relationship()
    versions: so.Mapped[list["QuestionnaireVersion"]] = so.relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number"
    )


class QuestionnaireVersion(Model):
    """A numbered version: a draft while being edited, immutable once published."""

    __table_args__ = (sa.UniqueConstraint("questionnaire_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    questionnaire_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("questionnaire.id"))
    number: so.Mapped[int]
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=DRAFT)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    intro: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)
    published_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # {language code: {field: text}}; English lives in the columns themselves.
    translations: so.Mapped[dict] = so.mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )

    questionnaire: so.Mapped[Questionnaire] = so.relationship(back_populates="versions")
    sections: so.Mapped[list["Section"]] = so.relationship(
        back_populates="version", order_by="Section.position", cascade="all, delete-orphan"
    )

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def questions(self) -> list["Question"]:
        """Every question in questionnaire order."""
        return [q for section in self.sections for q in section.questions]


class Section(Model):
    """A titled group of questions, shown together."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questionnaire_version.id"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    intro: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # {language code: {field: text}}; English lives in the columns themselves.
    translations: so.Mapped[dict] = so.mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )

    version: so.Mapped[QuestionnaireVersion] = so.relationship(back_populates="sections")
    questions: so.Mapped[list["Question"]] = so.relationship(
        back_populates="section", order_by="Question.position", cascade="all, delete-orphan"
    )


def _about_respondent_by_wording(context: Any) -> bool:
    """A question stored without saying starts marked as about the respondent when its
    code or wording is about age, gender, ethnicity, disability and the like."""
    values = context.get_current_parameters()
    return is_demographic(values.get("code") or "", values.get("text") or "")


class Question(Model):
    """One version's copy of a bank question: its wording, type, rules and options."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("section.id"), index=True)
    bank_question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("bank_question.id"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    code: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.String(500))
    hint: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    type: so.Mapped[str] = so.mapped_column(sa.String(20))
    required: so.Mapped[bool] = so.mapped_column(default=False)
    # A single-choice question whose options are a scale, in order (very safe ... very
    # unsafe): statistics files call it ordinal. Agreement and rating questions always are.
    ordered: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Describes the respondent (age, gender, ethnicity, disability...) rather than asking
    # what they think: never offered as a source of a panel's priorities. Marked in the
    # editor; a question stored without saying starts marked by its code and wording.
    about_respondent: so.Mapped[bool] = so.mapped_column(
        default=_about_respondent_by_wording, server_default=sa.false()
    )
    min_value: so.Mapped[int | None]
    max_value: so.Mapped[int | None]
    max_choices: so.Mapped[int | None]
    max_length: so.Mapped[int | None]
    # "Show only if <condition_code> is one of <condition_options>".
    condition_code: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    condition_options: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    # {language code: {field: text}}; English lives in the columns themselves.
    translations: so.Mapped[dict] = so.mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )
    # Reworded since the version before: do results stay comparable? None until an admin
    # says (publishing waits for it); False starts a new series (``comparability``).
    comparable: so.Mapped[bool | None]

    section: so.Mapped[Section] = so.relationship(back_populates="questions")
    bank_question: so.Mapped[BankQuestion] = so.relationship()
    options: so.Mapped[list["Option"]] = so.relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )

    @property
    def version(self) -> QuestionnaireVersion:
        return self.section.version

    @property
    def agencies(self) -> list[Agency]:
        return self.bank_question.agencies

    def used_by(self, agency_id: int) -> bool:
        """Whether the agency uses this question: the one meaning of "my agency's
        questions", for the results, the downloads and the API alike."""
        return any(agency.id == agency_id for agency in self.bank_question.agencies)

    def option_by_code(self, code: str) -> "Option | None":
        return next((o for o in self.options if o.code == code), None)


def _missing_by_code(context: Any) -> bool:
    """An option stored without saying starts as a missing code if its code is one of
    the usual ones ("dont_know", "prefer_not_to_say")."""
    return context.get_current_parameters().get("code") in types.MISSING_CODES


class Option(Model):
    """An answer option with a stable code and a numeric value for statistics packages."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("question.id"), index=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    code: so.Mapped[str] = so.mapped_column(sa.String(64))
    label: so.Mapped[str] = so.mapped_column(sa.String(300))
    value: so.Mapped[int] = so.mapped_column(default=0)
    # An exclusive option ("Prefer not to say", "None of these") cannot be combined.
    exclusive: so.Mapped[bool] = so.mapped_column(default=False)
    # A missing code ("Don't know", "Prefer not to say"): an answer that is not a view.
    # Statistics files declare its value missing (user-missing in SPSS, .a/.b in Stata)
    # and the codebook lists it. Marked in the editor; new options with the usual codes
    # start marked.
    missing: so.Mapped[bool] = so.mapped_column(default=_missing_by_code, server_default=sa.false())
    # Relabelled since the version before: as Question.comparable.
    comparable: so.Mapped[bool | None]
    # {language code: {field: text}}; English lives in the columns themselves.
    translations: so.Mapped[dict] = so.mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )

    question: so.Mapped[Question] = so.relationship(back_populates="options")
