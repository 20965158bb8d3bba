"""Ward boundaries (placeholder being filled in)

Revision ID: e3b7d1a9c5f4
Revises: a1c5e9f3d7b2
Create Date: 2026-12-05 06:10:00.000000

"""

revision = "e3b7d1a9c5f4"
down_revision = "a1c5e9f3d7b2"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
