"""Responses dated by the tablet: kiosk link issue times and flagged times

A tablet's time of answering dates a response when it is not before the kiosk link was
issued, so each event's current token and each retired one gets its issue time; a
response whose tablet time was not believed is flagged.

Existing tokens: the current one was issued when the event's last token was retired (or
when the event was created), each retired one when the one before it was retired (or
when the event was created). Existing responses are not flagged.

Revision ID: 9e1c2a7b4d60
Revises: 8d4b0f2e3c51
Create Date: 2026-12-04 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9e1c2a7b4d60"
down_revision = "8d4b0f2e3c51"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_flagged", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kiosk_issued_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("retired_kiosk_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE event SET kiosk_issued_at = COALESCE("
        "(SELECT max(r.retired_at) FROM retired_kiosk_token r WHERE r.event_id = event.id),"
        " event.created_at)"
    )
    op.execute(
        "UPDATE retired_kiosk_token SET issued_at = COALESCE("
        "(SELECT max(earlier.retired_at) FROM retired_kiosk_token earlier"
        " WHERE earlier.event_id = retired_kiosk_token.event_id"
        " AND earlier.retired_at < retired_kiosk_token.retired_at),"
        " (SELECT e.created_at FROM event e WHERE e.id = retired_kiosk_token.event_id))"
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column(
            "kiosk_issued_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
    with op.batch_alter_table("retired_kiosk_token", schema=None) as batch_op:
        batch_op.alter_column("issued_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table("retired_kiosk_token", schema=None) as batch_op:
        batch_op.drop_column("issued_at")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("kiosk_issued_at")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_column("time_flagged")
