"""Replies to comments and official answers (placeholder being filled in)

Revision ID: a1c5e9f3d7b2
Revises: b6d1f3a8c2e5
Create Date: 2026-12-05 06:00:00.000000

"""

revision = "a1c5e9f3d7b2"
down_revision = "b6d1f3a8c2e5"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
