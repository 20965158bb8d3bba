"""A panel's recruitment: its quotas, its volunteers, its invitation codes.

Like ballots, a registration is stored so that nothing pairs it with a survey response
made in the same visit: a ``Volunteer`` has a random text key, no timestamp and no
reference to any response; on SQLite the table is ``WITHOUT ROWID``, and the pool is
rewritten in a random order with fresh keys (``pool.shuffle``) before it is published
and by the hourly job while registration is open. Contact details are a sealed box
(``contact_box``) whose key is never in the database.
"""

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.extensions import Model, db
from engage.panels.models import Panel, random_id
from engage.timeutil import utcnow

# Where a volunteer came from.
FROM_LETTER = "letter"
FROM_SURVEY = "survey"
FROM_LIST = "list"
SOURCES = {FROM_LETTER: "Invitation letter", FROM_SURVEY: "After the survey", FROM_LIST: "List"}

# What became of a volunteer.
IN_POOL = "pool"
SELECTED = "selected"
DROPPED = "dropped"
STATUSES = {IN_POOL: "In the pool", SELECTED: "Selected", DROPPED: "Dropped out"}

# Days contact details are kept after the panel ends, unless the panel says otherwise.
RETENTION_DAYS = 90

panel_facilitator = sa.Table(
    "panel_facilitator",
    db.metadata,
    sa.Column("panel_id", sa.ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Recruitment(Model):
    """How a panel is recruited and chosen: one row per panel that recruits."""

    panel_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    panel_size: so.Mapped[int] = so.mapped_column(default=24)
    # At most one member per household (address).
    household_rule: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    registration_open: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # The panel's last meeting, and the day its volunteers' contact details are deleted.
    ends_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    retention_until: so.Mapped[date | None] = so.mapped_column(sa.Date)
    # The public selection page's address.
    public_token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True, default=random_id)
    # The anonymised pool with its LEXIMIN allocation, as published before the draw
    # (engage.sortition.published's JSON), and when.
    published_pool: so.Mapped[str | None] = so.mapped_column(sa.Text)
    published_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # The draw's seed, fixed in public before the draw, and how it was chosen.
    seed: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    seed_note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    seed_fixed_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    drawn_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    # Each draw, first and replacements: seed, pool numbers chosen, quotas missed.
    draws: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # How each batch of letters' addresses was sampled, so the sample can be checked.
    letter_batches: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # Votes whose voter-code letters have been printed for the selected members.
    letters_for_votes: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    # Someone registered since the pool was last rewritten in a random order.
    needs_shuffle: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    contacts_deleted_at: so.Mapped[datetime | None] = so.mapped_column(sa.DateTime(timezone=True))
    created_at: so.Mapped[datetime] = so.mapped_column(sa.DateTime(timezone=True), default=utcnow)

    panel: so.Mapped[Panel] = so.relationship()
    quotas: so.Mapped[list["PanelQuota"]] = so.relationship(
        order_by="(PanelQuota.category_position, PanelQuota.position)",
        cascade="all, delete-orphan",
    )
    facilitators: so.Mapped[list[User]] = so.relationship(
        secondary=panel_facilitator,
        primaryjoin="Recruitment.panel_id == panel_facilitator.c.panel_id",
        order_by=User.name,
    )


class PanelQuota(Model):
    """How many members (``minimum``–``maximum``) must have ``feature`` in ``category``.

    The categories are also the questions registration asks: the labels are what a
    volunteer reads.
    """

    __table_args__ = (sa.UniqueConstraint("panel_id", "category", "feature"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("recruitment.panel_id", ondelete="CASCADE"), index=True
    )
    category: so.Mapped[str] = so.mapped_column(sa.String(64))
    category_label: so.Mapped[str] = so.mapped_column(sa.String(200))
    category_position: so.Mapped[int] = so.mapped_column(default=0)
    feature: so.Mapped[str] = so.mapped_column(sa.String(64))
    feature_label: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(default=0)
    minimum: so.Mapped[int] = so.mapped_column(default=0)
    maximum: so.Mapped[int] = so.mapped_column(default=0)
    # The population share the numbers were derived from, when they were.
    population_share: so.Mapped[float | None] = so.mapped_column(sa.Float)
    # {language code: {"category_label": …, "feature_label": …}}, from the questionnaire's
    # translations when the quotas were derived from it; English is in the columns.
    translations: so.Mapped[dict] = so.mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )

    def category_label_in(self, lang: str) -> str:
        return (self.translations or {}).get(lang, {}).get("category_label") or self.category_label

    def feature_label_in(self, lang: str) -> str:
        return (self.translations or {}).get(lang, {}).get("feature_label") or self.feature_label


class Volunteer(Model):
    """One person in the pool: their answers to the quota questions and sealed contact
    details. Deliberately nothing here says when they registered."""

    __table_args__ = ({"sqlite_with_rowid": False},)

    id: so.Mapped[str] = so.mapped_column(sa.String(32), primary_key=True, default=random_id)
    panel_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("recruitment.panel_id", ondelete="CASCADE"), index=True
    )
    features: so.Mapped[dict] = so.mapped_column(sa.JSON)
    # A keyed hash of the address (or of the letter it came from): the household rule.
    household: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    # Name, email, phone and address, sealed; None once deleted.
    contact: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)
    source: so.Mapped[str] = so.mapped_column(sa.String(20))
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default=IN_POOL)
    # The volunteer's number in the published, anonymised pool (1, 2, …).
    pool_number: so.Mapped[int | None]


class InvitationCode(Model):
    """A single-use registration code printed on one invitation letter; only its hash
    is stored, and nothing of the address it was sent to."""

    __table_args__ = (sa.UniqueConstraint("panel_id", "serial"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("recruitment.panel_id", ondelete="CASCADE"), index=True
    )
    serial: so.Mapped[int]
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    used: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
