"""profile photos: the storage keys of a person's photo, large and small

Revision ID: 0024
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("photo_key", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("photo_small_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "photo_small_key")
    op.drop_column("users", "photo_key")
